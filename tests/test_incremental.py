"""Incremental builds: unchanged episodes are not redone, and output equals a clean build."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import make_mp3, sha256_tree

from podpub.build import build


def add_episode(root: Path, slug: str, guid: str, title: str) -> None:
    folder = root / "episodes" / slug
    folder.mkdir()
    (folder / "episode.yaml").write_text(
        f"published: 2024-04-01T10:00:00+00:00\nguid: {guid}\nnumber: 9\n"
    )
    (folder / "transcript.txt").write_text(f"{title}\n\nHello and welcome.\n\nPart Two\n\nBye.\n")
    make_mp3(folder / "audio.mp3", 8.0, freq=440)


def stamps(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def test_noop_rebuild_writes_nothing(tiny_show: Path) -> None:
    add_episode(tiny_show, "second", "11111111-2222-4333-8444-555555555555", "Second")
    build(tiny_show, align=False)
    before = stamps(tiny_show / "feed")
    report = build(tiny_show, align=False)
    assert report.written == [] and report.removed == []
    assert stamps(tiny_show / "feed") == before


def test_one_changed_episode_rebuilds_only_that_one(tiny_show: Path, tmp_path: Path) -> None:
    add_episode(tiny_show, "second", "11111111-2222-4333-8444-555555555555", "Second")
    build(tiny_show, align=False)
    first_light = stamps(tiny_show / "feed" / "first-light")
    transcript = tiny_show / "episodes" / "second" / "transcript.txt"
    transcript.write_text(transcript.read_text().replace("Bye.", "Goodbye, everyone."))
    report = build(tiny_show, align=False)
    assert "second/transcript.vtt" in report.written and "feed.xml" in report.written
    assert not any(name.startswith("first-light/") for name in report.written)
    assert stamps(tiny_show / "feed" / "first-light") == first_light
    # the incremental result is byte-identical to a clean build of the same inputs
    clean = tmp_path / "clean"
    shutil.copytree(tiny_show, clean, ignore=shutil.ignore_patterns("feed", ".podpub-cache"))
    build(clean, align=False)
    assert sha256_tree(clean / "feed") == sha256_tree(tiny_show / "feed")


def test_deleted_output_is_rebuilt(tiny_show: Path) -> None:
    build(tiny_show, align=False)
    target = tiny_show / "feed" / "first-light" / "transcript.srt"
    expected = target.read_bytes()
    target.unlink()
    build(tiny_show, align=False)
    assert target.read_bytes() == expected


def test_corrupt_state_means_full_build(tiny_show: Path) -> None:
    build(tiny_show, align=False)
    expected = sha256_tree(tiny_show / "feed")
    (tiny_show / ".podpub-cache" / "state.json").write_bytes(b"garbage")
    build(tiny_show, align=False)
    assert sha256_tree(tiny_show / "feed") == expected
