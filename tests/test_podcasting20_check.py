"""Each rule of podpub check for the Podcasting 2.0 tags of issue #19 (PP306-PP327)
has a failing and a passing case: the full show of tests/fullshow.py is built once, and
a copy of its feed.xml (or chapters.json) is broken in one place and mended, then
checked. Error rules also stop the build."""

from __future__ import annotations

from pathlib import Path

import pytest
from fullshow import (  # noqa: F401
    ADA,
    full_built_fixture,
    full_source_fixture,
)
from showkit import FIRST, copy_show, tiny_source_fixture  # noqa: F401

from podpub.build import build
from podpub.check import RULES, check_feed, feed_files
from podpub.errors import PodpubError

# ------------------------------------------------------------------ podpub check


# (rule, text in the full show's feed.xml, a replacement that breaks the rule, one that
# keeps it)
CHECK_CASES = [
    ("PP306", ">podcast</podcast:medium>", ">radio</podcast:medium>", ">musicL</podcast:medium>"),
    ("PP307", ">CC-BY-4.0</podcast:license>", ">my-own</podcast:license>",
     ">cc-by-nc-nd-4.0</podcast:license>"),
    ("PP307", '<podcast:license url="https://example.org/licence">',
     "<podcast:license>", '<podcast:license url="https://example.org/other">'),
    ("PP308", 'rrule="FREQ=WEEKLY;BYDAY=TU"', 'rrule="FREQ=FORTNIGHTLY"',
     'rrule="FREQ=MONTHLY;INTERVAL=2;BYDAY=1TU;UNTIL=20251231"'),
    ("PP308", 'dtstart="2024-03-05" rrule="FREQ=WEEKLY;BYDAY=TU"', 'rrule="FREQ=WEEKLY;COUNT=5"',
     'dtstart="2024-03-05" rrule="FREQ=WEEKLY;COUNT=5"'),
    ("PP309", 'startTime="10" duration="20.5"', 'startTime="50" duration="20.5"',
     'startTime="39" duration="20.5"'),
    ("PP309", 'startTime="10" duration="20.5"', 'startTime="ten" duration="20.5"',
     'startTime="10.25" duration="20.5"'),
    ("PP310", 'startTime="10" duration="20.5"', 'startTime="10" duration="10"',
     'startTime="10" duration="15"'),
    ("PP311", 'feedGuid="396d9ae0-da7e-5557-b894-b606231fa3ea"', 'feedGuid="not-a-guid"',
     'feedGuid="396D9AE0-DA7E-5557-B894-B606231FA3EA"'),
    ("PP311", 'feedGuid="003af0a0-6a45-55cf-b765-68e3d349551a"', 'feedGuid=""',
     'feedGuid="003af0a0-6a45-55cf-b765-68e3d349551b"'),
    ("PP312", ">S6lpp-7ZCn8</podcast:txt>", ">" + "x" * 4001 + "</podcast:txt>",
     ">" + "x" * 4000 + "</podcast:txt>"),
    ("PP313", ">Austin</podcast:location>", ">" + "A" * 129 + "</podcast:location>",
     ">" + "A" * 128 + "</podcast:location>"),
    ("PP313", ">Mauna Kea</podcast:location>", "></podcast:location>",
     ">Mauna Kea, Hawaii</podcast:location>"),
    ("PP314", 'geo="geo:30.2711286,-97.7436995"', 'geo="30.2711286,-97.7436995"',
     'geo="geo:-33.8688,151.2093;u=35"'),
    ("PP314", 'geo="geo:30.2711286,-97.7436995"', 'geo="geo:30.27,-197.74"',
     'geo="geo:30.27,-97.74,150"'),
    ("PP315", 'pubdate="Fri, 01 Mar 2024 09:00:00 +0000"', 'pubdate="2024-03-01"',
     'pubdate="Fri, 01 Mar 2024 10:00:00 +0100"'),
    ("PP316", 'split="90"', 'split="ninety"', 'split="80"'),
    ("PP316", 'type="lightning" method="keysend" suggested', 'method="keysend" suggested',
     'type="lightning" method="amp" suggested'),
    ("PP317", f'address="{ADA}" split="95"', f'address="{ADA}" split="0"',
     f'address="{ADA}" split="1"'),
    ("PP318", 'split="5" fee="true"', 'split="5" fee="yes"', 'split="5" fee="false"'),
    ("PP319", 'address="ada@getalby.com"', 'address="ada-getalby.com"',
     'address="ada@getalby.example.org"'),
    ("PP319", f'address="{ADA}"', f'address="{ADA[:-1]}"', f'address="03{ADA[2:]}"'),
    ("PP320", 'startTime="20" duration="8.5"', 'startTime="55" duration="8.5"',
     'startTime="50" duration="8.5"'),
    ("PP320", 'remotePercentage="95"', 'remotePercentage="120"', 'remotePercentage="100"'),
    ("PP311", 'feedGuid="a94f5cc9-8c58-55fc-91fe-a324087a655b"', 'feedGuid="a94f5cc9"',
     'feedGuid="A94F5CC9-8C58-55FC-91FE-A324087A655B"'),
    ("PP321", 'method="keysend">', 'method="paypal">', 'method="amp">'),
    ("PP322", ">yes</podcast:block>", ">maybe</podcast:block>", ">no</podcast:block>"),
    ("PP323", 'id="google"', 'id="gogle"', 'id="spotify"'),
    ("PP324", 'server="irc.zeronode.net"', 'server="irc://irc.zeronode.net"',
     'server="irc.libera.chat"'),
    ("PP324", 'protocol="irc"', 'protocol="telegram"', 'protocol="matrix"'),
    ("PP324", ' accountId="@jsmith"', "", ' accountId="@jsmith:example.org"'),
    ("PP325", "https://example.org/a-600.jpg 600w", "/a-600.jpg 600w",
     "https://example.org/a-600.webp 600w"),
    ("PP325", "https://example.org/e.jpg 1400w", "https://example.org/e.jpg",
     "https://example.org/e.jpg 1400w, https://example.org/f.jpg 700w"),
    ("PP326", 'uri="https://example.social/@ada/1"', 'uri="example.social/@ada/1"',
     'uri="https://example.social/@ada/3"'),
    ("PP326", 'protocol="activitypub" uri="https://example.social/@ada/2"',
     'protocol="myspace" uri="https://example.social/@ada/2"',
     'protocol="atproto" uri="at://did:plc:abc/app.bsky.feed.post/3k"'),
    ("PP326", 'priority="1"', 'priority="first"', 'priority="2"'),
]  # fmt: skip


