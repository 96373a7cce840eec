"""The Podcasting 2.0 tags written from podcast.yaml and episode.yaml (issue #19): a copy of
the tiny show with every tag set is built once and read back by lxml, feedparser,
podcastparser and the Podcast Index's own parser (podcast-partytime, through node); each
tag's YAML is validated on load with the file and line; each PP3xx rule of podpub check
has a failing and a passing case. (A show with none of the tags gives today's feed: the
golden files, tests/test_golden.py.)"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import feedparser
import podcastparser
import pytest
from conftest import make_mp3
from lxml import etree
from showkit import FIRST, copy_show, partytime_fixture, tiny_source_fixture  # noqa: F401

from podpub.build import build
from podpub.check import RULES, check_feed, feed_files, render_text
from podpub.errors import MultipleErrors, PodpubError
from podpub.load import load_episode, load_show
from podpub.namespace import TAGS, parse_rrule, snake

P = "{https://podcastindex.org/namespace/1.0}"

SHOW_TAGS = """
medium: podcast
license: CC-BY-4.0
location:
  - {text: Austin, rel: creator, geo: "geo:30.2711286,-97.7436995", osm: R113314, country: us}
  - {text: Mauna Kea, rel: subject}
update_frequency: {text: Weekly, rrule: "FREQ=WEEKLY;BYDAY=TU", dtstart: "2024-03-05", complete: false}
block: [{id: google, text: yes}, {text: no}]
txt: [{purpose: applepodcastsverify, text: S6lpp-7ZCn8}, plain text]
images: {srcset: ["https://example.org/a-1500.jpg 1500w", "https://example.org/a-600.jpg 600w"]}
chat: {server: irc.zeronode.net, protocol: irc, account_id: "@jsmith", space: "#tiny"}
social_interact: [{protocol: activitypub, uri: "https://example.social/@ada/1", account_id: "@ada", priority: 1}]
publisher: {feed_guid: 003af0a0-6a45-55cf-b765-68e3d349551a, feed_url: "https://example.org/publisher.xml"}
podroll:
  - {feed_guid: 29cdca4a-32d8-56ba-b48b-09a011c5daa9, feed_url: "https://rss.buzzsprout.com/231452.rss", title: Buzzcast}
  - {feed_guid: 396d9ae0-da7e-5557-b894-b606231fa3ea}
"""  # noqa: E501
EPISODE_TAGS = """
soundbite: [{start_time: "00:10", duration: 20.5, text: The mirror}]
license: {text: my-licence, url: "https://example.org/licence"}
location: Mauna Kea
txt: {purpose: ai-content, text: "false"}
content_link: {href: "https://www.youtube.com/watch?v=x", text: Watch it}
images: {srcset: "https://example.org/e.jpg 1400w"}
social_interact: {protocol: activitypub, uri: "https://example.social/@ada/2", account_id: "@ada"}
"""
TEASER = "teaser"
TEASER_YAML = """title: "Tiny: Trailer"
published: 2024-03-01T09:00:00+00:00
guid: 5d6c3a1e-8f3b-4b7a-9c2d-1e2f3a4b5c6d
season: 2
episode_type: trailer
"""


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, "utf-8")


@pytest.fixture(scope="session", name="full_source")
def full_source_fixture(tiny_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny show with every tag set and a trailer episode, never built."""
    root = copy_show(tiny_source, tmp_path_factory.mktemp("p20-source") / "tiny")
    append(root / "podcast.yaml", SHOW_TAGS)
    append(root / "episodes" / FIRST / "episode.yaml", EPISODE_TAGS)
    teaser = root / "episodes" / TEASER
    teaser.mkdir()
    (teaser / "episode.yaml").write_text(TEASER_YAML, "utf-8")
    shutil.copy(root / "episodes" / FIRST / "transcript.txt", teaser / "transcript.txt")
    make_mp3(teaser / "audio.mp3", 30.0)
    return root


