"""Deploy planning (pure): what feed/ holds, under which names it is served, what to send.

Every file of feed/ becomes an ``Entry``: the key it is served under, its group (the order
it is sent in), its Content-Type and Cache-Control, and the sha256 of the bytes sent.
Media (audio, by extension) are served under a content-derived name,
``SLUG/<stem>-<first 10 hex of sha256>.<ext>``: a changed episode's audio goes up beside
the old one, so a served feed.xml never states a length the file under its URL no longer
has, and the enclosure URL stays the same while the bytes do. The feed and the pages are
sent with their links to media rewritten to those names.

The target holds a manifest (``MANIFEST_KEY``): the key and digest of every file it
serves, and the keys that may be there but are not (yet) confirmed. Comparing the entries
with it tells what to send and what to delete, so a deploy that changes nothing costs
one read.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import PurePosixPath

from podpub.media import AUDIO_EXTENSIONS, FEED_FILE, content_type

MANIFEST_KEY = ".podpub-deploy.json"
MANIFEST_VERSION = 1

# the order files are sent in: everything a feed names before the feed itself
MEDIA, TRANSCRIPTS, CHAPTERS, PAGES, ARTWORK, OTHER, FEED = range(7)
GROUP_NAMES = ("media", "transcripts", "chapters", "pages", "artwork", "other", "feed")

# Cache-Control: the feed and pages change under their names (short); content-named
# media never do (a year, immutable); the rest (transcripts, chapters, artwork) keep
# their names and may change, so an hour
SHORT_CACHE = "public, max-age=300"
MEDIUM_CACHE = "public, max-age=3600"
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"

_MEDIA_SUFFIXES = {*AUDIO_EXTENSIONS, ".m4v", ".mov", ".webm", ".mkv"}
_TRANSCRIPT_SUFFIXES = {".vtt", ".srt", ".txt"}
_PAGE_SUFFIXES = {".html", ".htm", ".css", ".js"}
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif", ".ico"}
# files whose links to media are rewritten to the content-derived names
_LINKING_SUFFIXES = {".xml", ".html", ".htm", ".json"}


def group_of(name: str) -> int:
    """Which group a file of feed/ is sent in, by its name and extension alone (so new
    kinds of output need no list here)."""
    base = name.rpartition("/")[2].lower()
    stem, dot, ext = base.rpartition(".")
    suffix = dot + ext if stem else ""
    if suffix in _MEDIA_SUFFIXES:
        return MEDIA
    if suffix == ".xml" and "/" not in name:
        return FEED  # feed.xml, and any other feed at the top
    if suffix in _TRANSCRIPT_SUFFIXES or base.startswith("transcript"):
        return TRANSCRIPTS
    if suffix == ".json":
        return CHAPTERS
    if suffix in _PAGE_SUFFIXES:
        return PAGES
    if suffix in _IMAGE_SUFFIXES:
        return ARTWORK
    return OTHER


def cache_control(group: int) -> str:
    if group == MEDIA:
        return IMMUTABLE_CACHE
    if group in (FEED, PAGES):
        return SHORT_CACHE
    return MEDIUM_CACHE


def content_name(name: str, digest: str) -> str:
    """``SLUG/stem.mp3`` -> ``SLUG/stem-<first 10 hex of the sha256>.mp3``."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{digest[:10]}{path.suffix}"))


@dataclass(frozen=True)
class Entry:
    """One file to serve: where it comes from in feed/ and where it goes on the target."""

    source: str  # path relative to feed/
    key: str  # name on the target, relative to its prefix
    digest: str  # sha256 of the bytes sent
    size: int
    group: int
    body: bytes | None = None  # the bytes to send when rewritten, else the file's

    @property
    def content_type(self) -> str:
        return content_type(self.source)

    @property
    def cache_control(self) -> str:
        return cache_control(self.group)


def media_keys(digests: Mapping[str, str]) -> dict[str, str]:
    """feed/ path -> content-derived key, for every media file."""
    return {
        name: content_name(name, digest)
        for name, digest in digests.items()
        if group_of(name) == MEDIA
    }