@pytest.fixture(name="full_copy")
def full_copy_fixture(full_built: Path, tmp_path: Path) -> Path:
    return copy_show(full_built, tmp_path / "show")


def _findings(root: Path, rule: str, old: str, new: str) -> list[str]:
    path = root / "feed" / "feed.xml"
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} is not in the feed"
    path.write_text(text.replace(old, new, 1), "utf-8")
    findings = check_feed(feed_files(root / "feed"), root / "feed", None)
    fired = [f for f in findings if f.rule == rule]
    for finding in fired:
        assert finding.severity == RULES[rule].severity
        assert finding.hint and finding.line and finding.xpath
    return [str(f) for f in fired]


@pytest.mark.parametrize(
    ("rule", "old", "bad", "good"), CHECK_CASES, ids=[f"{c[0]}-{c[2][:24]}" for c in CHECK_CASES]
)
def test_check_rule_fails_and_passes(
    full_copy: Path, rule: str, old: str, bad: str, good: str
) -> None:
    assert not _findings(full_copy, rule, old, good), f"{rule} fired on {good!r}"
    # and back: the same place broken
    assert _findings(full_copy, rule, good, bad), f"{rule} did not fire on {bad!r}"


# (rule, text in the full show's first-light/chapters.json, a replacement that breaks
# the rule, one that keeps it)
CHAPTER_CASES = [
    ("PP327", '"url": "https://example.org/intro"', '"url": "intro.html"',
     '"url": "http://example.org/intro"'),
    ("PP327", '"img": "https://example.org/night.jpg"', '"img": "night.jpg"',
     '"img": "https://example.org/night.png"'),
    ("PP327", '"toc": false', '"toc": "no"', '"toc": true'),
    ("PP327", '"geo": "geo:19.8207,-155.4681"', '"geo": "19.8207,-155.4681"',
     '"geo": "geo:19.82,-155.47"'),
    ("PP327", '"name": "Mauna Kea"', '"name": ""', '"name": "Mauna Kea, Hawaii"'),
    ("PP327", '"osm": "R6130284"', '"osm": "6130284"', '"osm": "W6130284"'),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "old", "bad", "good"), CHAPTER_CASES, ids=[c[2] for c in CHAPTER_CASES]
)
def test_chapter_check_rule_fails_and_passes(
    full_copy: Path, rule: str, old: str, bad: str, good: str
) -> None:
    chapters = full_copy / "feed" / FIRST / "chapters.json"

    def fired(before: str, after: str) -> list[str]:
        text = chapters.read_text("utf-8")
        assert before in text, f"{before!r} is not in chapters.json"
        chapters.write_text(text.replace(before, after, 1), "utf-8")
        findings = check_feed(feed_files(full_copy / "feed"), full_copy / "feed", None)
        return [str(f) for f in findings if f.rule == rule]

    assert not fired(old, good), f"{rule} fired on {good!r}"
    assert fired(good, bad), f"{rule} did not fire on {bad!r}"


