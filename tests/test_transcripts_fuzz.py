"""Property tests: whatever text arrives, the readers raise nothing but TranscriptError."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podpub.errors import TranscriptError
from podpub.model import Transcript
from podpub.transcripts.chapterlist import parse_chapter_list
from podpub.transcripts.detect import READERS, detect_format

# Fragments that steer random text into the readers' less travelled paths.
FRAGMENTS = [
    "WEBVTT",
    "WEBVTT - Title",
    "NOTE",
    "STYLE",
    "REGION",
    "Language: fr",
    "1",
    "2",
    "",
    "00:00:01,000 --> 00:00:02,000",
    "0.000 --> 1.5",
    "1:03.100 --> 59:59.999",
    "00:00:01,000 -> 00:00:02,000",
    "99:99 --> 00:01",
    "00:00:05.000 --> 00:00:01.000",
    "<v Alice>Hello.</v>",
    "<v.loud>",
    "Alice: hi",
    "ALICE:",
    "**Bob:** yes",
    "**Bob**",
    "Bob  0:03",
    "0:00:03.4 **Bob**",
    "[00:01:02] Carol: hm",
    "(01:10): so",
    "[12:34]",
    "Carol (1:02:03):",
    "# Title",
    "## [00:10] Topic",
    "Chapter: Topic",
    "Title",
    "=====",
    "-----",
    "---",
    "title: x",
    "lang: [",
    "```",
    "<!-- c",
    "-->",
    "> quote",
    "- [a](http://x)",
    "![img](a.png)",
    "[Music]",
    "(laughs)",
    "♪",
    "Links:",
    "Sponsor: Acme",
    "Note: x",
    "Host: Jane Doe",
    "Alice Smith, Bob Jones and Carol White",
    "Skip to content",
    "Subscribe on Apple Podcasts",
    "Photo: AFP",
    "© 2024 X",
    "Transcript",
    "By Jane Doe",
    '{"version": "1.0.0", "segments": [',
    '{"startTime": 0.5, "body": "hi", "speaker": "A"}',
    '{"startTime": "x"}',
    "]}",
    '{"chapters": [{"startTime": 1}]}',
    "{",
    "}",
    ",",
    "\r",
    "\t",
    "00:00 Intro",
    "(12:34) Topic",
    "1:02:03 – 1:10:00 Range",
    "Topic - 41:05",
    "\ufeff",
]

structured = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=25).map(
    "\n".join
)
anything = st.one_of(st.text(max_size=400), structured)

NAMES = [Path(n) for n in ("t.txt", "t.srt", "t.vtt", "t.json", "t.md", "t.fr.vtt", "t")]


def _check(t: Transcript) -> None:
    assert isinstance(t, Transcript)
    for p in t.paragraphs:
        assert p.text == p.text.strip() and p.text
        for c in p.cues:
            assert 0 <= c.start_ms <= c.end_ms


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=anything)
def test_every_reader_raises_only_transcript_errors(text: str) -> None:
    for name, reader in READERS.items():
        try:
            _check(reader(text, Path(f"t.{name}")))
        except TranscriptError as exc:
            assert exc.path is not None
    with contextlib.suppress(TranscriptError):
        parse_chapter_list(text)


@settings(max_examples=200, deadline=None)
@given(text=anything, index=st.integers(0, len(NAMES) - 1))
def test_detected_reader_raises_only_transcript_errors(text: str, index: int) -> None:
    path = NAMES[index]
    fmt = detect_format(path, text)
    assert fmt in READERS
    with contextlib.suppress(TranscriptError):
        _check(READERS[fmt](text, path))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20_000_000), st.text(max_size=20)), max_size=8))
def test_chapter_lists_are_sorted_and_keep_times(items: list[tuple[int, str]]) -> None:
    lines = []
    for ms, title in items:
        h, rest = divmod(ms // 1000, 3600)
        m, s = divmod(rest, 60)
        clean = " ".join(title.split())
        lines.append(f"{h}:{m:02d}:{s:02d} Part {clean}")
    chapters = parse_chapter_list("\n".join(lines))
    starts = [c.start_ms for c in chapters]
    assert starts == sorted(starts)
    if len(items) >= 2:
        assert sorted(starts) == sorted(ms // 1000 * 1000 for ms, _ in items)
