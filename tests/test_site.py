"""The show's website without a browser: what the pages say, that a show's templates
override podpub's, that the pages validate (the W3C Nu checker, vnu-jar from npm run with
Java), and `podpub serve` over real HTTP (ranges, types, CORS, --watch).

The pages in a real browser (player, chapters, transcript following playback, axe-core):
tests/test_browser.py.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError

import lxml.html
import pytest
from showkit import FIRST, copy_show, tiny_built_fixture, tiny_source_fixture  # noqa: F401

from podpub.build import build
from podpub.cli import main
from podpub.site.serve import input_stamps, make_server, parse_range, watch


def _page(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(path.read_text("utf-8"))


def test_the_item_link_is_the_episode_page(tiny_built: Path) -> None:
    feed = (tiny_built / "feed" / "feed.xml").read_text("utf-8")
    assert f"<link>https://example.org/tiny/{FIRST}/</link>" in feed
    assert (tiny_built / "feed" / FIRST / "index.html").is_file()
    assert (tiny_built / "feed" / FIRST / "transcript.html").is_file()  # apps fetch it


def test_the_episode_page_holds_the_episode(tiny_built: Path) -> None:
    feed = tiny_built / "feed"
    page = _page(feed / FIRST / "index.html")
    chapters = json.loads((feed / FIRST / "chapters.json").read_text("utf-8"))["chapters"]
    links = page.xpath("//ol[@class='chapters']//a")
    assert [a.get("href") for a in links] == [
        f"#t={c['startTime']:g}".replace("#t=0.0", "#t=0") for c in chapters
    ]
    assert page.get("lang") == "en-us"
    audio = page.xpath("//audio[@id='player']")[0]
    assert audio.get("src") == f"{FIRST}.mp3"  # relative: works locally and at base_url
    assert (feed / FIRST / audio.get("src")).is_file()
    # every cue of the WebVTT file is a cue of the page, with its times
    vtt = (feed / FIRST / "transcript.vtt").read_text("utf-8")
    times = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) -->", vtt)
    starts = [int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000 for h, m, s, ms in times]
    cues = page.xpath("//span[@class='cue']")
    assert [float(c.get("data-start")) for c in cues] == starts
    # the speaker is named where the speaker changes, not before every paragraph
    names = [
        b.text_content() for b in page.xpath("//section[@class='transcript']//p[@class='who']/b")
    ]
    assert names and all(a != b for a, b in itertools.pairwise(names))
    ld = json.loads(page.xpath("//script[@type='application/ld+json']")[0].text)
    assert ld["@type"] == "PodcastEpisode" and ld["partOfSeries"]["@type"] == "PodcastSeries"
    og = {m.get("property"): m.get("content") for m in page.xpath("//meta[@property]")}
    assert og["og:audio"] == f"https://example.org/tiny/{FIRST}/{FIRST}.mp3"
    for element in page.iter("a", "img", "audio"):
        url = element.get("href") or element.get("src") or ""
        if not url.startswith(("#", "https://")):
            assert (feed / FIRST / url.split("#")[0]).resolve().exists(), url


def test_the_show_page_lists_the_episodes(tiny_built: Path) -> None:
    page = _page(tiny_built / "feed" / "index.html")
    assert [a.get("href") for a in page.xpath("//ol[@class='episodes']//a")] == [f"{FIRST}/"]
    assert page.xpath("//a[@href='feed.xml']")
    ld = json.loads(page.xpath("//script[@type='application/ld+json']")[0].text)
    assert ld["@type"] == "PodcastSeries"


def test_pages_are_deterministic(tiny_source: Path, tmp_path: Path) -> None:
    a = copy_show(tiny_source, tmp_path / "a")
    b = copy_show(tiny_source, tmp_path / "b")
    build(a, align=False)
    build(b, align=False)
    for name in ("index.html", f"{FIRST}/index.html"):
        assert (a / "feed" / name).read_bytes() == (b / "feed" / name).read_bytes()


def test_a_show_template_overrides_and_is_escaped(tiny_source: Path, tmp_path: Path) -> None:
    root = copy_show(tiny_source, tmp_path / "show")
    build(root, align=False)
    (root / "templates").mkdir()
    (root / "templates" / "episode.html").write_text(
        '{% extends "base.html" %}{% block body %}<p id="mine">{{ title }}</p>{% endblock %}\n',
        "utf-8",
    )
    episode = root / "episodes" / FIRST / "episode.yaml"
    episode.write_text(episode.read_text("utf-8") + 'title: "A <b>bold</b> title"\n', "utf-8")
    build(root, align=False)
    html = (root / "feed" / FIRST / "index.html").read_text("utf-8")
    assert '<p id="mine">A &lt;b&gt;bold&lt;/b&gt; title</p>' in html
    # a changed template alone rebuilds the pages
    (root / "templates" / "episode.html").write_text(
        '{% extends "base.html" %}{% block body %}<p id="again">{{ title }}</p>{% endblock %}\n',
        "utf-8",
    )
    build(root, align=False)
    assert '<p id="again">' in (root / "feed" / FIRST / "index.html").read_text("utf-8")


def test_a_broken_template_is_a_clear_error(
    tiny_source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_show(tiny_source, tmp_path / "show")
    assert main(["-q", "build", "--root", str(root), "--no-align"]) == 0
    before = (root / "feed" / FIRST / "index.html").read_bytes()
    (root / "templates").mkdir()
    (root / "templates" / "show.html").write_text("{% if %}\n", "utf-8")
    capsys.readouterr()
    assert main(["-q", "build", "--root", str(root), "--no-align"]) == 1
    err = capsys.readouterr().err
    assert "show.html:1" in err and "template" in err and "Traceback" not in err
    assert (root / "feed" / FIRST / "index.html").read_bytes() == before


# -- the W3C Nu checker -----------------------------------------------------------------


@pytest.fixture(scope="session", name="vnu")
def vnu_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """vnu.jar from the vnu-jar npm package (run with the system's Java)."""
    if shutil.which("java") is None or shutil.which("npm") is None:
        pytest.skip("java and npm are needed to run the Nu checker (make system-deps)")
    folder = tmp_path_factory.mktemp("vnu")
    try:
        subprocess.run(
            ["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund",
             "--ignore-scripts", "vnu-jar@26"],
            check=True, capture_output=True, timeout=600,
        )  # fmt: skip
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"npm install vnu-jar failed (no registry?): {exc}")
    return folder / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_errors(vnu: Path, pages: list[Path]) -> str:
    out = subprocess.run(
        ["java", "-jar", str(vnu), "--errors-only", "--format", "gnu", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return out.stderr.strip() if out.returncode else ""


def test_pages_validate(vnu: Path, tiny_built: Path) -> None:
    feed = tiny_built / "feed"
    assert nu_errors(vnu, [feed / "index.html", feed / FIRST / "index.html"]) == ""


def test_hostile_pages_validate(vnu: Path, tiny_source: Path, tmp_path: Path) -> None:
    from test_hostile import make_hostile_show

    root = copy_show(tiny_source, tmp_path / "show")
    make_hostile_show(root)
    build(root, align=False)
    feed = root / "feed"
    assert nu_errors(vnu, [feed / "index.html", feed / FIRST / "index.html"]) == ""


def test_bundled_pages_validate(vnu: Path, bundled_show: Path) -> None:
    feed = bundled_show / "feed"
    pages = [feed / "index.html", *sorted(feed.glob("*/index.html"))]
    assert len(pages) == 3
    assert nu_errors(vnu, pages) == ""


# -- podpub serve ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=100-199", (100, 199)),
        ("bytes=100-", (100, 999)),
        ("bytes=-100", (900, 999)),
        ("bytes=900-5000", (900, 999)),
        ("bytes=1000-", None),
        ("bytes=-0", None),
    ],
)
def test_ranges(header: str, expected: tuple[int, int] | None) -> None:
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=5-1", "items=1-2", "bytes=-", "bytes=1-2,4-5"])
def test_ranges_podpub_does_not_read_are_ignored(header: str) -> None:
    with pytest.raises(ValueError):
        parse_range(header, 1000)


