"""podpub deploy against a real S3 server (moto's standalone server, a process over HTTP
on 127.0.0.1) driven by boto3, and to a folder (file://). What the server saw is read
from its own request log; what it serves is read back with boto3 and parsed with
feedparser."""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import feedparser
import pytest
from conftest import make_mp3
from lxml import etree, html
from s3kit import CREDENTIALS, S3Server, free_port, s3_server_fixture  # noqa: F401
from showkit import BASE_URL, FIRST, FIRST_GUID, copy_show, tiny_source_fixture  # noqa: F401

from podpub.build import build
from podpub.deploy import deploy
from podpub.errors import PodpubError
from podpub.media import AUDIO_EXTENSIONS, content_type

SECOND = "second-look"
SECOND_GUID = "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
MANIFEST = ".podpub-deploy.json"
KILLS = 20


# ------------------------------------------------------------------ shows in three states


def add_second_episode(root: Path) -> None:
    folder = root / "episodes" / SECOND
    shutil.copytree(root / "episodes" / FIRST, folder)
    text = (folder / "episode.yaml").read_text("utf-8").replace(FIRST_GUID, SECOND_GUID)
    text = text.replace("number: 3", "number: 4").replace("2024-03-05", "2024-03-12")
    (folder / "episode.yaml").write_text(text, "utf-8")
    make_mp3(folder / "audio.mp3", 60.0, freq=440)


def edit_second_audio(root: Path) -> None:
    make_mp3(root / "episodes" / SECOND / "audio.mp3", 60.0, freq=550)