@pytest.fixture(scope="session", name="full_built")
def full_built_fixture(full_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_show(full_source, tmp_path_factory.mktemp("p20-built") / "tiny")
    build(root, align=False)
    return root


@pytest.fixture(scope="session", name="feed_xml")
def feed_xml_fixture(full_built: Path) -> bytes:
    return (full_built / "feed" / "feed.xml").read_bytes()


def _item(channel: etree._Element, guid: str) -> etree._Element:
    return next(i for i in channel.findall("item") if i.findtext("guid") == guid)


# ------------------------------------------------------------------ the naming rule


def test_the_yaml_keys_follow_one_naming_rule() -> None:
    assert snake("updateFrequency") == "update_frequency"
    assert snake("feedGuid") == "feed_guid"
    assert snake("aspect-ratio") == "aspect_ratio"
    keys = {spec.key for spec in TAGS}
    assert {"update_frequency", "social_interact", "content_link", "podroll"} <= keys
    for spec in TAGS:
        assert spec.key == snake(spec.name)
        assert all(a.key == snake(a.name) for a in spec.attrs)


# ------------------------------------------------------------------ written, read back


def test_lxml_reads_every_tag(feed_xml: bytes) -> None:
    channel = etree.fromstring(feed_xml).find("channel")
    assert channel is not None

    def attrs(tag: str, parent: etree._Element = channel) -> list[dict[str, str]]:
        return [dict(e.attrib) for e in parent.findall(f"{P}{tag}")]

    def texts(tag: str, parent: etree._Element = channel) -> list[str | None]:
        return [e.text for e in parent.findall(f"{P}{tag}")]

    assert texts("medium") == ["podcast"]
    assert texts("license") == ["CC-BY-4.0"]
    assert texts("location") == ["Austin", "Mauna Kea"]
    assert attrs("location") == [
        {"rel": "creator", "geo": "geo:30.2711286,-97.7436995", "osm": "R113314", "country": "US"},
        {"rel": "subject"},
    ]
    assert texts("updateFrequency") == ["Weekly"]
    assert attrs("updateFrequency") == [
        {"complete": "false", "dtstart": "2024-03-05", "rrule": "FREQ=WEEKLY;BYDAY=TU"}
    ]
    assert texts("block") == ["yes", "no"] and attrs("block") == [{"id": "google"}, {}]
    assert texts("txt") == ["S6lpp-7ZCn8", "plain text"]
    assert attrs("txt") == [{"purpose": "applepodcastsverify"}, {}]
    assert attrs("images") == [
        {"srcset": "https://example.org/a-1500.jpg 1500w, https://example.org/a-600.jpg 600w"}
    ]
    assert attrs("chat") == [
        {"server": "irc.zeronode.net", "protocol": "irc", "accountId": "@jsmith", "space": "#tiny"}
    ]
    assert attrs("socialInteract") == [
        {
            "protocol": "activitypub",
            "uri": "https://example.social/@ada/1",
            "accountId": "@ada",
            "priority": "1",
        }
    ]
    assert [dict(e.attrib) for e in channel.findall(f"{P}publisher/{P}remoteItem")] == [
        {
            "feedGuid": "003af0a0-6a45-55cf-b765-68e3d349551a",
            "feedUrl": "https://example.org/publisher.xml",
            "medium": "publisher",
        }
    ]
    podroll = [dict(e.attrib) for e in channel.findall(f"{P}podroll/{P}remoteItem")]
    assert podroll == [
        {
            "feedGuid": "29cdca4a-32d8-56ba-b48b-09a011c5daa9",
            "feedUrl": "https://rss.buzzsprout.com/231452.rss",
            "title": "Buzzcast",
        },
        {"feedGuid": "396d9ae0-da7e-5557-b894-b606231fa3ea"},
    ]
    # the trailer comes from the episode whose episode_type is trailer
    trailer = channel.find(f"{P}trailer")
    assert trailer is not None and trailer.text == "Tiny: Trailer"
    assert trailer.get("url") == f"https://example.org/tiny/{TEASER}/{TEASER}.mp3"
    assert trailer.get("pubdate") == "Fri, 01 Mar 2024 09:00:00 +0000"
    assert trailer.get("type") == "audio/mpeg" and trailer.get("season") == "2"
    teaser = _item(channel, "5d6c3a1e-8f3b-4b7a-9c2d-1e2f3a4b5c6d")
    enclosure = teaser.find("enclosure")
    assert enclosure is not None and trailer.get("length") == enclosure.get("length")

    item = _item(channel, "0b7e4a52-1c3d-4e5f-8a9b-0c1d2e3f4a5b")
    assert attrs("soundbite", item) == [{"startTime": "10", "duration": "20.5"}]
    assert texts("soundbite", item) == ["The mirror"]
    assert texts("license", item) == ["my-licence"]
    assert attrs("license", item) == [{"url": "https://example.org/licence"}]
    assert texts("location", item) == ["Mauna Kea"]
    assert texts("txt", item) == ["false"] and attrs("txt", item) == [{"purpose": "ai-content"}]
    assert attrs("contentLink", item) == [{"href": "https://www.youtube.com/watch?v=x"}]
    assert texts("contentLink", item) == ["Watch it"]
    assert attrs("images", item) == [{"srcset": "https://example.org/e.jpg 1400w"}]
    assert attrs("socialInteract", item)[0]["uri"] == "https://example.social/@ada/2"
    # no namespace tag lands on an episode that does not set it
    assert not teaser.findall(f"{P}soundbite") and not teaser.findall(f"{P}license")


def test_feedparser_and_podcastparser_read_the_feed(feed_xml: bytes) -> None:
    parsed = feedparser.parse(feed_xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == 2
    assert parsed.feed.title == "Tiny Test Show"
    podcast = podcastparser.parse("https://example.org/tiny/feed.xml", io.BytesIO(feed_xml))
    assert podcast["title"] == "Tiny Test Show"
    assert {e["guid"] for e in podcast["episodes"]} == {
        "0b7e4a52-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
        "5d6c3a1e-8f3b-4b7a-9c2d-1e2f3a4b5c6d",
    }


def test_the_full_show_passes_podpub_check(full_built: Path) -> None:
    findings = check_feed(feed_files(full_built / "feed"), full_built / "feed", None)
    assert not [f for f in findings if f.rule.startswith("PP3")], render_text(findings)
    assert not [f for f in findings if f.severity == "error"], render_text(findings)


def test_podcast_partytime_reads_every_tag(partytime: Path, full_built: Path) -> None:
    out = subprocess.run(
        ["node", str(partytime / "parse.js"), str(full_built / "feed" / "feed.xml")],
        check=True,
        capture_output=True,
        text=True,
        cwd=partytime,
        timeout=60,
    )
    feed = json.loads(out.stdout)
    assert feed["medium"] == "podcast"
    assert feed["license"]["identifier"] == "CC-BY-4.0"
    assert feed["podcastLocation"] == {
        "name": "Austin",
        "osm": "R113314",
        "geo": "geo:30.2711286,-97.7436995",
    }
    assert feed["podcastBlockedPlatforms"] == {"google": True}
    assert feed["podcastBlocked"] == "no"
    assert feed["podcastTxt"] == [
        {"value": "S6lpp-7ZCn8", "purpose": "applepodcastsverify"},
        {"value": "plain text"},
    ]
    assert [i["parsed"] for i in feed["podcastImages"]] == [
        {"url": "https://example.org/a-1500.jpg", "width": 1500},
        {"url": "https://example.org/a-600.jpg", "width": 600},
    ]
    assert feed["chat"] == {
        "phase": "7",
        "protocol": "irc",
        "server": "irc.zeronode.net",
        "accountId": "@jsmith",
        "space": "#tiny",
    }
    assert feed["podcastPublisher"] == {
        "feedGuid": "003af0a0-6a45-55cf-b765-68e3d349551a",
        "feedUrl": "https://example.org/publisher.xml",
    }
    assert feed["podroll"] == [
        {
            "feedGuid": "29cdca4a-32d8-56ba-b48b-09a011c5daa9",
            "feedUrl": "https://rss.buzzsprout.com/231452.rss",
            "title": "Buzzcast",
        },
        {"feedGuid": "396d9ae0-da7e-5557-b894-b606231fa3ea"},
    ]
    [trailer] = feed["trailers"]
    assert trailer["title"] == "Tiny: Trailer"
    assert trailer["url"] == f"https://example.org/tiny/{TEASER}/{TEASER}.mp3"
    assert trailer["pubdate"] == "2024-03-01T09:00:00.000Z"
    assert trailer["type"] == "audio/mpeg" and trailer["season"] == 2
    item = next(i for i in feed["items"] if i["guid"] == "0b7e4a52-1c3d-4e5f-8a9b-0c1d2e3f4a5b")
    assert item["podcastSoundbites"] == [{"duration": 20.5, "startTime": 10, "title": "The mirror"}]
    assert item["license"] == {"identifier": "my-licence", "url": "https://example.org/licence"}
    assert item["podcastLocation"] == {"name": "Mauna Kea"}
    assert item["podcastImages"][0]["parsed"] == {"url": "https://example.org/e.jpg", "width": 1400}
    assert item["podcastSocialInteraction"] == [
        {"platform": "activitypub", "id": "@ada", "url": "https://example.social/@ada/2"}
    ]
    # podcast-partytime 5 reads no updateFrequency, no channel-level socialInteract and
    # contentLink only inside a liveItem: those are read back with lxml above


# ------------------------------------------------------------------ validated on load

SHOW_ERRORS = [
    ("medium: radio", "'medium' must be one of podcast"),
    ("license: my-own", "not an SPDX licence identifier"),
    ('update_frequency: {text: Weekly, rrule: "FREQ=SOMETIMES"}', "is not an RFC 5545 RRULE"),
    ('update_frequency: {text: W, rrule: "FREQ=WEEKLY;COUNT=3"}', "needs 'dtstart'"),
    ('update_frequency: {text: W, dtstart: "5 March"}', "is not an ISO 8601 date"),
    ('location: {text: Here, geo: "30.1,20.2"}', "is not a geo URI"),
    ('location: {text: Here, geo: "geo:95,20"}', "latitude 95.0"),
    ("location: {text: Here, osm: 113314}", "OpenStreetMap"),
    ("location: {geo: 'geo:1,2'}", "'location' needs its text"),
    ("podroll: [{feed_guid: not-a-guid}]", "'podroll.0.feed_guid' must be a UUID"),
    ("publisher: {feed_url: 'https://example.org/p.xml'}", "'publisher' needs 'feed_guid'"),
    ("block: maybe", "must be yes or no"),
    ("chat: {server: irc.example.org}", "'chat' needs 'protocol'"),
    ("images: {srcset: 'a.jpg 100w'}", "'images.srcset' has 'a.jpg 100w'"),
    ("images: {srcset: 'https://example.org/a.jpg 100q'}", "'images.srcset' has"),
    ("social_interact: {protocol: activitypub}", "needs 'uri'"),
    ("txt: {purpose: x, colour: red}", "unknown key 'colour' in 'txt'"),
    ("soundbite: {start_time: 1, duration: 20}", "unknown field 'soundbite'"),
]
EPISODE_ERRORS = [
    ("soundbite: {start_time: soon, duration: 20}", "'soundbite.start_time' is not a time"),
    ("soundbite: {start_time: 10}", "'soundbite' needs 'duration'"),
    ("content_link: {href: 'javascript:alert(1)'}", "must be a URI"),
    ("medium: podcast", "unknown field 'medium'"),
]


def _error(exc: PodpubError, fragment: str) -> PodpubError:
    errors = exc.errors if isinstance(exc, MultipleErrors) else [exc]
    found = [e for e in errors if fragment in e.message]
    assert found, [str(e) for e in errors]
    return found[0]


@pytest.mark.parametrize(("yaml", "message"), SHOW_ERRORS, ids=[e[0] for e in SHOW_ERRORS])
def test_show_tag_errors_name_the_file_and_line(
    tiny_source: Path, tmp_path: Path, yaml: str, message: str
) -> None:
    root = copy_show(tiny_source, tmp_path / "show")
    path = root / "podcast.yaml"
    line = len(path.read_text("utf-8").splitlines()) + 1
    append(path, yaml + "\n")
    with pytest.raises(PodpubError) as caught:
        load_show(root)
    error = _error(caught.value, message)
    assert error.path == path and error.line == line


@pytest.mark.parametrize(("yaml", "message"), EPISODE_ERRORS, ids=[e[0] for e in EPISODE_ERRORS])
def test_episode_tag_errors_name_the_file_and_line(
    tiny_source: Path, tmp_path: Path, yaml: str, message: str
) -> None:
    root = copy_show(tiny_source, tmp_path / "show")
    path = root / "episodes" / FIRST / "episode.yaml"
    line = len(path.read_text("utf-8").splitlines()) + 1
    append(path, yaml + "\n")
    with pytest.raises(PodpubError) as caught:
        load_episode(root, root / "episodes" / FIRST)
    error = _error(caught.value, message)
    assert error.path == path and error.line == line


def test_the_full_show_loads_its_tags(full_source: Path) -> None:
    show = load_show(full_source)
    assert [t.name for t in show.tags] == [
        "medium", "license", "location", "location", "updateFrequency", "block", "block",
        "txt", "txt", "images", "chat", "socialInteract", "publisher", "podroll",
    ]  # fmt: skip
    episode = load_episode(full_source, full_source / "episodes" / FIRST)
    assert [t.name for t in episode.tags] == [
        "license", "location", "txt", "images", "socialInteract", "soundbite", "contentLink",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "rule",
    ["FREQ=DAILY", "FREQ=WEEKLY;INTERVAL=2", "FREQ=DAILY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR",
     "FREQ=MONTHLY;BYDAY=1TU,-1FR;UNTIL=20251231T090000Z", "FREQ=YEARLY;COUNT=3;BYMONTH=1"],
)  # fmt: skip
def test_rrules_the_namespace_shows_parse(rule: str) -> None:
    assert parse_rrule(rule)["FREQ"]


@pytest.mark.parametrize(
    "rule",
    ["WEEKLY", "INTERVAL=2", "FREQ=WEEKLY;FREQ=DAILY", "FREQ=WEEKLY;INTERVAL=0",
     "FREQ=WEEKLY;BYDAY=XX", "FREQ=WEEKLY;UNTIL=2025-12-31", "FREQ=WEEKLY;COUNT=2;UNTIL=20250101",
     "FREQ=WEEKLY;BYMONTH=13", "FREQ=WEEKLY;EVERY=1", "FREQ=WEEKLY;UNTIL=20251332"],
)  # fmt: skip
def test_rrules_that_are_not_rfc_5545_are_refused(rule: str) -> None:
    with pytest.raises(ValueError):
        parse_rrule(rule)


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


def test_every_namespace_rule_has_a_case() -> None:
    namespace_rules = {r for r in RULES if "PP306" <= r <= "PP399"}
    assert namespace_rules == {c[0] for c in CHECK_CASES}


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


def test_a_warning_rule_leaves_the_build_alone(full_source: Path, tmp_path: Path) -> None:
    root = copy_show(full_source, tmp_path / "show")
    path = root / "episodes" / FIRST / "episode.yaml"
    path.write_text(path.read_text("utf-8").replace("duration: 20.5", "duration: 5"), "utf-8")
    build(root, align=False)
    findings = check_feed(feed_files(root / "feed"), root / "feed", None)
    assert [f.rule for f in findings if f.rule.startswith("PP3")] == ["PP310"]