@pytest.fixture(scope="module", name="server")
def server_fixture(tiny_built: Path) -> Iterator[str]:
    server = make_server(tiny_built / "feed", "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_a_range_is_206_with_its_bytes(server: str, tiny_built: Path) -> None:
    audio = (tiny_built / "feed" / FIRST / f"{FIRST}.mp3").read_bytes()
    status, headers, body = fetch(f"{server}{FIRST}/{FIRST}.mp3", Range="bytes=100-199")
    assert status == 206 and len(body) == 100 and body == audio[100:200]
    assert headers["Content-Range"] == f"bytes 100-199/{len(audio)}"
    assert headers["Content-Type"] == "audio/mpeg"
    status, headers, _ = fetch(f"{server}{FIRST}/{FIRST}.mp3", Range=f"bytes={len(audio)}-")
    assert status == 416 and headers["Content-Range"] == f"bytes */{len(audio)}"


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("feed.xml", "application/rss+xml; charset=utf-8"),
        (f"{FIRST}/transcript.vtt", "text/vtt; charset=utf-8"),
        (f"{FIRST}/transcript.srt", "application/x-subrip; charset=utf-8"),
        (f"{FIRST}/transcript.json", "application/json"),
        (f"{FIRST}/chapters.json", "application/json"),
        (f"{FIRST}/", "text/html; charset=utf-8"),
        ("", "text/html; charset=utf-8"),
    ],
)
def test_types_and_cors(server: str, tiny_built: Path, name: str, mime: str) -> None:
    status, headers, body = fetch(server + name)
    assert status == 200 and headers["Content-Type"] == mime
    assert headers["Access-Control-Allow-Origin"] == "*"
    on_disk = (
        tiny_built / "feed" / (name + "index.html" if name.endswith("/") or not name else name)
    )
    assert body == on_disk.read_bytes()