@pytest.fixture(scope="module")
def shows(tiny_source: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Built shows: "two" episodes; "edited" (the second's audio changed); "removed" (the
    second episode gone). Read-only: tests deploy them from copies when they change them."""
    base = tmp_path_factory.mktemp("deploy-shows")
    two = copy_show(tiny_source, base / "two")
    add_second_episode(two)
    build(two, align=False)
    edited = copy_show(two, base / "edited")
    edit_second_audio(edited)
    build(edited, align=False)
    removed = copy_show(two, base / "removed")
    shutil.rmtree(removed / "episodes" / SECOND)
    build(removed, align=False, allow_remove=(SECOND,))
    return {"two": two, "edited": edited, "removed": removed}


@pytest.fixture
def env(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3Server:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_server.endpoint)
    monkeypatch.setenv("PODPUB_PUBNOTIFY_URL", "")  # no pings to the real Podcast Index
    return s3_server


# ------------------------------------------------------------------ oracles


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def served_key(root: Path, name: str) -> str:
    """Where a file of feed/ is served: audio under <stem>-<10 hex of its sha256>."""
    path = PurePosixPath(name)
    if path.suffix in AUDIO_EXTENSIONS:
        head = digest((root / "feed" / name).read_bytes())[:10]
        return str(path.with_name(f"{path.stem}-{head}{path.suffix}"))
    return name


def media_keys(root: Path) -> dict[str, str]:
    return {n: served_key(root, n) for n in feed_files(root) if is_media(n)}


def is_media(name: str) -> bool:
    return PurePosixPath(name).suffix in AUDIO_EXTENSIONS


def served_bytes(root: Path, name: str) -> bytes:
    """What a target serves for a file of feed/ that is not media: the local file with each
    audio file's name replaced by its content name (the only difference deploy makes: the
    links in the feed, the pages and JSON follow the renamed audio)."""
    data = (root / "feed" / name).read_bytes()
    for local, key in media_keys(root).items():
        data = data.replace(PurePosixPath(local).name.encode(), PurePosixPath(key).name.encode())
    return data


def served_digests(root: Path) -> dict[str, str]:
    """served key -> sha256 of the bytes served under it, for the show at ``root``."""
    return {
        served_key(root, n): digest(
            (root / "feed" / n).read_bytes() if is_media(n) else served_bytes(root, n)
        )
        for n in feed_files(root)
    }


def page_media_links(body: bytes, page: str) -> set[str]:
    """The absolute URLs of the audio a page links (href, src, content attributes, resolved
    against the page's own URL, and absolute URLs anywhere, such as its JSON-LD)."""
    urls = set(re.findall(re.escape(BASE_URL) + r"[^\s\"'<>\\]*", body.decode("utf-8")))
    for element in html.fromstring(body).iter():
        for attribute in ("href", "src", "content"):
            value = element.get(attribute)
            if value:
                urls.add(urljoin(BASE_URL + page, value))
    return {u for u in urls if is_media(urlsplit(u).path)}


def object_key(url: str) -> str:
    """The object a URL under the base URL names: a folder's URL (an episode page's
    ``SLUG/``, the show page's base URL) is its index document, ``SLUG/index.html``, as a
    static host (an S3 website endpoint, CloudFront, nginx) serves it."""
    key = url[len(BASE_URL) :]
    return key + "index.html" if key == "" or key.endswith("/") else key


def feed_files(root: Path) -> list[str]:
    feed = root / "feed"
    return sorted(
        p.relative_to(feed).as_posix()
        for p in feed.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )


def get(server: S3Server, bucket: str, key: str) -> dict[str, Any] | None:
    client = server.client()
    try:
        return dict(client.get_object(Bucket=bucket, Key=key))
    except client.exceptions.NoSuchKey:
        return None


def served_keys(server: S3Server, bucket: str, prefix: str = "") -> set[str]:
    pages = server.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {o["Key"][len(prefix) :] for page in pages for o in page.get("Contents", []) if o["Key"]}


def assert_served_feed_whole(server: S3Server, bucket: str, context: str) -> None:
    """The served feed.xml names only objects that are there, enclosures with the stated
    length (every URL under the base URL: attributes, texts, HTML in CDATA)."""
    feed = get(server, bucket, "feed.xml")
    if feed is None:
        return  # nothing published yet: nothing broken either
    data = feed["Body"].read()
    parsed = feedparser.parse(data)
    assert not parsed.bozo, f"{context}: {parsed.bozo_exception}"
    assert parsed.entries, context
    lengths = {e["href"]: int(e["length"]) for entry in parsed.entries for e in entry.enclosures}
    pattern = re.compile(re.escape(BASE_URL) + r"[^\s\"'<>]*")
    urls: set[str] = set()
    for element in etree.fromstring(data).iter():
        for value in [*element.attrib.values(), element.text or ""]:
            urls.update(pattern.findall(value))
    assert set(lengths) <= urls and len(urls) > len(lengths), context
    for url in sorted(urls):
        key = object_key(url)
        obj = get(server, bucket, key)
        assert obj is not None, f"{context}: feed.xml names missing {url}"
        if url in lengths:
            assert obj["ContentLength"] == lengths[url], f"{context}: {url} length differs"
        if key.endswith(".html"):  # a page it links plays audio that is there too
            for audio in sorted(page_media_links(obj["Body"].read(), key)):
                found = get(server, bucket, object_key(audio))
                assert found is not None, f"{context}: {key} names missing {audio}"


def puts(requests: list[tuple[str, str]], prefix: str = "") -> list[str]:
    return [p[len(prefix) :] for m, p in requests if m == "PUT" and p != prefix + MANIFEST]


# ------------------------------------------------------------------ the deploy contract


def test_first_deploy_puts_every_file_then_a_second_sends_nothing(
    env: S3Server, shows: dict[str, Path]
) -> None:
    root = shows["two"]
    bucket = env.new_bucket()
    mark = env.mark()
    report = deploy(root, f"s3://{bucket}/shows/tiny/")
    files = feed_files(root)
    keys = {name: served_key(root, name) for name in files}
    assert sorted(puts(env.requests(mark, bucket), "shows/tiny/")) == sorted(keys.values())
    assert served_keys(env, bucket, "shows/tiny/") == {*keys.values(), MANIFEST}
    served_feed = b""
    for name, key in keys.items():
        obj = get(env, bucket, "shows/tiny/" + key)
        assert obj is not None, key
        body = obj["Body"].read()
        assert obj["ContentType"] == content_type(name)
        if is_media(name):
            assert body == (root / "feed" / name).read_bytes()
            assert key != name
            assert obj["CacheControl"] == "public, max-age=31536000, immutable"
            continue
        # the local file, its links to audio naming the content names
        assert body == served_bytes(root, name), name
        assert "immutable" not in obj["CacheControl"]
        if name == "feed.xml":
            served_feed = body
            assert obj["CacheControl"] == "public, max-age=300"
        elif name.endswith(".html"):
            if name.endswith("index.html"):  # the site's pages (transcript.html: an hour)
                assert obj["CacheControl"] == "public, max-age=300", name
            # every audio link of a page (relative, absolute, JSON-LD) is a served object
            links = page_media_links(body, name)
            assert {object_key(u) for u in links} <= set(keys.values()), name
            if name.endswith("/index.html"):  # an episode page plays its audio
                assert links, name
    # the served feed is the built one, its enclosures pointing at the content names
    parsed = feedparser.parse(served_feed)
    local_feed = feedparser.parse((root / "feed" / "feed.xml").read_bytes())
    assert [e.title for e in parsed.entries] == [e.title for e in local_feed.entries]
    for served, built in zip(parsed.entries, local_feed.entries, strict=True):
        old = built.enclosures[0]["href"][len(BASE_URL) :]
        assert served.enclosures[0]["href"] == BASE_URL + keys[old]
        assert served.enclosures[0]["length"] == built.enclosures[0]["length"]
    assert sorted(report.sent) == sorted(keys.values())
    assert report.sent[-1] == "feed.xml"  # pages (and all else) before the feed

    # a second deploy: one read of the manifest, nothing sent
    mark = env.mark()
    again = deploy(root, f"s3://{bucket}/shows/tiny/")
    assert env.requests(mark, bucket) == [("GET", "shows/tiny/" + MANIFEST)]
    assert again.sent == [] and again.deleted == [] and again.requests == 1


def test_an_edited_episode_sends_its_changed_files_and_the_feed(
    env: S3Server, shows: dict[str, Path]
) -> None:
    bucket = env.new_bucket()
    deploy(shows["two"], f"s3://{bucket}/")
    root = shows["edited"]
    before, after = served_digests(shows["two"]), served_digests(root)
    # what is to be served differently: the new audio, and the feed and the episode's page,
    # which name it (their local bytes may not change: the audio's length is the same)
    changed = sorted(k for k in after if before.get(k) != after[k])
    new_audio = served_key(root, f"{SECOND}/{SECOND}.mp3")
    assert {new_audio, f"{SECOND}/index.html", "feed.xml"} <= set(changed)
    assert not any(k.startswith(f"{FIRST}/") for k in changed)

    mark = env.mark()
    report = deploy(root, f"s3://{bucket}/")
    requests = env.requests(mark, bucket)
    sent = puts(requests)
    assert sorted(sent) == changed
    assert sent[-1] == "feed.xml"  # everything it names went up first
    # the replaced audio (its old content name) went after the new feed was in place
    old_audio = served_key(shows["two"], f"{SECOND}/{SECOND}.mp3")
    assert report.deleted == sorted(set(before) - set(after)) == [old_audio]
    delete_at = next(i for i, (m, p) in enumerate(requests) if m == "POST" and "delete" in p)
    feed_at = requests.index(("PUT", "feed.xml"))
    assert feed_at < delete_at
    assert old_audio not in served_keys(env, bucket)
    assert_served_feed_whole(env, bucket, "after the edit")


def test_a_removed_episode_is_deleted_after_the_feed(env: S3Server, shows: dict[str, Path]) -> None:
    bucket = env.new_bucket()
    deploy(shows["two"], f"s3://{bucket}/")
    second = {served_key(shows["two"], n) for n in feed_files(shows["two"]) if SECOND in n}
    assert second <= served_keys(env, bucket)
    before, after = served_digests(shows["two"]), served_digests(shows["removed"])
    changed = {k for k in after if before.get(k) != after[k]}
    assert changed == {"index.html", "feed.xml"}  # the show page lists the episodes too
    mark = env.mark()
    report = deploy(shows["removed"], f"s3://{bucket}/")
    requests = env.requests(mark, bucket)
    sent = puts(requests)
    assert sorted(sent) == sorted(changed) and sent[-1] == "feed.xml"
    assert set(report.deleted) == set(before) - set(after) == second
    feed_at = requests.index(("PUT", "feed.xml"))
    delete_at = next(i for i, (m, p) in enumerate(requests) if m == "POST" and "delete" in p)
    assert feed_at < delete_at
    assert not second & served_keys(env, bucket)
    assert_served_feed_whole(env, bucket, "after the removal")


def test_no_delete_keeps_stale_files_until_a_deploy_with_delete(
    env: S3Server, shows: dict[str, Path]
) -> None:
    bucket = env.new_bucket()
    deploy(shows["two"], f"s3://{bucket}/")
    kept = deploy(shows["removed"], f"s3://{bucket}/", delete=False)
    assert kept.deleted == [] and kept.kept
    assert set(kept.kept) <= served_keys(env, bucket)
    dry = deploy(shows["removed"], f"s3://{bucket}/", dry_run=True)
    assert dry.sent == [] and sorted(dry.deleted) == kept.kept
    assert set(kept.kept) <= served_keys(env, bucket)  # a dry run changes nothing
    done = deploy(shows["removed"], f"s3://{bucket}/")
    assert done.sent == [] and sorted(done.deleted) == kept.kept
    assert not set(kept.kept) & served_keys(env, bucket)


def test_a_file_target_gets_the_same_show(shows: dict[str, Path], tmp_path: Path) -> None:
    site = tmp_path / "www"
    site.mkdir()
    root = shows["two"]
    first = deploy(root, site.as_uri() + "/", notify_directories=False)
    files = feed_files(root)
    assert sorted(first.sent) == sorted(served_key(root, n) for n in files)
    for name in files:
        if not is_media(name):
            assert (site / name).read_bytes() == served_bytes(root, name), name
    second = deploy(root, site.as_uri() + "/", notify_directories=False)
    assert second.sent == [] and second.requests == 1
    gone = deploy(shows["removed"], site.as_uri(), notify_directories=False)
    assert gone.sent == ["index.html", "feed.xml"] and gone.deleted
    assert not (site / SECOND).exists()
    served = feedparser.parse((site / "feed.xml").read_bytes())
    for entry in served.entries:
        audio = site / entry.enclosures[0]["href"][len(BASE_URL) :]
        assert audio.stat().st_size == int(entry.enclosures[0]["length"])


def test_large_audio_goes_up_in_parts_with_progress(
    env: S3Server, shows: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import podpub.deploy.s3

    monkeypatch.setattr(podpub.deploy.s3, "MULTIPART_BYTES", 9 * 1024 * 1024)
    root = copy_show(shows["two"], tmp_path / "show")
    big = root / "feed" / "bonus" / "extended.mp3"  # any file feed/ holds is deployed
    big.parent.mkdir()
    big.write_bytes(random.Random(18).randbytes(12 * 1024 * 1024))
    bucket = env.new_bucket()
    heard: list[tuple[int, int, str]] = []
    mark = env.mark()
    deploy(
        root, f"s3://{bucket}/", progress=lambda sent, total, key: heard.append((sent, total, key))
    )
    key = served_key(root, "bonus/extended.mp3")
    requests = env.requests(mark, bucket)
    assert ("POST", f"{key}?uploads") in requests
    parts = [p for m, p in requests if m == "PUT" and p.startswith(key + "?") and "partNumber" in p]
    assert len(parts) == 2  # 8 MiB and 4 MiB
    obj = get(env, bucket, key)
    assert obj is not None and obj["Body"].read() == big.read_bytes()
    assert obj["ContentType"] == "audio/mpeg"
    assert heard and heard[-1] == (big.stat().st_size, big.stat().st_size, key)
    assert [h[0] for h in heard] == sorted(h[0] for h in heard)


# ------------------------------------------------------------------ errors


def run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "podpub", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_bad_targets_missing_buckets_and_missing_credentials_are_clear_errors(
    s3_server: S3Server, shows: dict[str, Path], tmp_path: Path
) -> None:
    root = str(shows["two"])
    env = s3_server.env() | {"PODPUB_PUBNOTIFY_URL": ""}
    for target, words in [
        ("ftp://example.org/show/", "not a file target"),
        ("s3:///nobucket", "not an S3 target"),
        (f"s3://no-such-bucket-{free_port()}/", "does not exist"),
        ((tmp_path / "absent").as_uri(), "does not exist"),
    ]:
        result = run_cli(["deploy", "--root", root, target], env)
        assert result.returncode == 1, target
        assert result.stderr.startswith("error:") and words in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    bare = {k: v for k, v in env.items() if not k.startswith("AWS_")}
    bare |= {
        "AWS_ENDPOINT_URL": s3_server.endpoint,
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    bucket = s3_server.new_bucket()
    result = run_cli(["deploy", "--root", root, f"s3://{bucket}/"], bare)
    assert result.returncode == 1
    assert "no AWS credentials" in result.stderr and "Traceback" not in result.stderr
    # with credentials it works, and never prints them
    result = run_cli(["deploy", "--root", root, f"s3://{bucket}/"], env)
    assert result.returncode == 0, result.stderr
    for secret in CREDENTIALS.values():
        if "secret" in secret or "key" in secret:
            assert secret not in result.stderr + result.stdout


def test_deploy_without_a_build_says_to_build(tiny_source: Path, tmp_path: Path) -> None:
    with pytest.raises(PodpubError, match="run podpub build first"):
        deploy(tiny_source, tmp_path.as_uri())


# ------------------------------------------------------------------ killed deploys

KILLER = """
import os, signal, sys
import botocore.endpoint

limit, when = int(sys.argv[1]), sys.argv[2]
count = 0
send = botocore.endpoint.Endpoint._send


def counted(self, request):
    global count
    count += 1
    if count == limit and when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    response = send(self, request)
    if count == limit and when == "after":
        os.kill(os.getpid(), signal.SIGKILL)
    return response


botocore.endpoint.Endpoint._send = counted
from podpub.cli import main

sys.exit(main(sys.argv[3:]))
"""


def test_killed_deploys_never_serve_a_broken_feed(
    s3_server: S3Server, shows: dict[str, Path], tmp_path: Path
) -> None:
    """SIGKILL after the N-th request (before it is sent, or after its answer), N and the
    show's state drawn from a seeded RNG: after each kill the served feed.xml names only
    objects that are there with the stated length; a rerun then completes."""
    bucket = s3_server.new_bucket()
    env = s3_server.env() | {"PODPUB_PUBNOTIFY_URL": ""}
    killer = tmp_path / "killer.py"
    killer.write_text(KILLER, "utf-8")
    rng = random.Random(18)
    states = ["two", "edited", "removed"]
    kills = 0
    for attempt in range(4 * KILLS):
        if kills == KILLS:
            break
        state = states[attempt % len(states)]
        limit, when = rng.randint(1, 14), rng.choice(["before", "after"])
        target = ["deploy", "--root", str(shows[state]), f"s3://{bucket}/"]
        result = subprocess.run(
            [sys.executable, str(killer), str(limit), when, *target],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert result.returncode in (0, -9), result.stderr
        kills += result.returncode == -9
        assert_served_feed_whole(s3_server, bucket, f"kill {attempt} ({state} {limit} {when})")
    assert kills == KILLS
    for state in states:  # reruns complete, and leave exactly that state served
        result = run_cli(["deploy", "--root", str(shows[state]), f"s3://{bucket}/"], env)
        assert result.returncode == 0, result.stderr
        assert_served_feed_whole(s3_server, bucket, f"rerun {state}")
        wanted = served_digests(shows[state])
        assert served_keys(s3_server, bucket) == {*wanted, MANIFEST}
        for key, sha256 in wanted.items():
            obj = get(s3_server, bucket, key)
            assert obj is not None and digest(obj["Body"].read()) == sha256, f"{state} {key}"
        manifest = json.loads(get(s3_server, bucket, MANIFEST)["Body"].read())  # type: ignore[index]
        assert manifest["pending"] == []


# ------------------------------------------------------------------ notifying


class Hub:
    """A local WebSub hub and pubnotify endpoint: records every request."""

    def __init__(self) -> None:
        self.pings: list[tuple[str, str, dict[str, list[str]]]] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode()
                hub.pings.append(("POST", self.path, parse_qs(body)))
                self.send_response(204)
                self.end_headers()

            def do_GET(self) -> None:
                hub.pings.append(
                    ("GET", urlsplit(self.path).path, parse_qs(urlsplit(self.path).query))
                )
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b'{"status": "true"}')

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()


@pytest.fixture
def hub() -> Iterator[Hub]:
    h = Hub()
    yield h
    h.server.shutdown()


def with_hub(template: Path, target: Path, hub_url: str) -> Path:
    root = copy_show(template, target)
    yaml = root / "podcast.yaml"
    yaml.write_text(yaml.read_text("utf-8") + f"websub_hub: {hub_url}/hub\n", "utf-8")
    build(root, align=False)
    return root


def test_one_ping_per_deploy_that_changed_the_feed(
    env: S3Server,
    shows: dict[str, Path],
    hub: Hub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PODPUB_PUBNOTIFY_URL", hub.url + "/api/1.0/hub/pubnotify")
    two = with_hub(shows["two"], tmp_path / "two", hub.url)
    removed = with_hub(shows["removed"], tmp_path / "removed", hub.url)
    built = feedparser.parse((two / "feed" / "feed.xml").read_bytes())
    assert {"rel": "hub", "href": hub.url + "/hub"} in [
        {"rel": link.rel, "href": link.href} for link in built.feed.links
    ]
    bucket = env.new_bucket()
    feed_url = BASE_URL + "feed.xml"
    publish = ("POST", "/hub", {"hub.mode": ["publish"], "hub.url": [feed_url]})
    notify = ("GET", "/api/1.0/hub/pubnotify", {"url": [feed_url]})

    first = deploy(two, f"s3://{bucket}/")
    assert hub.pings == [publish, notify] and len(first.notified) == 2
    deploy(two, f"s3://{bucket}/")  # feed unchanged: no ping
    assert hub.pings == [publish, notify]
    deploy(removed, f"s3://{bucket}/")
    assert hub.pings == [publish, notify] * 2
    deploy(removed, f"s3://{bucket}/", dry_run=True)
    assert hub.pings == [publish, notify] * 2


def test_a_failing_hub_is_a_warning(
    env: S3Server, shows: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("PODPUB_PUBNOTIFY_URL", dead + "/pubnotify")
    root = with_hub(shows["two"], tmp_path / "two", dead)
    bucket = env.new_bucket()
    report = deploy(root, f"s3://{bucket}/")
    assert report.notified == [] and len(report.warnings) == 2
    assert all("could not be reached" in w for w in report.warnings)
    assert get(env, bucket, "feed.xml") is not None


# ------------------------------------------------------------------ the plan (pure)


def test_files_are_grouped_by_name_so_new_outputs_need_no_list() -> None:
    from podpub.deploy import plan

    groups = {
        "ep/ep.mp3": "media",
        "ep/ep.opus": "media",
        "ep/ep.m4a": "media",
        "ep/transcript.vtt": "transcripts",
        "ep/transcript.json": "transcripts",
        "ep/transcript.html": "transcripts",
        "ep/chapters.json": "chapters",
        "index.html": "pages",
        "ep/index.html": "pages",
        "style.css": "pages",
        "artwork.png": "artwork",
        "ep/image.jpg": "artwork",
        "feed.xml": "feed",
        "feed-opus.xml": "feed",
        "ep/notes.xml": "other",
    }
    assert {n: plan.GROUP_NAMES[plan.group_of(n)] for n in groups} == groups
    assert plan.cache_control(plan.group_of("index.html")) == "public, max-age=300"


def test_pages_link_the_content_named_audio() -> None:
    from podpub.deploy import plan

    renamed = {"ep/ep.mp3": "ep/ep-0123456789.mp3", "ep/ep.opus": "ep/ep-abcdef0123.opus"}
    page = (
        b'<audio src="ep.mp3"></audio><a href="../ep/ep.opus#t=10">opus</a>'
        b'<a href="https://x.org/s/ep/ep.mp3">abs</a><a href="transcript.html">t</a>'
        b'<a href="https://x.org/s/ep/ep.mp3x">not ours</a>'
    )
    assert plan.rewrite_links(page, "ep/index.html", "https://x.org/s/", renamed) == (
        b'<audio src="ep-0123456789.mp3"></audio><a href="ep-abcdef0123.opus#t=10">opus</a>'
        b'<a href="https://x.org/s/ep/ep-0123456789.mp3">abs</a><a href="transcript.html">t</a>'
        b'<a href="https://x.org/s/ep/ep.mp3x">not ours</a>'
    )
    top = b'<a href="ep/ep.mp3">listen</a>'
    assert plan.rewrite_links(top, "index.html", "https://x.org/s/", renamed) == (
        b'<a href="ep/ep-0123456789.mp3">listen</a>'
    )
