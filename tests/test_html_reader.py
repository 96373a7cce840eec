"""The HTML transcript reader: podpub's own transcript.html reads back the same, and
pages in the wild give their visible transcript text only."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podpub.formats import transcript_html
from podpub.model import (
    AudioFacts,
    Episode,
    EpisodeSource,
    Paragraph,
    Section,
    TimedParagraph,
    Transcript,
)
from podpub.transcripts.detect import READERS, detect_format
from podpub.transcripts.html import duration_ms, parse_html

SPEAKERS = ["Maya Ortiz", "Jonas", "SPEAKER_1", "Dr. Ines Varga", "Tom & Jerry", "Zoë <Z>"]
WORDS = st.one_of(
    st.from_regex(r"[A-Za-z][a-z]{0,9}[,.?!]?", fullmatch=True),
    st.sampled_from(["R&D", "<b>", "a<b", "5>3", '"quoted"', "it's", "naïve", "&amp;", "—"]),
)
PHRASE = st.lists(WORDS, min_size=1, max_size=12).map(" ".join)
HERE = Path("transcript.html")


@st.composite
def transcripts(draw: st.DrawFn) -> tuple[Transcript, list[int]]:
    named = draw(st.booleans())
    sections = []
    for k in range(draw(st.integers(1, 4))):
        paragraphs = tuple(
            Paragraph(
                draw(PHRASE),
                draw(st.sampled_from([*SPEAKERS, None])) if named else None,
            )
            for _ in range(draw(st.integers(1, 4)))
        )
        title = None if k == 0 and draw(st.booleans()) else draw(PHRASE)
        sections.append(Section(title, paragraphs))
    language = draw(st.sampled_from([None, "en", "pt-BR"]))
    transcript = Transcript(title=None, sections=tuple(sections), language=language)
    starts: list[int] = []
    t = draw(st.integers(0, 20_000_000))
    for _ in transcript.paragraphs:
        t += draw(st.integers(0, 600_000))
        starts.append(t)
    return transcript, starts


def _episode(transcript: Transcript, starts: list[int], title: str = "Episode") -> Episode:
    source = EpisodeSource(
        slug="ep",
        folder=Path("episodes/ep"),
        guid="guid",
        published=datetime(2024, 1, 1, tzinfo=UTC),
        audio=Path("episodes/ep/audio.mp3"),
        transcript=Path("episodes/ep/transcript.txt"),
    )
    timed = tuple(
        TimedParagraph(p, start, start + 1000, "given")
        for p, start in zip(transcript.paragraphs, starts, strict=True)
    )
    return Episode(
        source=source,
        title=title,
        transcript=transcript,
        audio=AudioFacts(duration_ms=starts[-1] + 1000, mime_type="audio/mpeg", extension=".mp3"),
        chapters=(),
        paragraphs=timed,
        cues=(),
    )


@settings(max_examples=150, deadline=None)
@given(transcripts(), PHRASE)
def test_podpub_transcript_html_round_trip(case: tuple[Transcript, list[int]], title: str) -> None:
    transcript, starts = case
    page = transcript_html.render(_episode(transcript, starts, title))
    assert detect_format(HERE, page) == "html"
    assert detect_format(Path("transcript.txt"), page) == "html"
    back = parse_html(page, HERE)
    assert back.title == title
    assert back.language == transcript.language
    assert [p.text for p in back.paragraphs] == [p.text for p in transcript.paragraphs]
    assert [p.speaker for p in back.paragraphs] == [p.speaker for p in transcript.paragraphs]
    assert [p.given_start_ms for p in back.paragraphs] == starts
    assert [s.title for s in back.sections if s.title] == [
        s.title for s in transcript.sections if s.title
    ]
    assert back.warnings == ()


PODCASTINDEX_STYLE = """<cite>Travis:</cite>
<time>0:00</time>
<p>When you first get started, it&#39;s fine.</p>
<cite>Sarah:</cite>
<time>0:53</time>
<p>Creating good audio is really key.</p>
<p>And a second paragraph of hers.</p>
"""


def test_podcasting20_fragment() -> None:
    assert detect_format(Path("transcript.txt"), PODCASTINDEX_STYLE) == "html"
    assert detect_format(Path("transcript"), PODCASTINDEX_STYLE) == "html"
    t = parse_html(PODCASTINDEX_STYLE, HERE)
    got = [(p.speaker, p.given_start_ms, p.text) for p in t.paragraphs]
    assert got == [
        ("Travis", 0, "When you first get started, it's fine."),
        ("Sarah", 53_000, "Creating good audio is really key."),
        ("Sarah", None, "And a second paragraph of hers."),
    ]
    assert t.title is None and t.format == "html"


def test_script_style_and_hidden_elements_are_dropped() -> None:
    page = """<!DOCTYPE html><html><head><title>Page</title>
