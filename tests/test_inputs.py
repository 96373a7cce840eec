"""Episode inputs beyond the basics: chapter lists in a file, other-language transcripts."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from podpub.build import build
from podpub.errors import PodpubError

FR_VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Ada Host>Bienvenue dans le Tiny Test Show.
"""


def test_chapter_list_file_gives_chapters(tiny_show: Path) -> None:
    folder = tiny_show / "episodes" / "first-light"
    (folder / "chapters.txt").write_text("00:00 Start\n00:30 Mirror talk\n(00:45) The night\n")
    build(tiny_show, align=False)
    doc = json.loads((tiny_show / "feed" / "first-light" / "chapters.json").read_text())
    assert [(c["startTime"], c["title"]) for c in doc["chapters"]] == [
        (0.0, "Start"),
        (30.0, "Mirror talk"),
        (45.0, "The night"),
    ]


def test_chapter_list_in_summary(tiny_show: Path) -> None:
    path = tiny_show / "episodes" / "first-light" / "episode.yaml"
    text = path.read_text().replace(
        "summary: The first light of a <new> telescope & what it saw.",
        'summary: "Chapters:\\n00:00 Hello\\n00:40 Goodbye"',
    )
    path.write_text(text)
    build(tiny_show, align=False)
    doc = json.loads((tiny_show / "feed" / "first-light" / "chapters.json").read_text())
    assert [c["title"] for c in doc["chapters"]] == ["Hello", "Goodbye"]
    assert doc["chapters"][1]["startTime"] == 40.0


def test_other_language_transcript_published_with_language(tiny_show: Path) -> None:
    (tiny_show / "episodes" / "first-light" / "transcript.fr.vtt").write_text(FR_VTT)
    build(tiny_show, align=False)
    published = tiny_show / "feed" / "first-light" / "transcript.fr.vtt"
    assert published.read_text() == FR_VTT
    parsed = feedparser.parse((tiny_show / "feed" / "feed.xml").read_bytes())
    xml = (tiny_show / "feed" / "feed.xml").read_text()
    assert not parsed.bozo
    assert (
        '<podcast:transcript url="https://example.org/tiny/first-light/transcript.fr.vtt" '
        'type="text/vtt" language="fr" rel="captions"/>'
    ) in xml
    assert 'transcript.vtt" type="text/vtt" language="en-us"' in xml


def test_chapter_lead_in(tiny_show: Path) -> None:
    build(tiny_show, align=False)
    before = json.loads((tiny_show / "feed" / "first-light" / "chapters.json").read_text())
    with (tiny_show / "podcast.yaml").open("a") as handle:
        handle.write("chapter_lead_in_ms: 250\n")
    build(tiny_show, align=False)
    after = json.loads((tiny_show / "feed" / "first-light" / "chapters.json").read_text())
    starts = [c["startTime"] for c in before["chapters"]]
    assert [c["startTime"] for c in after["chapters"]] == [0.0] + [
        round(s - 0.25, 3) for s in starts[1:]
    ]


def test_alignment_falls_back_to_estimates_with_a_warning(tiny_show: Path) -> None:
    """A language espeak-ng does not speak: the build still succeeds, with estimates."""
    path = tiny_show / "podcast.yaml"
    path.write_text(path.read_text().replace("language: en-us", "language: qx"))
    report = build(tiny_show, align=True)
    doc = json.loads((tiny_show / "feed" / "first-light" / "chapters.json").read_text())
    assert len(doc["chapters"]) == 3
    assert any("alignment not possible" in w for w in report.warnings)
    assert any("estimated" in w for w in report.warnings)


def test_chapters_json_file_keeps_images_links_places_and_silent_chapters(
    tiny_show: Path,
) -> None:
    """A Podcasting 2.0 chapters file (as Auphonic or Hindenburg export it) given in the
    episode folder keeps what its chapters carry: img, url, location, toc: false."""
    chapters = [
        {"startTime": 0, "title": "Start", "url": "https://example.org/start"},
        {"startTime": 20, "img": "https://example.org/a.jpg", "toc": False},
        {
            "startTime": 30,
            "title": "Mirror talk",
            "location": {"name": "Mauna Kea", "geo": "geo:19.8207,-155.4681"},
        },
    ]
    folder = tiny_show / "episodes" / "first-light"
    (folder / "chapters.json").write_text(json.dumps({"version": "1.2.0", "chapters": chapters}))
    build(tiny_show, align=False)
    doc = json.loads((tiny_show / "feed" / "first-light" / "chapters.json").read_text())
    assert doc["chapters"] == [
        {"startTime": 0.0, "endTime": 30.0, "title": "Start", "url": "https://example.org/start"},
        {"startTime": 20.0, "endTime": 30.0, "img": "https://example.org/a.jpg", "toc": False},
        {
            "startTime": 30.0,
            "endTime": 60.056,  # the MP3 frames of 60 s
            "title": "Mirror talk",
            "location": {"name": "Mauna Kea", "geo": "geo:19.8207,-155.4681"},
        },
    ]
    xml = (tiny_show / "feed" / "feed.xml").read_text()
    assert xml.count("<psc:chapter ") == 2


def test_chapters_json_file_with_a_wrong_link_is_refused(tiny_show: Path) -> None:
    folder = tiny_show / "episodes" / "first-light"
    bad = {"chapters": [{"startTime": 0, "title": "A", "url": "javascript:alert(1)"}]}
    (folder / "chapters.json").write_text(json.dumps(bad))
    with pytest.raises(PodpubError, match=r"chapter 1: 'url' must be an http\(s\) URL"):
        build(tiny_show, align=False)
    assert not (tiny_show / "feed").exists()