_ATTRIBUTE = re.compile(rb"""(?P<lead>\b(?:href|src)\s*=\s*)(?P<q>["'])(?P<value>[^"'<>]*)(?P=q)""")


def rewrite_links(data: bytes, source: str, base_url: str, renamed: Mapping[str, str]) -> bytes:
    """``data`` with every link to a renamed file pointing at its new name: absolute URLs
    under ``base_url`` (also as XML/HTML escape them), and, in pages, relative links."""
    # one pass over the text whatever the number of renamed files (a show of thousands)
    for base in dict.fromkeys((base_url, escape(base_url, quote=True))):
        pattern = re.escape(base.encode()) + rb"""([^\s"'<>?#]+)"""

        def absolute(match: re.Match[bytes], base: str = base) -> bytes:
            new = renamed.get(match.group(1).decode("utf-8", "replace"))
            return match.group(0) if new is None else (base + new).encode()

        data = re.sub(pattern, absolute, data)
    if not source.lower().endswith((".html", ".htm")):
        return data
    folder = posixpath.dirname(source)

    def relative(match: re.Match[bytes]) -> bytes:
        value = match.group("value").decode("utf-8", "replace")
        if "://" in value or value.startswith(("/", "#", "mailto:", "data:")):
            return match.group(0)
        path, sep, rest = value.partition("?") if "?" in value else value.partition("#")
        target = posixpath.normpath(posixpath.join(folder, path))
        if target not in renamed:
            return match.group(0)
        new = posixpath.relpath(renamed[target], folder or ".") + sep + rest
        q = match.group("q")
        return match.group("lead") + q + new.encode() + q

    return _ATTRIBUTE.sub(relative, data)


@dataclass(frozen=True)
class Manifest:
    """What the target serves: key -> sha256, and keys that may be there unconfirmed
    (an upload that started, a file left by ``--no-delete``)."""

    files: Mapping[str, str] = field(default_factory=dict)
    pending: frozenset[str] = frozenset()

    def render(self) -> bytes:
        data = {
            "version": MANIFEST_VERSION,
            "files": dict(sorted(self.files.items())),
            "pending": sorted(self.pending),
        }
        return (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8")

    @classmethod
    def parse(cls, data: bytes | None) -> Manifest:
        """The manifest read from the target; none (or an unreadable one) is empty, so
        every file is sent again, which is safe."""
        if data is None:
            return cls()
        try:
            raw = json.loads(data)
            files = {str(k): str(v) for k, v in dict(raw["files"]).items()}
            pending = frozenset(str(k) for k in raw.get("pending", []))
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls()
        return cls(files, pending)

    def with_sent(self, entries: Iterable[Entry]) -> Manifest:
        """Files confirmed on the target with these digests."""
        sent = {e.key: e.digest for e in entries}
        return Manifest({**self.files, **sent}, self.pending - set(sent))


@dataclass(frozen=True)
class Changes:
    """What one deploy does: files to send (in order) and keys to delete afterwards."""

    send: tuple[Entry, ...]
    stale: tuple[str, ...]
    before: Manifest  # written before sending: unconfirmed keys marked pending
    after: Manifest  # written last: what the target serves now

    @property
    def feed_changed(self) -> bool:
        return any(e.key == FEED_FILE for e in self.send)


def plan_changes(entries: Iterable[Entry], remote: Manifest, delete: bool) -> Changes:
    """Compare the entries with the target's manifest."""
    wanted = {e.key: e for e in entries}
    send = tuple(
        sorted(
            (e for e in wanted.values() if remote.files.get(e.key) != e.digest),
            key=lambda e: (e.group, e.key),
        )
    )
    stale = tuple(sorted((set(remote.files) | remote.pending) - set(wanted)))
    sending = {e.key for e in send}
    before = Manifest(
        {k: v for k, v in remote.files.items() if k not in sending},
        remote.pending | sending,
    )
    after = Manifest(
        {k: e.digest for k, e in wanted.items()},
        frozenset() if delete else frozenset(stale),
    )
    return Changes(send, stale if delete else (), before, after)


def with_body(entry: Entry, body: bytes, digest: str) -> Entry:
    return replace(entry, body=body, digest=digest, size=len(body))
