"""Incremental builds: unchanged episodes are not redone, and output equals a clean build."""

from __future__ import annotations

import shutil
import zlib
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


def test_changes_in_subfolders_are_rebuilt(tiny_show: Path) -> None:
    folder = tiny_show / "episodes" / "first-light"
    (folder / "src").mkdir()
    (folder / "transcript.txt").rename(folder / "src" / "transcript.txt")
    with (folder / "episode.yaml").open("a") as handle:
        handle.write("transcript: src/transcript.txt\n")
    build(tiny_show, align=False)
    source = folder / "src" / "transcript.txt"
    source.write_text(source.read_text().replace("Almost two years.", "Nearly two years."))
    build(tiny_show, align=False)
    assert (
        "Nearly two years." in (tiny_show / "feed" / "first-light" / "transcript.txt").read_text()
    )


def test_artwork_with_hash_in_its_name_is_followed(tiny_show: Path) -> None:
    (tiny_show / "artwork.png").rename(tiny_show / "art#1.png")
    path = tiny_show / "podcast.yaml"
    path.write_text(path.read_text().replace("image: artwork.png", "image: art#1.png"))
    build(tiny_show, align=False)
    # the same picture with a text chunk added before IEND: a valid PNG, other bytes
    png = (tiny_show / "art#1.png").read_bytes()
    body = b"tEXtComment\x00new"
    chunk = len(body[4:]).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
    changed = png[:-12] + chunk + png[-12:]
    (tiny_show / "art#1.png").write_bytes(changed)
    build(tiny_show, align=False)
    assert (tiny_show / "feed" / "artwork.png").read_bytes() == changed


def test_last_build_date_does_not_depend_on_build_history(tiny_show: Path, tmp_path: Path) -> None:
    # two episodes published at the same instant, written with different UTC offsets
    add_episode(tiny_show, "second", "11111111-2222-4333-8444-555555555555", "Second")
    second = tiny_show / "episodes" / "second" / "episode.yaml"
    second.write_text(
        second.read_text().replace("2024-04-01T10:00:00+00:00", "2024-03-05T17:30:00+00:00")
    )
    build(tiny_show, align=False)
    transcript = tiny_show / "episodes" / "second" / "transcript.txt"
    transcript.write_text(transcript.read_text().replace("Bye.", "Bye now."))
    build(tiny_show, align=False)  # rebuilds only "second"
    clean = tmp_path / "clean"
    shutil.copytree(tiny_show, clean, ignore=shutil.ignore_patterns("feed", ".podpub-cache"))
    build(clean, align=False)
    assert (clean / "feed" / "feed.xml").read_bytes() == (
        tiny_show / "feed" / "feed.xml"
    ).read_bytes()
