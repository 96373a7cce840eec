"""Incremental builds (I/O): what the last build made, keyed by what it was made from.

An episode is rebuilt only when its inputs change: its folder's files (YAML and
transcripts by content, audio and images by size and modification time), the show's
configuration and artwork, the alignment switch, or podpub's version. The state lives in
``.podpub-cache/state.json`` beside the show, each episode's feed item in
``.podpub-cache/items/``; plain JSON, so a planted cache file can at worst cost a
rebuild, never run code. A state that cannot be read is ignored (the build is then a
full one). Outputs are reused only if they are still in feed/
exactly as the last build left them.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from podpub import __version__
from podpub.media import TRANSCRIPT_EXTENSIONS, hash_file_into
from podpub.model import (
    AlternateEnclosure,
    Chapter,
    ChapterExtras,
    ChapterLocation,
    FeedItem,
    NamespaceTag,
    Person,
)

STATE_FILE = "state.json"
ITEMS_DIR = "items"
FORMAT = 3
_CONTENT_SUFFIXES = (".yaml", ".yml", *TRANSCRIPT_EXTENSIONS)  # hashed by content

FileStamp = tuple[int, int]  # (size, mtime_ns)


@dataclass(frozen=True)
class EpisodeState:
    """What the last build made of one episode; the episode's FeedItem is kept on disk
    (``ItemStore``), so that memory does not grow with the number of episodes."""

    key: str
    guid: str
    published: datetime
    audio_url: str
    outputs: dict[str, FileStamp]
    warnings: tuple[str, ...] = ()


@dataclass
class BuildState:
    show_key: str = ""
    feed_key: str = ""
    episodes: dict[str, EpisodeState] = field(default_factory=dict)
    extra_outputs: dict[str, FileStamp] = field(default_factory=dict)
    format: int = FORMAT


class ItemStore:
    """One FeedItem (as JSON) per built episode, named by slug and input key."""

    def __init__(self, cache_dir: Path) -> None:
        self.folder = cache_dir / ITEMS_DIR

    def _path(self, slug: str, key: str) -> Path:
        return self.folder / f"{slug}.{key[:24]}.json"

    def save(self, item: FeedItem, key: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(item.slug, key)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(item_to_json(item), ensure_ascii=False), "utf-8")
        os.replace(tmp, path)

    def has(self, slug: str, key: str) -> bool:
        return self._path(slug, key).is_file()

    def load(self, slug: str, key: str) -> FeedItem | None:
        try:
            return item_from_json(json.loads(self._path(slug, key).read_text("utf-8")))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def prune(self, keep: dict[str, str]) -> None:
        """Remove items no episode of the current build uses."""
        wanted = {self._path(slug, key).name for slug, key in keep.items()}
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.name not in wanted:
                    path.unlink(missing_ok=True)


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
    templates = sorted((package / "site" / "templates").glob("*"))
    for path in [*sorted(package.rglob("*.py")), *templates]:
        st = path.stat()
        digest.update(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()


def show_key(
    show_file: Path,
    image: Path,
    mode: str,
    templates: Sequence[Path] = (),
    pieces: tuple[Path, ...] = (),
) -> str:
    """``mode`` names the build options that change outputs (alignment on/off, repair);
    ``templates`` are the show's own page templates (by content); ``pieces`` are the
    show's intro and outro (by size and time, like the artwork)."""
    digest = hashlib.sha256(f"{_code_key()} format {FORMAT} mode {mode}".encode())
    hash_file_into(digest, show_file)
    digest.update(repr(_stamp(image)).encode())
    for path in templates:
        digest.update(f"\0{path.name}\0".encode())
        hash_file_into(digest, path)
    for piece in pieces:
        digest.update(repr(_stamp(piece)).encode())
    return digest.hexdigest()


