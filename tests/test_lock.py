"""The GUID lock: published GUIDs never change, episodes are not dropped by accident."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import sha256_tree
from showkit import copy_show, tiny_source_fixture  # noqa: F401

from podpub.cli import main
from podpub.errors import BuildError, MultipleErrors
from podpub.feed import podcast_guid_for
from podpub.lock import (
    LOCK_FILE,
    Lock,
    LockedEpisode,
    lock_problems,
    read_lock,
    render_lock,
)

FIRST_GUID = "0b7e4a52-1c3d-4e5f-8a9b-0c1d2e3f4a5b"
SECOND_GUID = "5f0c2d1e-8a7b-4c3d-9e2f-1a2b3c4d5e6f"
BASE = "https://example.org/tiny/"


def add_second_episode(root: Path, slug: str = "second-look", guid: str = SECOND_GUID) -> Path:
    folder = root / "episodes" / slug
    shutil.copytree(root / "episodes" / "first-light", folder)
    yaml = (folder / "episode.yaml").read_text("utf-8")
    yaml = yaml.replace(FIRST_GUID, guid).replace("2024-03-05", "2024-04-05")
    yaml = yaml.replace("number: 3", "number: 4")
    (folder / "episode.yaml").write_text(yaml, "utf-8")
    return folder


def run_build(root: Path, *extra: str) -> int:
    return main(["-q", "build", "--root", str(root), "--no-align", *extra])


@pytest.fixture(scope="module")
def locked_template(tiny_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny show with two episodes, built once: feed/ and podpub.lock exist."""
    root = copy_show(tiny_source, tmp_path_factory.mktemp("locked") / "tiny")
    add_second_episode(root)
    assert run_build(root) == 0
    return root


@pytest.fixture
def locked_show(locked_template: Path, tmp_path: Path) -> Path:
    return copy_show(locked_template, tmp_path / "tiny")


@pytest.fixture
def tiny_show(tiny_source: Path, tmp_path: Path) -> Path:
    """The tiny show, not built yet (replaces conftest's, which makes the audio anew)."""
    return copy_show(tiny_source, tmp_path / "tiny")


def snapshot(root: Path) -> tuple[dict[str, str], bytes]:
    return sha256_tree(root / "feed"), (root / LOCK_FILE).read_bytes()


# ------------------------------------------------------------------ the file itself


def test_first_build_writes_a_deterministic_lock(locked_show: Path) -> None:
    text = (locked_show / LOCK_FILE).read_text("utf-8")
    data = json.loads(text)
    assert data["version"] == 1
    assert data["podcast_guid"] == podcast_guid_for(BASE + "feed.xml")
    assert data["episodes"] == {
        "first-light": {"guid": FIRST_GUID, "enclosure": BASE + "first-light/first-light.mp3"},
        "second-look": {"guid": SECOND_GUID, "enclosure": BASE + "second-look/second-look.mp3"},
    }
    assert text.endswith("}\n")
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    before = snapshot(locked_show)
    assert run_build(locked_show) == 0
    assert snapshot(locked_show) == before


def test_render_lock_is_independent_of_order() -> None:
    a = LockedEpisode("a", "guid-a", "https://x.org/a.mp3")
    b = LockedEpisode("b", "guid-b", "https://x.org/b.mp3")
    assert render_lock(Lock("p", (a, b))) == render_lock(Lock("p", (b, a)))


def test_new_episode_is_added_to_the_lock(tiny_show: Path) -> None:
    assert run_build(tiny_show) == 0
    assert set(json.loads((tiny_show / LOCK_FILE).read_text())["episodes"]) == {"first-light"}
    add_second_episode(tiny_show)
    assert run_build(tiny_show) == 0
    episodes = json.loads((tiny_show / LOCK_FILE).read_text())["episodes"]
    assert set(episodes) == {"first-light", "second-look"}


# ------------------------------------------------------------------ what the lock refuses


def assert_refused(root: Path, capsys: pytest.CaptureFixture[str], *needles: str) -> str:
    before = snapshot(root)
    capsys.readouterr()
    assert run_build(root) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err
    assert snapshot(root) == before, "a refused build changed feed/ or the lock"
    return err


def test_edited_guid_is_refused(locked_show: Path, capsys: pytest.CaptureFixture[str]) -> None:
    yaml = locked_show / "episodes" / "second-look" / "episode.yaml"
    new_guid = "11111111-2222-4333-8444-555555555555"
    yaml.write_text(yaml.read_text("utf-8").replace(SECOND_GUID, new_guid), "utf-8")
    err = assert_refused(
        locked_show, capsys, str(yaml), SECOND_GUID, new_guid, f"put back 'guid: {SECOND_GUID}'"
    )
    assert "changed" in err


