"""Shared fixtures: generated audio, copies of shows in tmp_path, golden-file switch."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
BUNDLED_SLUG = "advocate-mu-sochua"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def make_mp3(
    path: Path, seconds: float, *, lead_silence: float = 1.0, freq: int = 330, bitrate: str = "32k"
) -> Path:
    """A small deterministic MP3: silence, then a tone (stands in for speech)."""
    filters = (
        f"anullsrc=r=22050:cl=mono:d={lead_silence}[a];"
        f"sine=f={freq}:r=22050:d={seconds - lead_silence}[b];[a][b]concat=n=2:v=0:a=1"
    )
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-filter_complex",
            filters,
            "-ac",
            "1",
            "-b:a",
            bitrate,
            "-map_metadata",
            "-1",
            "-fflags",
            "+bitexact",
            "-flags:a",
            "+bitexact",
            str(path),
        ],
        check=True,
    )
    return path


def sha256_tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def tiny_show(tmp_path: Path) -> Path:
    """A copy of tests/data/shows/tiny with generated audio."""
    root = tmp_path / "tiny"
    shutil.copytree(DATA / "shows" / "tiny", root)
    make_mp3(root / "episodes" / "first-light" / "audio.mp3", 60.0)
    return root


def copy_bundled_show(target: Path) -> Path:
    """The repository's own show, copied, with a freshly synthesised narration."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "podcast.yaml", target / "podcast.yaml")
    shutil.copy(REPO / "artwork.png", target / "artwork.png")
    # the narration is always made afresh here, with its truth file (audio.truth.json)
    shutil.copytree(
        REPO / "episodes",
        target / "episodes",
        ignore=shutil.ignore_patterns("*.part", "*.mp3", "*.truth.json"),
    )
    # the intro and outro podcast.yaml names, synthesised as make audio does
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_jingles.py"), str(target)],
        check=True,
        capture_output=True,
    )
    missing = [
        str(e)
        for e in sorted((target / "episodes").iterdir())
        if e.is_dir() and not (e / "audio.mp3").exists()
    ]
    if missing:
        subprocess.run(
            [sys.executable, str(REPO / "scripts" / "synthesize_narration.py"), *missing],
            check=True,
            capture_output=True,
        )
    return target


@pytest.fixture(scope="session")
def bundled_show(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bundled show, built once per session (read-only for tests)."""
    from podpub.build import build

    root = copy_bundled_show(tmp_path_factory.mktemp("bundled") / "show")
    build(root)
    yield root
