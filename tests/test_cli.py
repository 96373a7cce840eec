"""The command line: exit codes, messages with file and line, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from podpub.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "podpub", *args], capture_output=True, text=True, check=False
    )


def test_build_and_inspect_json(tiny_show: Path) -> None:
    result = run("build", "--root", str(tiny_show), "--no-align")
    assert result.returncode == 0, result.stderr
    assert (tiny_show / "feed" / "feed.xml").is_file()
    result = run("inspect", str(tiny_show / "episodes" / "first-light"), "--json", "--no-align")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert [c["title"] for c in record["chapters"]] == [
        "Introduction",
        "Building the Mirror",
        "The Night Itself",
    ]
    assert {c["source"] for c in record["chapters"]} == {"estimated"}
    assert record["transcript"]["speakers"] == ["Ada Host", "Ben Guest"]
    reasons = {(s["line"], s["reason"]) for s in record["set_aside"]}
    assert (13, "caption") in reasons and (21, "caption") in reasons
    assert "footer" in {r for _, r in reasons}


def test_inspect_text_lists_sources_and_set_aside(tiny_show: Path) -> None:
    result = run("inspect", str(tiny_show / "episodes" / "first-light"), "--no-align")
    assert result.returncode == 0, result.stderr
    assert "[estimated]" in result.stdout
    assert "caption: Ben Guest" in result.stdout


def test_bad_yaml_names_file_and_line(tiny_show: Path) -> None:
    (tiny_show / "podcast.yaml").write_text("title: x\ndescription: [unclosed\nauthor: y\n")
    result = run("build", "--root", str(tiny_show))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{tiny_show / 'podcast.yaml'}:" in result.stderr
    assert "invalid YAML" in result.stderr


def test_all_problems_in_a_file_reported_at_once(tiny_show: Path) -> None:
    path = tiny_show / "podcast.yaml"
    text = path.read_text().replace(
        'categories: ["Technology", "Science/Physics"]',
        'categories: ["Technology", "Science/Cooking"]',
    )
    text = text.replace("explicit: false", "explicit: maybe")
    path.write_text(text)
    result = run("build", "--root", str(tiny_show))
    assert result.returncode == 1
    lines = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert any("'Cooking' is not a subcategory of 'Science'" in x and ":6:" in x for x in lines)
    assert any("'explicit' must be true or false" in x and ":7:" in x for x in lines)


def test_missing_show_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "episodes").mkdir()
    assert main(["build", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"error: {tmp_path / 'podcast.yaml'}: file not found" in err


def test_missing_guid_and_naive_date(tiny_show: Path, capsys: pytest.CaptureFixture[str]) -> None:
    episode = tiny_show / "episodes" / "first-light" / "episode.yaml"
    text = episode.read_text().replace("+01:00", "")
    text = "\n".join(x for x in text.splitlines() if not x.startswith("guid:"))
    episode.write_text(text)
    assert main(["build", "--root", str(tiny_show), "--no-align"]) == 1
    err = capsys.readouterr().err
    assert "'published' needs a time zone" in err and f"{episode}:1:" in err
    assert "'guid' is required" in err


def test_new_scaffolds_episode_with_fresh_guid(tmp_path: Path) -> None:
    result = run("new", "second-light", "--root", str(tmp_path))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "episodes" / "second-light" / "episode.yaml").read_text()
    guid = next(x.split()[1] for x in text.splitlines() if x.startswith("guid:"))
    assert uuid.UUID(guid).version == 4
    again = run("new", "second-light", "--root", str(tmp_path))
    assert again.returncode == 1 and "already exists" in again.stderr
    bad = run("new", "Bad Slug", "--root", str(tmp_path))
    assert bad.returncode == 1 and "not a valid slug" in bad.stderr


def test_new_episode_builds_once_files_are_added(tiny_show: Path) -> None:
    assert run("new", "second-light", "--root", str(tiny_show)).returncode == 0
    folder = tiny_show / "episodes" / "second-light"
    (folder / "transcript.txt").write_text("Second Light\n\nA short spoken paragraph here.\n")
    with (folder / "episode.yaml").open("a") as handle:
        handle.write("number: 4\n")  # the tiny show is serial: Apple needs episode numbers
    from conftest import make_mp3

    make_mp3(folder / "audio.mp3", 5.0)
    result = run("build", "--root", str(tiny_show), "--no-align")
    assert result.returncode == 0, result.stderr
    assert (tiny_show / "feed" / "second-light" / "second-light.mp3").is_file()
