"""Helpers for the safety tests (check, lock, bad inputs, kill, fuzz): a tiny show made
and built once per session, copied for every test that changes it."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DATA, make_mp3

TINY = DATA / "shows" / "tiny"
FIRST = "first-light"
FIRST_GUID = "0b7e4a52-1c3d-4e5f-8a9b-0c1d2e3f4a5b"
BASE_URL = "https://example.org/tiny/"


@pytest.fixture(scope="session", name="tiny_source")
def tiny_source_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny show with its generated audio, never built (read-only for tests)."""
    root = tmp_path_factory.mktemp("tiny-source") / "tiny"
    shutil.copytree(TINY, root)
    make_mp3(root / "episodes" / FIRST / "audio.mp3", 60.0)
    return root


@pytest.fixture(scope="session", name="tiny_built")
def tiny_built_fixture(tiny_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny show built once without alignment: feed/ and podpub.lock (read-only)."""
    from podpub.build import build

    root = tmp_path_factory.mktemp("tiny-built") / "tiny"
    shutil.copytree(tiny_source, root)
    build(root, align=False)
    return root


def copy_show(template: Path, target: Path) -> Path:
    """A private copy of a show (links kept as links)."""
    shutil.copytree(template, target, symlinks=True)
    return target


def tree_digest(root: Path, *, big_bytes: int = 50_000_000) -> dict[str, str]:
    """sha256 of every file under ``root`` (links by their target, huge files by size and
    a head/tail sample, so that sparse multi-gigabyte test files stay cheap)."""
    out: dict[str, str] = {}
    if not root.exists():
        return out
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_symlink():
            out[name] = "link:" + str(path.readlink())
        elif path.is_file():
            size = path.stat().st_size
            if size > big_bytes:
                with path.open("rb") as handle:
                    head = handle.read(1 << 16)
                    handle.seek(size - (1 << 16))
                    tail = handle.read()
                out[name] = f"big:{size}:" + hashlib.sha256(head + tail).hexdigest()
            else:
                out[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            out[name + "/"] = "dir"
    return out


# The few lines of a node script that print what podcast-partytime parses (the project
# does not depend on node: the test installs the parser into a temporary folder).
PARTYTIME_JS = """
const fs = require("fs");
const { parseFeed } = require("podcast-partytime");
const feed = parseFeed(fs.readFileSync(process.argv[2], "utf8"), { allowMissingGuid: false });
process.stdout.write(JSON.stringify(feed));
"""


@pytest.fixture(scope="session", name="partytime")
def partytime_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder holding podcast-partytime and the script; skips without node or npm."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to run podcast-partytime")
    folder = tmp_path_factory.mktemp("partytime")
    try:
        subprocess.run(
            ["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund",
             "podcast-partytime@5"],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"npm install podcast-partytime failed (no registry?): {exc}")
    (folder / "parse.js").write_text(PARTYTIME_JS, "utf-8")
    yield folder