def test_deleted_episode_is_refused_then_allowed(
    locked_show: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(locked_show / "episodes" / "second-look")
    assert_refused(
        locked_show, capsys, "episodes/second-look", "is missing", "--allow-remove second-look"
    )
    assert run_build(locked_show, "--allow-remove", "second-look") == 0
    assert not (locked_show / "feed" / "second-look").exists()
    assert SECOND_GUID not in (locked_show / "feed" / "feed.xml").read_text("utf-8")
    assert set(json.loads((locked_show / LOCK_FILE).read_text())["episodes"]) == {"first-light"}
    # the removal is recorded: later builds need no flag
    assert run_build(locked_show) == 0


def test_renamed_folder_is_refused_then_allowed(
    locked_show: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (locked_show / "episodes" / "second-look").rename(locked_show / "episodes" / "second-view")
    assert_refused(
        locked_show,
        capsys,
        "episodes/second-view",
        "renamed",
        BASE + "second-look/second-look.mp3",
        BASE + "second-view/second-view.mp3",
    )
    assert run_build(locked_show, "--allow-remove", "second-look") == 0
    episodes = json.loads((locked_show / LOCK_FILE).read_text())["episodes"]
    assert episodes["second-view"]["guid"] == SECOND_GUID
    assert "second-look" not in episodes


def test_duplicate_guid_is_refused(locked_show: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_second_episode(locked_show, "third-time", FIRST_GUID)
    assert_refused(locked_show, capsys, "episodes/third-time/episode.yaml", FIRST_GUID)


def test_changed_feed_url_keeps_podcast_guid(
    locked_show: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    podcast = locked_show / "podcast.yaml"
    old_guid = podcast_guid_for(BASE + "feed.xml")
    podcast.write_text(
        podcast.read_text("utf-8").replace("example.org/tiny", "example.net/moved"), "utf-8"
    )
    assert_refused(locked_show, capsys, str(podcast), old_guid, f"add 'guid: {old_guid}'")
    with podcast.open("a", encoding="utf-8") as handle:
        handle.write(f"guid: {old_guid}\n")
    capsys.readouterr()
    assert run_build(locked_show) == 0
    err = capsys.readouterr().err
    assert "enclosure URL changes" in err  # a warning: the guid stays
    assert f"<podcast:guid>{old_guid}</podcast:guid>" in (
        locked_show / "feed" / "feed.xml"
    ).read_text("utf-8")
    data = json.loads((locked_show / LOCK_FILE).read_text())
    assert data["episodes"]["first-light"]["enclosure"].startswith("https://example.net/moved/")


def test_allow_remove_of_unknown_slug_is_refused(
    locked_show: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(locked_show)
    assert run_build(locked_show, "--allow-remove", "no-such-episode") == 1
    err = capsys.readouterr().err
    assert "no-such-episode" in err and LOCK_FILE in err
    assert snapshot(locked_show) == before


def test_allow_remove_of_present_episode_only_warns(
    locked_show: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(locked_show)
    capsys.readouterr()
    assert run_build(locked_show, "--allow-remove", "second-look") == 0
    assert "still there" in capsys.readouterr().err
    assert snapshot(locked_show) == before


def test_damaged_lock_is_an_error_naming_it(
    locked_show: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = locked_show / LOCK_FILE
    for damage in (b"{not json", b"[]", b'{"version": 99}', b"\xff\xfe", b""):
        lock.write_bytes(damage)
        feed_before = sha256_tree(locked_show / "feed")
        capsys.readouterr()
        assert run_build(locked_show) == 1
        err = capsys.readouterr().err
        assert str(lock) in err and "Traceback" not in err
        assert sha256_tree(locked_show / "feed") == feed_before
        assert lock.read_bytes() == damage


def test_lock_is_written_only_after_a_successful_publish(
    tiny_show: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tiny_show / "episodes" / "first-light" / "transcript.txt").write_text("", "utf-8")
    assert run_build(tiny_show) == 1
    assert not (tiny_show / LOCK_FILE).exists()
    assert not (tiny_show / "feed" / "feed.xml").exists()


def test_lock_problems_reports_all_at_once(tmp_path: Path) -> None:
    previous = Lock(
        "pg",
        (
            LockedEpisode("a", "ga", "u/a"),
            LockedEpisode("b", "gb", "u/b"),
            LockedEpisode("c", "gc", "u/c"),
        ),
    )
    planned = [LockedEpisode("a", "gx", "u/a"), LockedEpisode("d", "gc", "u/d")]
    errors, warnings = lock_problems(previous, "pg2", planned, (), tmp_path)
    text = "\n".join(str(e) for e in errors)
    assert len(errors) == 4, text  # podcast:guid, a changed, b missing, c renamed to d
    assert "pg2" in text and "gx" in text and "'b'" in text and "renamed to 'd'" in text
    assert warnings == []


def test_read_lock_round_trip(tmp_path: Path) -> None:
    assert read_lock(tmp_path) is None
    lock = Lock("pg", (LockedEpisode("a", "ga", "https://x/a.mp3"),))
    (tmp_path / LOCK_FILE).write_text(render_lock(lock), "utf-8")
    assert read_lock(tmp_path) == lock
    (tmp_path / LOCK_FILE).write_text('{"version": 1, "episodes": {"a": 1}}', "utf-8")
    with pytest.raises(BuildError):
        read_lock(tmp_path)


def test_multiple_errors_type() -> None:
    previous = Lock("pg", (LockedEpisode("a", "ga", "u"), LockedEpisode("b", "gb", "u")))
    errors, _ = lock_problems(previous, "pg", [], (), Path("show"))
    assert len(errors) == 2
    assert isinstance(MultipleErrors(list(errors)), MultipleErrors)