def test_every_namespace_rule_has_a_case() -> None:
    namespace_rules = {r for r in RULES if "PP306" <= r <= "PP399"}
    assert namespace_rules == {c[0] for c in [*CHECK_CASES, *CHAPTER_CASES]}


def test_build_refuses_a_soundbite_after_the_end_of_the_audio(
    full_source: Path, tmp_path: Path
) -> None:
    root = copy_show(full_source, tmp_path / "show")
    path = root / "episodes" / FIRST / "episode.yaml"
    text = path.read_text("utf-8").replace('start_time: "00:10"', 'start_time: "00:50"')
    path.write_text(text, "utf-8")
    with pytest.raises(PodpubError) as caught:
        build(root, align=False)
    assert "PP309" in str(caught.value) or any(
        "PP309" in e.message for e in getattr(caught.value, "errors", [])
    )
    assert not (root / "feed" / "feed.xml").exists()


def test_build_refuses_a_value_time_split_after_the_end_of_the_audio(
    full_source: Path, tmp_path: Path
) -> None:
    root = copy_show(full_source, tmp_path / "show")
    path = root / "episodes" / FIRST / "episode.yaml"
    text = path.read_text("utf-8").replace('start_time: "00:20"', 'start_time: "00:55"')
    path.write_text(text, "utf-8")
    with pytest.raises(PodpubError) as caught:
        build(root, align=False)
    errors = getattr(caught.value, "errors", [caught.value])
    assert any("PP320" in e.message and "after the episode's end" in e.message for e in errors)
    assert not (root / "feed" / "feed.xml").exists()


def test_a_warning_rule_leaves_the_build_alone(full_source: Path, tmp_path: Path) -> None:
    root = copy_show(full_source, tmp_path / "show")
    path = root / "episodes" / FIRST / "episode.yaml"
    path.write_text(path.read_text("utf-8").replace("duration: 20.5", "duration: 5"), "utf-8")
    build(root, align=False)
    findings = check_feed(feed_files(root / "feed"), root / "feed", None)
    assert [f.rule for f in findings if f.rule.startswith("PP3")] == ["PP310"]
