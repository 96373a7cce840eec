"""Incremental builds (I/O): what the last build made, keyed by what it was made from.

An episode is rebuilt only when its inputs change: its folder's files (YAML and
transcripts by content, audio and images by size and modification time), the show's
configuration and artwork, the alignment switch, or podpub's version. The state lives in
``.podpub-cache/state.pickle`` beside the show; a state that cannot be read is ignored
(the build is then a full one). Outputs are reused only if they are still in feed/
exactly as the last build left them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from podpub import __version__
from podpub.model import FeedItem

STATE_FILE = "state.pickle"
FORMAT = 1
_CONTENT_SUFFIXES = (".yaml", ".yml", ".txt", ".md", ".markdown", ".srt", ".vtt", ".json", ".html")

FileStamp = tuple[int, int]  # (size, mtime_ns)


@dataclass(frozen=True)
class EpisodeState:
    key: str
    item: FeedItem
    outputs: dict[str, FileStamp]
    warnings: tuple[str, ...] = ()


@dataclass
class BuildState:
    show_key: str = ""
    feed_key: str = ""
    episodes: dict[str, EpisodeState] = field(default_factory=dict)
    extra_outputs: dict[str, FileStamp] = field(default_factory=dict)


def _stamp(path: Path) -> FileStamp | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def _code_key() -> str:
    """podpub's own code (version and source files), so a changed podpub rebuilds."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*.py")):
        st = path.stat()
        digest.update(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()


def _update_with_file(digest: Any, path: Path) -> None:
    """Hash a file in blocks: an absurdly large input must not be read into memory."""
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)


def show_key(show_file: Path, image: Path, align: bool) -> str:
    digest = hashlib.sha256(f"{_code_key()} format {FORMAT} align {align}".encode())
    _update_with_file(digest, show_file)
    digest.update(repr(_stamp(image)).encode())
    return digest.hexdigest()


def episode_key(folder: Path, base_key: str) -> str:
    """A fingerprint of everything in the episode folder (cheap: no audio is read)."""
    digest = hashlib.sha256(base_key.encode())
    if folder.is_symlink():  # links change the key, so that load sees (and refuses) them
        digest.update(b"\0link\0")
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return ""
    for entry in entries:
        if not entry.is_file():
            continue
        digest.update(entry.name.encode() + (b"\0link\0" if entry.is_symlink() else b"\0"))
        if entry.name.lower().endswith(_CONTENT_SUFFIXES):
            _update_with_file(digest, Path(entry.path))
        else:
            st = entry.stat()
            digest.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()


def outputs_intact(feed_dir: Path, outputs: dict[str, FileStamp]) -> bool:
    return all(_stamp(feed_dir / name) == stamp for name, stamp in outputs.items())


def stamps(feed_dir: Path, names: list[str]) -> dict[str, FileStamp]:
    out: dict[str, FileStamp] = {}
    for name in names:
        stamp = _stamp(feed_dir / name)
        if stamp is not None:
            out[name] = stamp
    return out


def load_state(cache_dir: Path) -> BuildState:
    path = cache_dir / STATE_FILE
    try:
        with path.open("rb") as handle:
            state = pickle.load(handle)
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
        TypeError,
        ValueError,
    ):
        return BuildState()
    return state if isinstance(state, BuildState) else BuildState()


def save_state(cache_dir: Path, state: BuildState) -> None:
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_dir / (STATE_FILE + ".tmp")
        with tmp.open("wb") as handle:
            pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache_dir / STATE_FILE)
    except OSError:
        pass  # a missing state only costs a full build next time
