"""Golden files: every file podpub emits for a small show, byte for byte.

Rewrite them with `make golden` (pytest --update-golden) and review the diff like code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from podpub.audio import dump_tags
from podpub.build import build

GOLDEN = Path(__file__).resolve().parent / "golden" / "tiny"
TEXT_OUTPUTS = [
    "feed.xml",
    "first-light/chapters.json",
    "first-light/transcript.vtt",
    "first-light/transcript.srt",
    "first-light/transcript.json",
    "first-light/transcript.html",
    "first-light/transcript.txt",
    "first-light/index.html",
    "index.html",
]


@pytest.fixture
def built_tiny(tiny_show: Path) -> Path:
    build(tiny_show, align=False)
    return tiny_show / "feed"


@pytest.mark.parametrize("name", TEXT_OUTPUTS)
def test_output_matches_golden(built_tiny: Path, name: str, update_golden: bool) -> None:
    actual = (built_tiny / name).read_text("utf-8")
    golden = GOLDEN / name
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, "utf-8")
    assert golden.is_file(), f"no golden file {golden}; run make golden"
    assert actual == golden.read_text("utf-8")


def test_audio_tags_match_golden(built_tiny: Path, update_golden: bool) -> None:
    actual = dump_tags(built_tiny / "first-light" / "first-light.mp3")
    golden = GOLDEN / "first-light" / "tags.txt"
    if update_golden:
        golden.write_text(actual, "utf-8")
    assert actual == golden.read_text("utf-8")