def episode_key(folder: Path, base_key: str, pieces: Sequence[Path] = ()) -> str:
    """A fingerprint of everything in the episode folder and its subfolders, and of the
    ``pieces`` (an intro or outro of its own) outside it (cheap: no audio is read)."""
    digest = hashlib.sha256(f"{base_key}:{folder.name}".encode())
    for piece in pieces:
        digest.update(repr(_stamp(piece)).encode())
    if folder.is_symlink():  # links change the key, so that load sees (and refuses) them
        digest.update(b"\0link\0")
    try:
        for parent, dirs, files in os.walk(folder):
            dirs.sort()
            base = Path(parent)
            for name in sorted(files):
                path = base / name
                relative = path.relative_to(folder).as_posix()
                digest.update(relative.encode() + (b"\0link\0" if path.is_symlink() else b"\0"))
                if name.lower().endswith(_CONTENT_SUFFIXES):
                    hash_file_into(digest, path)
                else:
                    st = path.stat()
                    digest.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
            for name in dirs:
                if (base / name).is_symlink():  # os.walk does not enter links: key them
                    digest.update(f"{(base / name).relative_to(folder)}\0dirlink\0".encode())
    except OSError:
        return ""
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


def item_to_json(item: FeedItem) -> dict[str, Any]:
    data = asdict(item)
    data["published"] = item.published.isoformat()
    for chapter in data["chapters"]:
        chapter["extras"]["img_file"] = None  # published by now: its URL is in img
    return data


def item_from_json(data: dict[str, Any]) -> FeedItem:
    fields = dict(data)
    fields["published"] = datetime.fromisoformat(data["published"])
    fields["persons"] = tuple(Person(**p) for p in data["persons"])
    fields["chapters"] = tuple(_chapter_from_json(c) for c in data["chapters"])
    fields["file_urls"] = tuple((str(a), str(b)) for a, b in data["file_urls"])
    fields["extra_transcripts"] = tuple(
        (str(a), str(b), str(c)) for a, b, c in data["extra_transcripts"]
    )
    fields["tags"] = tuple(_tag_from_json(t) for t in data.get("tags", ()))
    fields["alternates"] = tuple(AlternateEnclosure(**a) for a in data.get("alternates", ()))
    return FeedItem(**fields)


def _chapter_from_json(data: dict[str, Any]) -> Chapter:
    """A feed item's chapter (its image already published: no file, only its URL)."""
    extras = dict(data.get("extras") or {})
    location = extras.pop("location", None)
    extras.pop("img_file", None)
    return Chapter(
        **{**data, "extras": ChapterExtras(
            **extras, location=ChapterLocation(**location) if location else None
        )}
    )  # fmt: skip


def _tag_from_json(data: dict[str, Any]) -> NamespaceTag:
    return NamespaceTag(
        name=str(data["name"]),
        attrs=tuple((str(a), str(b)) for a, b in data["attrs"]),
        text=None if data["text"] is None else str(data["text"]),
        children=tuple(_tag_from_json(c) for c in data["children"]),
    )


def load_state(cache_dir: Path) -> BuildState:
    try:
        data = json.loads((cache_dir / STATE_FILE).read_text("utf-8"))
        if data.get("format") != FORMAT:
            return BuildState()
        return BuildState(
            show_key=str(data["show_key"]),
            feed_key=str(data["feed_key"]),
            episodes={
                slug: EpisodeState(
                    key=str(e["key"]),
                    guid=str(e["guid"]),
                    published=datetime.fromisoformat(e["published"]),
                    audio_url=str(e["audio_url"]),
                    outputs={n: (int(a), int(b)) for n, (a, b) in e["outputs"].items()},
                    warnings=tuple(str(w) for w in e["warnings"]),
                )
                for slug, e in data["episodes"].items()
            },
            extra_outputs={n: (int(a), int(b)) for n, (a, b) in data["extra_outputs"].items()},
        )
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return BuildState()


def save_state(cache_dir: Path, state: BuildState) -> None:
    data = {
        "format": FORMAT,
        "show_key": state.show_key,
        "feed_key": state.feed_key,
        "episodes": {
            slug: {
                "key": e.key,
                "guid": e.guid,
                "published": e.published.isoformat(),
                "audio_url": e.audio_url,
                "outputs": e.outputs,
                "warnings": list(e.warnings),
            }
            for slug, e in sorted(state.episodes.items())
        },
        "extra_outputs": state.extra_outputs,
    }
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_dir / (STATE_FILE + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        os.replace(tmp, cache_dir / STATE_FILE)
    except OSError:
        pass  # a missing state only costs a full build next time
