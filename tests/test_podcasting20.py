"""The Podcasting 2.0 tags written from podcast.yaml and episode.yaml (issue #19): a copy of
the tiny show with every tag set (tests/fullshow.py) is built once and read back by lxml,
feedparser, podcastparser, the Podcast Index's own parser (podcast-partytime, through
node), mutagen and ffprobe (chapters) and the W3C feed validator; each tag's YAML is
validated on load with the file and line. The PP3xx rules of podpub check, each failing
and passing: tests/test_podcasting20_check.py. (A show with none of the tags gives
today's feed: the golden files, tests/test_golden.py.)"""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import feedparser
import podcastparser
import pytest
from fullshow import (  # noqa: F401
    ADA,
    ADA_FEE,
    TEASER,
    P,
    append,
    feed_xml_fixture,
    full_built_fixture,
    full_source_fixture,
    item_with,
)
from lxml import etree
from mutagen.id3 import ID3
from showkit import FIRST, copy_show, partytime_fixture, tiny_source_fixture  # noqa: F401
from w3c import new_errors

from podpub.check import check_feed, feed_files, render_text
from podpub.errors import MultipleErrors, PodpubError
from podpub.load import load_episode, load_show
from podpub.namespace import TAGS, parse_rrule, snake

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
    teaser = item_with(channel, "5d6c3a1e-8f3b-4b7a-9c2d-1e2f3a4b5c6d")
    enclosure = teaser.find("enclosure")
    assert enclosure is not None and trailer.get("length") == enclosure.get("length")

    item = item_with(channel, "0b7e4a52-1c3d-4e5f-8a9b-0c1d2e3f4a5b")
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


def test_chapter_images_links_places_and_silent_chapters(full_built: Path) -> None:
    """chapters.json carries img, url, location and toc: false; the silent chapters are in
    no table of contents (psc:chapters, show notes, the ID3 CTOC) but are CHAP frames;
    the ID3 CHAP frames carry the image (APIC) and link (WXXX), read back by mutagen;
    ffprobe reads every CHAP frame."""
    folder = full_built / "feed" / FIRST
    base = f"https://example.org/tiny/{FIRST}/"
    doc = json.loads((folder / "chapters.json").read_text("utf-8"))
    assert doc["chapters"] == [
        {"startTime": 0.0, "endTime": 31.927, "title": "Introduction",
         "url": "https://example.org/intro",
         "location": {"name": "Mauna Kea", "geo": "geo:19.8207,-155.4681", "osm": "R6130284"}},
        {"startTime": 31.927, "endTime": 44.298, "title": "Building the Mirror",
         "img": base + "chapter-2.png"},
        {"startTime": 40.0, "endTime": 44.298, "title": "Close-up", "img": base + "chapter-3.jpg",
         "toc": False},
        {"startTime": 44.298, "endTime": 60.056, "title": "The Night Itself",
         "img": "https://example.org/night.jpg", "url": "https://example.org/night"},
        {"startTime": 50.0, "endTime": 60.056, "img": base + "chapter-2.png", "toc": False},
    ]  # fmt: skip
    source = full_built / "episodes" / FIRST / "art"
    mirror, close_up = (source / "mirror.png").read_bytes(), (source / "close-up.jpg").read_bytes()
    assert (folder / "chapter-2.png").read_bytes() == mirror
    assert (folder / "chapter-3.jpg").read_bytes() == close_up
    listed = ["Introduction", "Building the Mirror", "The Night Itself"]
    channel = etree.fromstring((full_built / "feed" / "feed.xml").read_bytes()).find("channel")
    assert channel is not None
    item = item_with(channel, "0b7e4a52-1c3d-4e5f-8a9b-0c1d2e3f4a5b")
    psc = "{http://podlove.org/simple-chapters}chapter"
    assert [c.get("title") for c in item.iter(psc)] == listed
    notes = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or ""
    assert "Close-up" not in notes and "00:40" not in notes and "00:44 The Night Itself" in notes

    tag = ID3(folder / f"{FIRST}.mp3")
    chaps = sorted(tag.getall("CHAP"), key=lambda f: f.start_time)
    assert [(f.start_time, f.end_time) for f in chaps] == [
        (0, 31927), (31927, 44298), (40000, 44298), (44298, 60056), (50000, 60056)
    ]  # fmt: skip
    [toc] = tag.getall("CTOC")
    by_id = {f.element_id: f for f in chaps}
    assert [by_id[i].sub_frames["TIT2"].text[0] for i in toc.child_element_ids] == listed
    silent = [f for f in chaps if f.element_id not in toc.child_element_ids]
    assert [f.start_time for f in silent] == [40000, 50000]

    def pictures(frame: Any) -> list[bytes]:
        return [p.data for p in frame.sub_frames.getall("APIC")]

    def links(frame: Any) -> list[str]:
        return [w.url for w in frame.sub_frames.getall("WXXX")]

    assert links(chaps[0]) == ["https://example.org/intro"] and pictures(chaps[0]) == []
    assert pictures(chaps[1]) == [mirror] and pictures(chaps[2]) == [close_up]
    assert pictures(chaps[4]) == [mirror] and "TIT2" not in chaps[4].sub_frames
    # an image given as a URL is in the JSON only: the MP3 embeds files, not links to them
    assert pictures(chaps[3]) == [] and links(chaps[3]) == ["https://example.org/night"]

    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(folder / f"{FIRST}.mp3")],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    probed = json.loads(probe.stdout)["chapters"]
    assert [(c["start"], c["end"]) for c in probed] == [(f.start_time, f.end_time) for f in chaps]
    assert [c["tags"]["title"] for c in probed][:4] == [*listed[:2], "Close-up", listed[2]]


