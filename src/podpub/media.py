"""Facts about the files podpub reads and writes (pure): each defined once.

Media types by extension, the feed's namespaces and file name, the podcast:guid
namespace, the size past which a text or an image is a mistake rather than a choice.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from pathlib import Path
from typing import Any

# where a show's outputs go, beside podcast.yaml and episodes/
FEED_DIR = "feed"
CACHE_DIR = ".podpub-cache"
FEED_FILE = "feed.xml"

# XML namespaces of the feed
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
PSC_NS = "http://podlove.org/simple-chapters"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
ATOM_NS = "http://www.w3.org/2005/Atom"

# audio podpub publishes, by extension (what an enclosure's type says)
AUDIO_EXTENSIONS = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/x-m4a",
    ".mp4": "audio/mp4",
    ".aac": "audio/aac",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
}
# masters an episode folder may hold besides published audio: encoded before publishing
MASTER_EXTENSIONS = (
    ".aiff", ".aif", ".aifc", ".caf", ".w64", ".rf64", ".wv", ".ape", ".tta", ".alac",
    ".wma", ".mka", ".webm", ".mp2", ".ac3", ".au", ".amr",
)  # fmt: skip
# transcript files an episode folder may hold (as transcript.<ext>), and their media types
TRANSCRIPT_TYPES = {
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".json": "application/json",
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
    ".md": "text/plain",
    ".markdown": "text/plain",
}
TRANSCRIPT_EXTENSIONS = tuple(TRANSCRIPT_TYPES)
# the transcript types apps show as captions (podcast:transcript rel="captions")
CAPTION_TYPES = ("text/vtt", "application/x-subrip")
CHAPTERS_TYPE = "application/json+chapters"

# what podpub serves and deploys each published file as, by extension (podpub serve and
# podpub deploy share it; transcripts and chapters keep the types the feed states)
CONTENT_TYPES = {
    **AUDIO_EXTENSIONS,
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/rss+xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}


def content_type(name: str) -> str:
    """The Content-Type for a published file, by its extension (octet-stream if unknown)."""
    return CONTENT_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


# a YAML text this long is a file pasted by mistake (no directory limit: check warns)
MAX_TEXT_CHARS = 100_000
# artwork: Apple's limit (a check warning), and the size past which it is a wrong file
ARTWORK_APPLE_MAX_BYTES = 10_000_000
ARTWORK_MAX_BYTES = 100_000_000

# podcast:guid is the UUIDv5 of the feed URL in this namespace (podcast namespace, guid.md)
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def podcast_guid_for(feed_url: str) -> str:
    """podcast:guid: UUIDv5 of the feed URL without scheme and trailing slashes."""
    seed = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", feed_url).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, seed))


def is_png(data: bytes) -> bool:
    """PNG's signature (else podpub's artwork is JPEG: the only two it accepts)."""
    return data.startswith(b"\x89PNG\r\n\x1a\n")


MP4_SIGNATURE = b"ftyp"  # at offset 4 of an MP4/M4A file
OGG_SIGNATURE = b"OggS"


def starts_with(path: Path, signature: bytes, offset: int = 0) -> bool:
    """Whether a file holds ``signature`` at ``offset`` (its container, whatever its name)."""
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            return handle.read(len(signature)) == signature
    except OSError:
        return False


def hash_file_into(digest: Any, path: Path) -> None:
    """Feed a file's bytes to ``digest`` a megabyte at a time: a huge input is never read
    into memory whole."""
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes."""
    digest = hashlib.sha256()
    hash_file_into(digest, path)
    return digest.hexdigest()
