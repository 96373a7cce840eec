"""Nothing half-written: a build killed at any point leaves a usable feed/.

After every kill, feed.xml is the old one or the new one (it parses), every URL it names
under the base URL is a file in feed/, podpub.lock parses, and episodes/ is untouched.
Two tests: real ``podpub build`` processes SIGKILLed after random delays, and an
in-process build made to "die" at each file operation of publishing in turn (every
replace and every removal), which covers the windows a random kill rarely hits.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from showkit import (
    BASE_URL,
    FIRST,
    FIRST_GUID,
    copy_show,
    tiny_built_fixture,  # noqa: F401
    tiny_source_fixture,  # noqa: F401
    tree_digest,
)

import podpub.output
from podpub.build import build
from podpub.check import check_show

SECOND = "second-look"
SECOND_GUID = "3d4e5f60-7182-4394-a5b6-c7d8e9f00112"
KILLS = 20


# ------------------------------------------------------------------ two versions of a show


def add_second_episode(root: Path) -> None:
    folder = root / "episodes" / SECOND
    shutil.copytree(root / "episodes" / FIRST, folder)
    text = (folder / "episode.yaml").read_text("utf-8").replace(FIRST_GUID, SECOND_GUID)
    (folder / "episode.yaml").write_text(text.replace("number: 3", "number: 4"), "utf-8")


def set_version(root: Path, version: int) -> None:
    """Version 0 and 1 differ in every output file, and 1 has an episode image that 0
    has not (so going 1 -> 0 removes a published file)."""
    for slug in (FIRST, SECOND):
        folder = root / "episodes" / slug
        yaml = folder / "episode.yaml"
        lines = [
            line
            for line in yaml.read_text("utf-8").splitlines()
            if not line.startswith(("title:", "image:"))
        ]
        lines.append(f"title: {slug} in version {version}")
        image = folder / "cover.png"
        if version == 1:
            shutil.copy(root / "artwork.png", image)
            lines.append("image: cover.png")
        else:
            image.unlink(missing_ok=True)
        yaml.write_text("\n".join(lines) + "\n", "utf-8")


@pytest.fixture(scope="module")
def two_episode_show(tiny_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_show(tiny_source, tmp_path_factory.mktemp("kill") / "show")
    add_second_episode(root)
    set_version(root, 0)
    build(root, align=False)
    return root


# ------------------------------------------------------------------ the invariant


def urls_named(feed_xml: bytes) -> set[str]:
    """Every URL under the base URL in the feed: attributes, texts and HTML in CDATA."""
    tree = etree.fromstring(feed_xml)  # raises if feed.xml is not whole
    pattern = re.compile(re.escape(BASE_URL) + r"[^\s\"'<>]*")
    found: set[str] = set()
    for element in tree.iter():
        for value in [*element.attrib.values(), element.text or ""]:
            found.update(pattern.findall(value))
    return found


def assert_feed_usable(root: Path, context: str) -> None:
    feed_dir = root / "feed"
    feed_xml = feed_dir / "feed.xml"
    assert feed_xml.is_file(), f"{context}: feed.xml is gone"
    urls = urls_named(feed_xml.read_bytes())
    assert any(url.endswith(".mp3") for url in urls), f"{context}: no enclosure"
    for url in urls:
        relative = url[len(BASE_URL) :]
        if relative == "" or relative.endswith("/"):
            relative += "index.html"  # a folder's URL names its page (the episode pages)
        assert (feed_dir / relative).is_file(), f"{context}: feed.xml names missing {relative}"
    lock = root / "podpub.lock"
    if lock.exists():
        json.loads(lock.read_text("utf-8"))


def clean_build_digest(root: Path, tmp_path: Path, version: int) -> dict[str, str]:
    """feed/ of a fresh, uninterrupted build of the same inputs (no feed/, no cache)."""
    fresh = tmp_path / f"fresh-{version}"
    fresh.mkdir()
    for name in ("podcast.yaml", "artwork.png", "episodes"):
        source = root / name
        if source.is_dir():
            shutil.copytree(source, fresh / name)
        else:
            shutil.copy(source, fresh / name)
    build(fresh, align=False)
    return tree_digest(fresh / "feed")


def assert_recovers(root: Path, tmp_path: Path, version: int) -> None:
    """The next uninterrupted build gives exactly what a fresh build gives."""
    build(root, align=False)
    assert_feed_usable(root, "after recovery")
    digest = tree_digest(root / "feed")
    digest.pop(podpub.output.MANIFEST)
    expected = clean_build_digest(root, tmp_path, version)
    expected.pop(podpub.output.MANIFEST)
    assert digest == expected, "the recovered feed/ differs from a fresh build"
    errors = [f for f in check_show(root, align=False) if f.severity == "error"]
    assert not errors, errors


# ------------------------------------------------------------------ real processes, SIGKILL


def start_build(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "podpub", "-q", "build", "--root", str(root), "--no-align"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        start_new_session=True,  # its own process group: the kill takes its workers too
    )


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the build and its workers, unless it has already finished (until it is
    waited for, its process id cannot be reused)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def wait_for_stage(root: Path, process: subprocess.Popen[bytes]) -> float:
    """Wait until the build has made its staging folder (the work proper begins) or has
    ended; the moment it was seen."""
    stages = root / ".podpub-cache" / "stage"
    while process.poll() is None and not any(stages.glob(".stage-*")):
        time.sleep(0.002)
    return time.monotonic()


def test_sigkill_at_random_points_leaves_a_usable_feed(
    two_episode_show: Path, tmp_path: Path
) -> None:
    root = copy_show(two_episode_show, tmp_path / "show")
    rng = random.Random(20241127)
    # how long a build works once its stage exists: the kills are spread over that span
    # from the stage's appearance (this measures, it asserts nothing about speed), so a
    # slow interpreter start does not let the build finish before the kill
    set_version(root, 1)
    process = start_build(root)
    staged = wait_for_stage(root, process)
    assert process.wait(timeout=120) == 0, process.stderr.read() if process.stderr else ""
    span = time.monotonic() - staged
    assert_feed_usable(root, "first build")
    kills = attempt = 0
    while kills < KILLS and attempt < 3 * KILLS:  # until KILLS builds died mid-way
        version = attempt % 2
        set_version(root, version)
        sources = tree_digest(root / "episodes")
        process = start_build(root)
        wait_for_stage(root, process)
        time.sleep(rng.uniform(0.0, span * 0.8))
        finished = process.poll() is not None
        kill_group(process)
        kills += not finished
        assert_feed_usable(root, f"attempt {attempt} ({'finished' if finished else 'killed'})")
        assert tree_digest(root / "episodes") == sources, "the build changed episodes/"
        assert not list((root / "feed").glob(".stage-*")), "a stage inside feed/"
        attempt += 1
    assert kills == KILLS, f"only {kills} of {attempt} builds were still running when killed"
    assert_recovers(root, tmp_path, version)
    assert not list((root / ".podpub-cache" / "stage").iterdir()), "a stale stage was kept"


# ------------------------------------------------------------------ in process, each step


class Died(BaseException):
    """The process 'dies' here (BaseException: no except clause of podpub catches it)."""


class Crasher:
    """Counts os.replace/os.unlink/os.rmdir calls on absolute paths (publishing, the lock,
    the build state; not the removal of the staging folder, which uses relative names)
    and dies at call number ``at``."""

    def __init__(self, at: int | None) -> None:
        self.at = at
        self.calls = 0
        self.armed = True
        self.real = {name: getattr(os, name) for name in ("replace", "unlink", "rmdir")}

    def wrap(self, name: str):  # type: ignore[no-untyped-def]
        real = self.real[name]

        def operation(*args, **kwargs):  # type: ignore[no-untyped-def]
            if self.armed and isinstance(args[0], str | os.PathLike) and os.path.isabs(args[0]):
                self.calls += 1
                if self.calls == self.at:
                    self.armed = False
                    raise Died(f"{name}{args}")
            return real(*args, **kwargs)

        return operation


@pytest.fixture
def crasher(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Crasher]]:
    made: list[Crasher] = []

    def make(at: int | None) -> Crasher:
        crash = Crasher(at)
        for name in crash.real:
            monkeypatch.setattr(os, name, crash.wrap(name))
        made.append(crash)
        return crash

    yield make  # type: ignore[misc]
    monkeypatch.undo()


def publish_steps(root: Path, crasher, version: int) -> int:  # type: ignore[no-untyped-def]
    """How many file operations one build from the current state to ``version`` takes."""
    probe = copy_show(root, root.parent / f"probe-{version}")
    set_version(probe, version)
    counter = crasher(None)
    build(probe, align=False)
    counter.armed = False
    return counter.calls


def test_death_at_every_publish_step_leaves_a_usable_feed(
    two_episode_show: Path,
    tmp_path: Path,
    crasher,  # type: ignore[no-untyped-def]
) -> None:
    # from version 1 to version 0: every file is replaced and the episode images removed
    start = copy_show(two_episode_show, tmp_path / "start")
    set_version(start, 1)
    build(start, align=False)
    version = 0
    steps = publish_steps(start, crasher, version)
    assert steps >= 10, "publishing should replace and remove several files"
    for at in range(1, steps + 1):
        root = copy_show(start, tmp_path / f"at-{at}")
        set_version(root, version)
        sources = tree_digest(root / "episodes")
        crash = crasher(at)
        with pytest.raises(Died):
            build(root, align=False)
        crash.armed = False
        assert_feed_usable(root, f"died at file operation {at} of {steps}")
        assert tree_digest(root / "episodes") == sources
    # and the last one recovers to exactly a fresh build
    assert_recovers(root, tmp_path, version)