def test_the_w3c_feed_validator_finds_no_new_error(full_built: Path) -> None:
    """The W3C Feed Validator's source (vendored) finds no error of a kind it does not
    find in the feed podpub wrote before these tags (the golden file)."""
    assert not new_errors(full_built / "feed" / "feed.xml")


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
    ada = {"name": "Ada (host)", "type": "node", "address": ADA, "fee": False}
    fee = {"name": "Host fee", "type": "node", "address": ADA_FEE, "split": 5, "fee": True}
    assert feed["value"] == {
        "type": "lightning",
        "method": "keysend",
        "suggested": 0.00000005,
        "recipients": [
            {**ada, "split": 90},
            {"name": "Wallet", "type": "lnaddress", "address": "ada@getalby.com", "split": 5,
             "fee": False, "customKey": "696969", "customValue": "aBcD1234"},
            fee,
        ],
    }  # fmt: skip
    assert item["value"] == {
        "type": "lightning",
        "method": "keysend",
        "recipients": [{**ada, "split": 95}, fee],
        "valueTimeSplits": [
            {"type": "remoteItem", "startTime": 5, "duration": 12, "remoteStartTime": 174,
             "remotePercentage": 95,
             "remoteItem": {"feedGuid": "a94f5cc9-8c58-55fc-91fe-a324087a655b",
                            "itemGuid": "https://podcastindex.org/podcast/4148683#3",
                            "medium": "music"}},
            {"type": "recipients", "startTime": 20, "duration": 8.5,
             "recipients": [{**ada, "split": 85},
                            {"name": "Guest", "type": "lnaddress", "address": "guest@fountain.fm",
                             "split": 10, "fee": False}]},
        ],
    }  # fmt: skip
    # partytime gives the chapters file's URL; the chapter-level img, url, toc and location
    # in it are read back from that file (test_chapter_images_links_places_...)
    assert item["podcastChapters"]["url"] == f"https://example.org/tiny/{FIRST}/chapters.json"
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
    ("value: {type: lightning, method: keysend}", "needs at least one 'value_recipient'"),
    (
        "value: {type: lightning, value_recipient: {type: lnaddress, address: a@b.co, split: 1}}",
        "'value' needs 'method'",
    ),
    (
        "value: {type: lightning, method: keysend, value_recipient: {type: node, address: 02ab, "
        "split: 1}}",
        "'value.value_recipient.address' is 4 characters, not a Lightning node",
    ),
    (
        "value: {type: lightning, method: keysend, value_recipient: [{type: lnaddress, "
        "address: a.b.co, split: 1}]}",
        "'value.value_recipient.0.address' is not a Lightning",
    ),
    (
        "value: {type: lightning, method: keysend, value_recipient: {type: lnaddress, "
        "address: a@b.co, split: -1}}",
        "'value.value_recipient.split' must be a whole number",
    ),
    (
        "value: {type: lightning, method: keysend, suggested: lots, value_recipient: "
        "{type: lnaddress, address: a@b.co, split: 1}}",
        "'value.suggested' must be a decimal",
    ),
    (
        "value: {type: lightning, method: keysend, value_recipient: {type: lnaddress, "
        "address: a@b.co, split: 1, fee: maybe}}",
        "'value.value_recipient.fee' must be true",
    ),
    ("soundbite: {start_time: 1, duration: 20}", "unknown field 'soundbite'"),
]
VALUE = (
    "value: {type: lightning, method: keysend, value_recipient: {type: lnaddress, "
    "address: a@b.co, split: 1}, "
)
EPISODE_ERRORS = [
    ("soundbite: {start_time: soon, duration: 20}", "'soundbite.start_time' is not a time"),
    ("soundbite: {start_time: 10}", "'soundbite' needs 'duration'"),
    ("content_link: {href: 'javascript:alert(1)'}", "must be a URI"),
    ("medium: podcast", "unknown field 'medium'"),
    ("chapters: [{title: A, img: missing.png}]", "'chapters.0.img': file not found: missing.png"),
    ("chapters: [{title: A, img: transcript.txt}]", "'chapters.0.img' must be a PNG or JPEG"),
    ("chapters: [{title: A, img: ../../artwork.png}]", "must be a path inside the show folder"),
    ("chapters: [{title: A, url: 'ftp://example.org/a'}]", "'chapters.0.url' must be an http(s)"),
    ("chapters: [{title: A, toc: false}]", "silent chapter 'chapters.0' (toc: false) needs"),
    ("chapters: [{title: A, toc: maybe}]", "'chapters.0.toc' must be true or false"),
    ("chapters: [{title: A, location: {name: Here}}]", "'chapters.0.location' needs 'geo'"),
    ("chapters: [{title: A, location: {name: X, geo: 'geo:91,1'}}]", "latitude 91.0"),
    ("chapters: [{title: A, location: {name: X, geo: 'geo:1,1', osm: 5}}]", "OpenStreetMap"),
    ("chapters: [{title: A, colour: red}]", "unknown key 'colour' in chapter 'chapters.0'"),
    (VALUE + "value_time_split: [{start_time: 1, duration: 2}]}",
     "'value.value_time_split.0' needs either one 'remote_item' or 'value_recipient's"),
    (VALUE + "value_time_split: {start_time: 1, duration: 2, remote_percentage: 150, "
     "remote_item: {feed_guid: a94f5cc9-8c58-55fc-91fe-a324087a655b}}}",
     "'value.value_time_split.remote_percentage' is more than 100"),
    (VALUE + "value_time_split: {start_time: 1, duration: 2, remote_item: {feed_guid: x}}}",
     "'value.value_time_split.remote_item.feed_guid' must be a UUID"),
    (VALUE + "value_time_split: {start_time: 1, duration: 2, value_recipient: {type: node}}}",
     "'value.value_time_split.value_recipient' needs 'address'"),
    (VALUE + "value_time_split: {duration: 2, value_recipient: {type: node}}}",
     "'value.value_time_split' needs 'start_time'"),
]  # fmt: skip


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


def test_a_chapter_image_that_is_not_an_image_is_named(tiny_source: Path, tmp_path: Path) -> None:
    root = copy_show(tiny_source, tmp_path / "show")
    folder = root / "episodes" / FIRST
    (folder / "cover.png").write_text("not a picture", "utf-8")
    path = folder / "episode.yaml"
    line = len(path.read_text("utf-8").splitlines()) + 2
    append(path, "chapters:\n  - {title: A, img: cover.png}\n")
    with pytest.raises(PodpubError) as caught:
        load_episode(root, folder)
    error = _error(caught.value, "'chapters.0.img': cover.png is not a PNG or JPEG image")
    assert error.path == path and error.line == line


def test_the_full_show_loads_its_tags(full_source: Path) -> None:
    show = load_show(full_source)
    assert [t.name for t in show.tags] == [
        "medium", "license", "location", "location", "updateFrequency", "block", "block",
        "txt", "txt", "images", "chat", "socialInteract", "publisher", "podroll", "value",
    ]  # fmt: skip
    episode = load_episode(full_source, full_source / "episodes" / FIRST)
    assert [t.name for t in episode.tags] == [
        "license", "location", "txt", "images", "socialInteract", "soundbite", "contentLink",
        "value",
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