<style>p { color: red; }</style><script>var spoken = "no";</script></head>
<body><script type="application/ld+json">{"name": "not text"}</script>
<p>Hello <noscript>enable JavaScript</noscript>there.</p>
<template><p>template text</p></template>
<p>Second<style>.x{}</style> one.</p>
<iframe src="x">frame text</iframe><svg><text>svg text</text></svg>
</body></html>"""
    t = parse_html(page, HERE)
    assert [p.text for p in t.paragraphs] == ["Hello there.", "Second one."]
    assert t.title is None


def test_entities_are_decoded() -> None:
    page = "<p>Caf&eacute; &amp; bar&nbsp;&mdash; it&#39;s &lt;fine&gt; &#x2603; &quot;ok&quot;</p>"
    assert parse_html(page, HERE).paragraphs[0].text == 'Café & bar — it\'s <fine> ☃ "ok"'


def test_page_chrome_is_set_aside() -> None:
    page = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Ep 12 | Sea Show</title></head>
<body>
<header><a href="/">Sea Show</a><nav><a href="/">Home</a> <a href="/eps">Episodes</a></nav></header>
<nav class="crumbs"><a href="/">Home</a> › Episodes › 12</nav>
<main>
<article>
<header><h1>Episode 12: The Harbour</h1></header>
<h2>Intro</h2>
<p><strong>Maya:</strong> Welcome back to the show.</p>
<p><strong>Jonas:</strong> Glad to be here.</p>
<h3>The harbour</h3>
<p>Maya: So, the harbour.<br>Jonas: Yes, the harbour.</p>
</article>
<aside><h2>Related episodes</h2><ul><li>Episode 11</li></ul></aside>
</main>
<form><label>Email</label><input type="email"><button>Subscribe</button></form>
<footer><p>&copy; 2024 Sea Show. All rights reserved.</p></footer>
</body>
</html>"""
    t = parse_html(page, HERE)
    assert t.title == "Episode 12: The Harbour"
    assert t.language == "en"
    assert [s.title for s in t.sections] == ["Intro", "The harbour"]
    got = [(p.speaker, p.text) for p in t.paragraphs]
    assert got == [
        ("Maya", "Welcome back to the show."),
        ("Jonas", "Glad to be here."),
        ("Maya", "So, the harbour."),
        ("Jonas", "Yes, the harbour."),
    ]
    reasons = {s.reason for s in t.set_aside}
    assert {"navigation", "footer", "aside", "form", "title"} <= reasons
    spoken = " ".join(p.text for p in t.paragraphs)
    for chrome in ("Home", "Episodes", "Related", "Subscribe", "rights reserved", "Email"):
        assert chrome not in spoken


