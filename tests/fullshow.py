"""The tiny show with every Podcasting 2.0 tag of issue #19 set (podcast.yaml, an
episode.yaml with chapter images, links, places and silent chapters, and a trailer
episode), for tests/test_podcasting20.py and tests/test_podcasting20_check.py."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import make_mp3
from lxml import etree
from showkit import FIRST, copy_show

from podpub.build import build

# Lightning node public keys (the namespace's examples)
ADA_FEE = "03ae9f91a0cb8ff43840e3c322c4c61f019d8c1c3cea15a25cfc425ac605e61a4a"
ADA = "02d5c1bf8b940dc9cadca86d1b0a3c37fbe39cee4c7e839e33bef9174531d27f52"

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
value:
  type: lightning
  method: keysend
  suggested: 0.00000005000
  value_recipient:
    - {name: Ada (host), type: node, address: 02d5c1bf8b940dc9cadca86d1b0a3c37fbe39cee4c7e839e33bef9174531d27f52, split: 90}
    - {name: Wallet, type: lnaddress, address: ada@getalby.com, split: 5, custom_key: 696969, custom_value: aBcD1234}
    - {name: Host fee, type: node, address: 03ae9f91a0cb8ff43840e3c322c4c61f019d8c1c3cea15a25cfc425ac605e61a4a, split: 5, fee: true}
"""  # noqa: E501
EPISODE_TAGS = """
soundbite: [{start_time: "00:10", duration: 20.5, text: The mirror}]
license: {text: my-licence, url: "https://example.org/licence"}
location: Mauna Kea
txt: {purpose: ai-content, text: "false"}
content_link: {href: "https://www.youtube.com/watch?v=x", text: Watch it}
images: {srcset: "https://example.org/e.jpg 1400w"}
social_interact: {protocol: activitypub, uri: "https://example.social/@ada/2", account_id: "@ada"}
value:
  type: lightning
  method: keysend
  value_recipient:
    - {name: Ada (host), type: node, address: 02d5c1bf8b940dc9cadca86d1b0a3c37fbe39cee4c7e839e33bef9174531d27f52, split: 95}
    - {name: Host fee, type: node, address: 03ae9f91a0cb8ff43840e3c322c4c61f019d8c1c3cea15a25cfc425ac605e61a4a, split: 5, fee: true}
  value_time_split:
    - start_time: 5
      duration: 12
      remote_start_time: 174
      remote_percentage: 95
      remote_item: {feed_guid: a94f5cc9-8c58-55fc-91fe-a324087a655b, item_guid: "https://podcastindex.org/podcast/4148683#3", medium: music}
    - start_time: "00:20"
      duration: 8.5
      value_recipient:
        - {name: Ada (host), type: node, address: 02d5c1bf8b940dc9cadca86d1b0a3c37fbe39cee4c7e839e33bef9174531d27f52, split: 85}
        - {name: Guest, type: lnaddress, address: guest@fountain.fm, split: 10}
chapters:
  - {title: Introduction, url: "https://example.org/intro", location: {name: Mauna Kea, geo: "geo:19.8207,-155.4681", osm: R6130284}}
  - {title: Building the Mirror, img: art/mirror.png}
  - {start: 40, toc: false, title: Close-up, img: art/close-up.jpg}
  - {start: "00:50", toc: false, img: art/mirror.png}
  - {title: The Night Itself, img: "https://example.org/night.jpg", url: "https://example.org/night"}
"""  # noqa: E501
TEASER = "teaser"
TEASER_YAML = """title: "Tiny: Trailer"
published: 2024-03-01T09:00:00+00:00
guid: 5d6c3a1e-8f3b-4b7a-9c2d-1e2f3a4b5c6d
season: 2
episode_type: trailer
"""


def make_jpeg(path: Path) -> None:
    """A small JPEG (a chapter image)."""
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=navy:s=64x64", "-frames:v", "1",
         "-y", str(path)],
        check=True,
    )  # fmt: skip


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, "utf-8")


@pytest.fixture(scope="session", name="full_source")
def full_source_fixture(tiny_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny show with every tag set and a trailer episode, never built."""
    root = copy_show(tiny_source, tmp_path_factory.mktemp("p20-source") / "tiny")
    append(root / "podcast.yaml", SHOW_TAGS)
    append(root / "episodes" / FIRST / "episode.yaml", EPISODE_TAGS)
    art = root / "episodes" / FIRST / "art"
    art.mkdir()
    shutil.copy(root / "artwork.png", art / "mirror.png")
    make_jpeg(art / "close-up.jpg")
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


def item_with(channel: etree._Element, guid: str) -> etree._Element:
    return next(i for i in channel.findall("item") if i.findtext("guid") == guid)
