"""Say when unsure: a reading the transcript reader guessed is listed by `podpub inspect`
and `podpub check` (PP012) with its line and how to settle it in episode.yaml; settling
it (``not_chapters:``) takes the guess away."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from showkit import FIRST, copy_show, tiny_built_fixture, tiny_source_fixture  # noqa: F401

from podpub.cli import main

TRANSCRIPT = Path("episodes") / FIRST / "transcript.txt"
EPISODE_YAML = Path("episodes") / FIRST / "episode.yaml"


def _with_page_heading(root: Path) -> int:
    """The tiny transcript with a one-word page heading above its last paragraph; the
    heading's line number."""
    lines = (root / TRANSCRIPT).read_text("utf-8").splitlines()
    at = next(k for k, line in enumerate(lines) if line.startswith("A faint galaxy"))
    lines[at:at] = ["Disclaimer", ""]
    (root / TRANSCRIPT).write_text("\n".join(lines) + "\n", "utf-8")
    return at + 1


def test_a_guessed_heading_is_listed_and_settled(
    tiny_built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_show(tiny_built, tmp_path / "show")
    line = _with_page_heading(root)
    capsys.readouterr()
    assert main(["inspect", str(root / "episodes" / FIRST), "--no-align"]) == 0
    out = capsys.readouterr().out
    assert "read as: plain" in out
    assert f"line {line}: 'Disclaimer' is taken for a chapter heading" in out
    assert "not_chapters:" in out
    main(["check", "--root", str(root), "--no-align", "--format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    unsure = [f for f in findings if f["rule"] == "PP012"]
    assert [(f["line"], f["severity"]) for f in unsure] == [(line, "warning")]
    assert unsure[0]["path"].endswith("transcript.txt")
    # settled: the heading is no chapter any more, and nothing is unsure
    with (root / EPISODE_YAML).open("a", encoding="utf-8") as handle:
        handle.write("not_chapters: [Disclaimer]\n")
    assert main(["inspect", str(root / "episodes" / FIRST), "--no-align", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert "Disclaimer" not in [c["title"] for c in record["chapters"]]
    assert record["unsure"] == []
    assert any(s["reason"] == "not-a-chapter" for s in record["set_aside"])
    main(["check", "--root", str(root), "--no-align", "--format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert not [f for f in findings if f["rule"] == "PP012"]


def test_not_chapters_naming_no_heading_is_a_warning(
    tiny_built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_show(tiny_built, tmp_path / "show")
    with (root / EPISODE_YAML).open("a", encoding="utf-8") as handle:
        handle.write("not_chapters: [No Such Heading]\n")
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--no-align"]) == 0
    assert "not_chapters: no heading 'No Such Heading'" in capsys.readouterr().err


def test_not_chapters_must_be_a_list_of_text(
    tiny_built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_show(tiny_built, tmp_path / "show")
    with (root / EPISODE_YAML).open("a", encoding="utf-8") as handle:
        handle.write("not_chapters: {a: b}\n")
    capsys.readouterr()
    assert main(["-q", "build", "--root", str(root), "--no-align"]) == 1
    err = capsys.readouterr().err
    assert "episode.yaml" in err and "not_chapters" in err and "Traceback" not in err


def test_a_label_left_out_is_an_unsure_reading(tmp_path: Path) -> None:
    from podpub.transcripts import read_transcript

    path = tmp_path / "transcript.txt"
    path.write_text(
        "Maya: Welcome back to the show.\n\nJonas: Good to be here.\n\n"
        "Sponsor: This part is an ad read.\n\nMaya: And we are back.\n",
        "utf-8",
    )
    t = read_transcript(path)
    assert t.speakers == ("Maya", "Jonas")
    assert [(g.line, "speakers:" in g.settle) for g in t.guesses] == [(5, True)]
    assert "speaker labels" in t.layout