def test_what_is_not_served(server: str) -> None:
    assert fetch(server + ".podpub-manifest.json")[0] == 404
    assert fetch(server + "nothing-here")[0] == 404
    assert fetch(server + "%2e%2e/podcast.yaml")[0] == 404
    status, _, _ = fetch(server + FIRST)  # a folder without its slash
    assert status == 200  # urllib follows the redirect to FIRST/


def test_serve_watch_rebuilds_on_change(tiny_source: Path, tmp_path: Path) -> None:
    root = copy_show(tiny_source, tmp_path / "show")
    process = subprocess.Popen(
        [sys.executable, "-m", "podpub", "serve", "--root", str(root), "--port", "0",
         "--watch", "--no-align"],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stderr is not None
        line = ""
        while "serving" not in line:
            line = process.stderr.readline()
            assert line, "podpub serve exited"
        base = re.search(r"http://\S+/", line)
        assert base is not None
        page = f"{base.group(0)}{FIRST}/"
        assert b"First Light" in fetch(page)[2]
        episode = root / "episodes" / FIRST / "episode.yaml"
        episode.write_text(episode.read_text("utf-8") + "title: Second Light\n", "utf-8")
        for _ in range(600):  # until the rebuild has published (a bound, not a timing)
            if b"Second Light" in fetch(page)[2]:
                break
            time.sleep(0.1)
        assert b"Second Light" in fetch(page)[2]
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_watch_sees_an_edit_made_before_its_thread_runs(tiny_source: Path, tmp_path: Path) -> None:
    # `serve --watch` takes the inputs' stamps before its first build: an edit made
    # while the watcher's thread is still starting is a change (it once went unseen on
    # a busy machine, and the page never rebuilt)
    root = copy_show(tiny_source, tmp_path / "show")
    seen = input_stamps(root)
    episode = root / "episodes" / FIRST / "episode.yaml"
    episode.write_text(episode.read_text("utf-8") + "title: Second Light\n", "utf-8")
    rebuilt, stop = threading.Event(), threading.Event()
    thread = threading.Thread(target=watch, args=(root, rebuilt.set, stop, (), 0.01, seen))
    thread.start()
    try:
        assert rebuilt.wait(timeout=60)
    finally:
        stop.set()
        thread.join(timeout=30)


def test_serve_without_a_feed_says_build_first(
    tiny_source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_show(tiny_source, tmp_path / "show")
    assert main(["serve", "--root", str(root), "--port", "0"]) == 1
    assert "podpub build" in capsys.readouterr().err


def test_the_show_page_links_the_directories_podcast_yaml_names(
    tiny_source: Path, tmp_path: Path
) -> None:
    root = copy_show(tiny_source, tmp_path / "show")
    show = root / "podcast.yaml"
    show.write_text(
        show.read_text("utf-8") + "subscribe:\n"
        "  - {url: 'https://podcasts.apple.com/podcast/id1', text: Apple Podcasts}\n"
        "  - {url: 'https://podcastindex.org/podcast/1', text: Podcast Index}\n",
        "utf-8",
    )
    build(root, align=False)
    page = _page(root / "feed" / "index.html")
    links = {a.text_content(): a.get("href") for a in page.xpath("//a[@rel='noopener']")}
    assert links["Apple Podcasts"] == "https://podcasts.apple.com/podcast/id1"
    assert links["Podcast Index"] == "https://podcastindex.org/podcast/1"


def test_a_subscribe_link_must_be_a_web_address(
    tiny_source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_show(tiny_source, tmp_path / "show")
    show = root / "podcast.yaml"
    show.write_text(
        show.read_text("utf-8") + "subscribe:\n  - {url: 'javascript:alert(1)', text: Apps}\n",
        "utf-8",
    )
    capsys.readouterr()
    assert main(["-q", "build", "--root", str(root), "--no-align"]) == 1
    err = capsys.readouterr().err
    assert "podcast.yaml" in err and "subscribe" in err and "http(s)" in err