def test_headings_timed_links_and_data_start() -> None:
    page = """<h1>Show 3</h1>
<h2><a href="#t=0">00:00</a> Opening</h2>
<p><a href="https://example.org/ep#t=12.5">0:12</a> Ana: First words. More words.</p>
<div data-start="75.25">Second turn, no label.</div>
<h3>Topic (02:10)</h3>
<p><span data-start="130">One sentence.</span> <span data-start="133">Next</span>
<span data-start="133.4">words.</span> <a href="?t=2m20s">[2:20]</a> Later sentence.</p>
<p>Untimed closing paragraph.</p>"""
    t = parse_html(page, HERE)
    assert t.title == "Show 3"
    assert [(s.title, s.given_start_ms) for s in t.sections] == [
        ("Opening", 0),
        ("Topic", 130_000),
    ]
    paras = t.paragraphs
    assert (paras[0].speaker, paras[0].given_start_ms) == ("Ana", 12_500)
    assert paras[0].text == "First words. More words."
    assert (paras[1].speaker, paras[1].given_start_ms) == ("Ana", 75_250)
    cues = [(c.start_ms, c.text) for c in paras[2].cues]
    assert cues == [
        (130_000, "One sentence."),
        (133_000, "Next words."),
        (140_000, "Later sentence."),
    ]
    assert paras[3].text == "Untimed closing paragraph." and not paras[3].cues


def test_podpub_layout_with_iso_times_and_unnamed_turns() -> None:
    page = """<h1>T</h1>
<h2>Part one</h2>
<cite>Maya Ortiz:</cite> <time datetime="PT12.345S">00:12</time>
<p>Hello.</p>
<time datetime="PT20.000S">00:20</time>
<p>Nobody named.</p>
<cite>Jonas:</cite> <time datetime="PT3723.5S">1:02:03</time>
<p>Late.</p>"""
    t = parse_html(page, HERE)
    got = [(p.speaker, p.given_start_ms) for p in t.paragraphs]
    assert got == [("Maya Ortiz", 12_345), (None, 20_000), ("Jonas", 3_723_500)]
    assert t.sections[0].title == "Part one"


def test_line_breaks_and_blocks() -> None:
    t = parse_html("<div>one<br>two<br/>three</div><ul><li>four</li><li>five</li></ul>", HERE)
    assert [p.text for p in t.paragraphs] == ["one two three", "four", "five"]
    assert parse_html("<p>Hel<b>lo</b> wor<i>ld</i></p>", HERE).paragraphs[0].text == "Hello world"


@pytest.mark.parametrize(
    ("value", "ms"),
    [
        ("PT12.345S", 12_345),
        ("PT1H2M3S", 3_723_000),
        ("P0DT1M", 60_000),
        ("1:02:03.5", 3_723_500),
        ("90", 90_000),
        ("1m30s", 90_000),
        ("2024-01-05", None),
        ("PT", None),
        ("", None),
    ],
)
def test_duration_ms(value: str, ms: int | None) -> None:
    assert duration_ms(value) == ms


@pytest.mark.parametrize(
    ("name", "text", "fmt"),
    [
        ("t.html", "Just text, no tags.", "html"),
        ("t.htm", "<p>x</p>", "html"),
        ("t.txt", "\ufeff  <!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        ("t.txt", "<html lang='en'><p>x</p></html>", "html"),
        ("t.txt", "<!-- saved -->\n<!doctype html>\n<p>x</p>", "html"),
        ("t", "<section>\n<p>One.</p>\n<p>Two.</p>\n</section>", "html"),
        ("t.txt", "<div>\n<p>One.</p>\n</div>", "html"),
        ("t.md", "<div align='center'>\n<img src='x'>\n</div>\n\n# Title\n\nText.", "markdown"),
        ("t.md", "<p>All HTML in a Markdown file</p>", "markdown"),
        ("t.txt", "# Title\n\n<b>Alice:</b> hi\n\nSome text.", "markdown"),
        ("t.txt", "<p>A tag first</p>\nthen plain lines\nand more\nand more text", "plain"),
        ("t.txt", "<3 you all\nthanks", "plain"),
    ],
)
def test_detection(name: str, text: str, fmt: str) -> None:
    assert detect_format(Path(name), text) == fmt


def test_registered() -> None:
    assert READERS["html"] is parse_html
    assert parse_html("<p>", HERE).paragraphs == ()
