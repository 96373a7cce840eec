"""Hostile text in every field: HTML and script in both YAML files and in the transcript.

A show whose every free-text field carries markup is built, and each output is read the
way its clients read it: the feed by feedparser (without its sanitiser, as a plain
reader would) and lxml, every HTML payload (description, itunes:summary, content:encoded,
transcript.html) by lxml.html, WebVTT by webvtt-py, SubRip by srt, JSON by json. Nothing
that runs code may survive in any of them: no element that executes or loads, no ``on*``
attribute, no ``javascript:`` URL. The text itself must survive, as text.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import feedparser
import lxml.html
import pytest
import srt
import webvtt
from lxml import etree
from showkit import FIRST, copy_show, tiny_source_fixture  # noqa: F401

from podpub.build import build

PAYLOAD = "<script>alert(1)</script> Floods & <img src=x onerror=alert(1)> salt"
LINK = '<a href="javascript:alert(2)">click</a>'
DANGEROUS_TAGS = {"script", "img", "iframe", "object", "embed", "svg", "style", "link", "a"}
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
CONTENT = "http://purl.org/rss/1.0/modules/content/"


def _yaml_text(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


def make_hostile_show(root: Path) -> None:
    """Markup in every text field of podcast.yaml, episode.yaml and the transcript."""
    p = _yaml_text
    show = root / "podcast.yaml"
    lines = [
        line
        for line in show.read_text("utf-8").splitlines()
        if not line.startswith(("title:", "description:", "author:", "copyright:", "owner:"))
        and not line.startswith(("funding:", "persons:", "  - "))
    ]
    lines += [
        f"title: {p('Show ' + PAYLOAD)}",
        f"description: {p('About ' + PAYLOAD + ' ' + LINK)}",
        f"author: {p('Author ' + PAYLOAD)}",
        f"copyright: {p('(c) ' + PAYLOAD)}",
        f"owner: {{name: {p('Owner ' + PAYLOAD)}, email: owner@example.org}}",
        "funding:",
        f'  - {{url: "https://example.org/support", text: {p("Fund " + PAYLOAD)}}}',
        "persons:",
        f'  - {{name: {p("Host " + PAYLOAD)}, role: host, href: "https://example.org/ada"}}',
    ]
    show.write_text("\n".join(lines) + "\n", "utf-8")
    folder = root / "episodes" / FIRST
    episode = folder / "episode.yaml"
    lines = [
        line
        for line in episode.read_text("utf-8").splitlines()
        if not line.startswith(("summary:", "title:", "persons:", "  - "))
    ]
    lines += [
        f"title: {p('Episode ' + PAYLOAD)}",
        f"summary: {p('Summary ' + PAYLOAD + ' ' + LINK)}",
        "persons:",
        f"  - {{name: {p('Guest ' + PAYLOAD)}, role: guest}}",
        "chapters:",
        f"  - {{title: {p('Chapter ' + PAYLOAD)}}}",
        "  - {title: Closing}",
    ]
    episode.write_text("\n".join(lines) + "\n", "utf-8")
    # labelled text, not Markdown: its angle brackets are text (Markdown's would be markup)
    (folder / "transcript.txt").write_text(
        "# Tiny hostile transcript\n\n"
        f"## Opening {PAYLOAD}\n\n"
        f"Ada: Welcome to the show. {PAYLOAD} We begin.\n\n"
        f"Ben: Thank you. {LINK} It is good to be here.\n\n"
        f"## Closing {PAYLOAD}\n\n"
        f"Ada: That was the show. {PAYLOAD} Goodbye.\n",
        "utf-8",
    )


@pytest.fixture(scope="module")
def hostile_feed(tiny_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = copy_show(tiny_source, tmp_path_factory.mktemp("hostile") / "show")
    make_hostile_show(root)
    build(root, align=False)
    yield root / "feed"
    shutil.rmtree(root, ignore_errors=True)


def assert_inert_html(html: str, where: str) -> None:
    """Parsed as a browser would, ``html`` holds nothing that runs or loads."""
    if not html.strip():
        return
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag.lower() not in DANGEROUS_TAGS - {"a"}, f"{where}: <{element.tag}>"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"{where}: attribute {name}"
            assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:")), (
                f"{where}: {name}={value}"
            )


def assert_text_kept(text: str, where: str) -> None:
    """The payload is still there as text (escaped, not dropped)."""
    assert "alert(1)" in text and "Floods & " in text, f"{where}: the text was lost: {text!r}"


def assert_inert_value(detail: dict[str, str], where: str) -> None:
    """A feedparser value: HTML when its type says so (then it must be inert), else text
    (which a reader shows as it is)."""
    if detail.get("type") in ("text/html", "application/xhtml+xml"):
        assert_inert_html(detail["value"], where)


def test_feed_as_a_reader_sees_it(hostile_feed: Path) -> None:
    data = (hostile_feed / "feed.xml").read_bytes()
    parsed = feedparser.parse(data, sanitize_html=False)
    assert not parsed.bozo, parsed.get("bozo_exception")
    channel = parsed.feed
    for key in ("title", "subtitle", "summary", "rights"):
        if f"{key}_detail" in channel:
            assert_inert_value(channel[f"{key}_detail"], f"channel {key}")
    assert channel.subtitle_detail.type == "text/html"
    assert_text_kept(lxml.html.fromstring(channel.subtitle).text_content(), "channel description")
    entry = parsed.entries[0]
    for key in ("title", "summary"):
        assert_inert_value(entry[f"{key}_detail"], f"item {key}")
    for content in entry.get("content", []):
        assert_inert_value(content, "item content")
    assert entry.summary_detail.type == "text/html"
    assert_text_kept(lxml.html.fromstring(entry.summary).text_content(), "item description")


def test_every_html_element_of_the_feed_is_inert(hostile_feed: Path) -> None:
    """lxml: the text of each element readers decode as HTML, decoded as HTML."""
    tree = etree.parse(str(hostile_feed / "feed.xml"))
    html_elements = ["description", f"{{{ITUNES}}}summary", f"{{{CONTENT}}}encoded"]
    seen = 0
    for tag in html_elements:
        for element in tree.iter(tag):
            seen += 1
            assert_inert_html(element.text or "", etree.QName(element).localname)
    assert seen >= 3
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert not value.lower().startswith("javascript:"), f"{element.tag} {name}"


def test_transcript_html_is_inert(hostile_feed: Path) -> None:
    html = (hostile_feed / FIRST / "transcript.html").read_text("utf-8")
    document = lxml.html.document_fromstring(html)
    assert_inert_html(lxml.html.tostring(document.body, encoding="unicode"), "transcript.html")
    assert_text_kept(document.body.text_content(), "transcript.html")
    assert "alert(1)" in document.findtext(".//title")


def test_webvtt_cues_are_text(hostile_feed: Path) -> None:
    captions = webvtt.read(str(hostile_feed / FIRST / "transcript.vtt"))
    assert len(captions) > 0
    for caption in captions:
        # cue text is WebVTT markup: only its own voice span may be a tag
        assert_inert_html(
            caption.raw_text.replace("<v ", "<span title=").replace("</v>", ""), "vtt"
        )
    joined = " ".join(c.raw_text for c in captions)
    assert "&lt;script&gt;" in joined


def test_subrip_cards_have_no_markup(hostile_feed: Path) -> None:
    cards = list(srt.parse((hostile_feed / FIRST / "transcript.srt").read_text("utf-8")))
    assert cards
    for card in cards:
        # SubRip has no escapes and players read <b>/<i>/<font> tags: no '<' at all
        assert "<" not in card.content and ">" not in card.content, card.content
    assert "alert(1)" in " ".join(c.content for c in cards)


def test_json_outputs_carry_the_text_verbatim(hostile_feed: Path) -> None:
    transcript = json.loads((hostile_feed / FIRST / "transcript.json").read_text("utf-8"))
    bodies = " ".join(s["body"] for s in transcript["segments"])
    assert "<script>alert(1)</script>" in bodies
    chapters = json.loads((hostile_feed / FIRST / "chapters.json").read_text("utf-8"))
    assert any("<script>" in c["title"] for c in chapters["chapters"])


@pytest.mark.parametrize(
    ("field", "url"),
    [
        ("persons", "javascript:alert(1)"),
        ("persons", "data:text/html,<script>alert(1)</script>"),
        ("funding", "javascript:alert(1)"),
    ],
)
def test_urls_that_run_code_are_refused(
    tiny_source: Path, tmp_path: Path, field: str, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A person's href or img and a funding URL must be http(s): an attribute readers
    turn into a link never carries a scheme that runs code."""
    from podpub.cli import main

    root = copy_show(tiny_source, tmp_path / "show")
    show = root / "podcast.yaml"
    lines = [
        line
        for line in show.read_text("utf-8").splitlines()
        if not line.startswith((f"{field}:", "  - "))
    ]
    entry = (
        f"  - {{name: Ada, role: host, href: {json.dumps(url)}}}"
        if field == "persons"
        else f"  - {{url: {json.dumps(url)}, text: Support}}"
    )
    show.write_text("\n".join([*lines, f"{field}:", entry]) + "\n", "utf-8")
    capsys.readouterr()
    assert main(["-q", "build", "--root", str(root), "--no-align"]) == 1
    err = capsys.readouterr().err
    assert "podcast.yaml" in err and "must be an http(s) URL" in err
    assert not (root / "feed").exists()


PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "podpub" / "site" / "templates"


def assert_inert_page(html: str, where: str) -> lxml.html.HtmlElement:
    """A whole page (episode or show): its own script and style are podpub's, byte for
    byte; JSON-LD is data; everything else is inert, and no payload is markup."""
    assert "<script>alert" not in html and "<img src=x" not in html, where
    assert '="javascript:' not in html, where
    document = lxml.html.document_fromstring(html)
    own_js = (PACKAGE_TEMPLATES / "player.js").read_text("utf-8").strip()
    own_css = (PACKAGE_TEMPLATES / "site.css").read_text("utf-8").strip()
    for script in document.iter("script"):
        if script.get("type") == "application/ld+json":
            json.loads(script.text or "")  # data, and valid
        else:
            assert (script.text or "").strip() == own_js, f"{where}: a foreign script"
        assert script.get("src") is None, where
    for style in document.iter("style"):
        assert (style.text or "").strip() == own_css, f"{where}: a foreign style"
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag.lower() not in {"iframe", "object", "embed", "svg"}, where
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"{where}: attribute {name}"
            if name in ("href", "src", "content"):
                assert not value.strip().lower().startswith(("javascript:", "data:")), where
    for img in document.iter("img"):
        assert img.get("src") in ("artwork.png", "../artwork.png", "image.png", "image.jpg"), where
    return document


@pytest.mark.parametrize("page", ["index.html", f"{FIRST}/index.html"])
def test_pages_are_inert_and_keep_the_text(hostile_feed: Path, page: str) -> None:
    document = assert_inert_page((hostile_feed / page).read_text("utf-8"), page)
    assert_text_kept(document.body.text_content(), page)
    assert "alert(1)" in document.findtext(".//title")
    for script in document.iter("script"):
        if script.get("type") == "application/ld+json":
            data = json.loads(script.text or "")
            assert "<script>alert(1)</script>" in json.dumps(data, ensure_ascii=False)
