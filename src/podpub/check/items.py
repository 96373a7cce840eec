"""Episode rules (PP200-PP217, PP302, PP303): title, guid, enclosure (its attributes, its
type and the file it names), pubDate, duration, numbering and podcast:transcript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from podpub.audio import read_facts
from podpub.check.artwork import check_artwork
from podpub.check.channel import check_explicit, check_texts
from podpub.check.context import FeedContext
from podpub.errors import AudioError
from podpub.media import ITUNES_NS, PODCAST_NS, TRANSCRIPT_TYPES

APPLE_ENCLOSURE_TYPES = (
    "audio/x-m4a",
    "audio/mpeg",
    "video/quicktime",
    "video/mp4",
    "video/x-m4v",
    "application/pdf",
)
# what the first bytes say a media file is, by enclosure type and by file extension
_TYPE_FAMILY = {
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/x-m4a": "mp4",
    "audio/m4a": "mp4",
    "audio/mp4": "mp4",
    "video/mp4": "mp4",
    "video/x-m4v": "mp4",
    "video/m4v": "mp4",
    "video/quicktime": "mp4",
    "audio/ogg": "ogg",
    "audio/opus": "ogg",
    "audio/flac": "flac",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/aac": "aac",
    "application/pdf": "pdf",
}
_EXTENSION_FAMILY = {
    ".mp3": "mp3",
    ".m4a": "mp4",
    ".mp4": "mp4",
    ".m4v": "mp4",
    ".mov": "mp4",
    ".ogg": "ogg",
    ".opus": "ogg",
    ".flac": "flac",
    ".wav": "wav",
    ".aac": "aac",
    ".pdf": "pdf",
}
_MIME = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")
# W3C feedvalidator's RFC 2822 date: [Day, ]D Mon YYYY HH:MM[:SS] zone, 4-digit year
_RFC2822 = re.compile(
    r"^(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) "
    r"(\d{2}):(\d{2})(?::(\d{2}))? ([+-]\d{4}|GMT|UT|UTC|[ECMP][SD]T|[A-IK-Z])$"
)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def sniff_media(head: bytes) -> str | None:
    """The container family the first bytes show: mp3, mp4, ogg, flac, wav, aac, pdf."""
    if head.startswith(b"ID3"):
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "aac" if head[1] & 0x06 == 0 else "mp3"  # ADTS has layer bits 00
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"%PDF"):
        return "pdf"
    return None


def read_head(path: Path, size: int = 64) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def safe_head(path: Path) -> bytes:
    try:
        return read_head(path)
    except OSError:
        return b""


def check_item(
    ctx: FeedContext, item: Any, channel: Any, guids: dict[str, Any]
) -> tuple[str, int | None]:
    """An episode's rules but its chapters'; its name in messages and the audio's
    duration in ms when it can be read (what the chapter rules need)."""
    it = f"{{{ITUNES_NS}}}"
    title_el = item.find("title")
    title = (title_el.text or "").strip() if title_el is not None else ""
    name = f"episode {title!r}" if title else "an episode"
    where = "the episode's episode.yaml"
    if not title:
        ctx.add("PP200", "episode has no <title>", f"set 'title' in {where}", element=item)
    check_texts(ctx, item, where)
    check_explicit(ctx, item, f"'explicit' in {where}")
    guid = check_guid(ctx, item, name, guids)
    where = f"the episode.yaml with guid {guid}" if guid else where
    duration_ms = check_enclosure(ctx, item, name, where)
    check_pub_date(ctx, item, name, where)
    _check_duration(ctx, item, name, duration_ms)
    _check_numbering(ctx, item, channel, name, where)
    image = item.find(f"{it}image")
    if image is not None and image.get("href"):
        check_artwork(ctx, image, image.get("href") or "", f"'image' in {where}")
    for transcript in item.findall(f"{{{PODCAST_NS}}}transcript"):
        check_transcript(ctx, transcript, name)
    return name, duration_ms


def _check_duration(ctx: FeedContext, item: Any, name: str, duration_ms: int | None) -> None:
    duration = item.find(f"{{{ITUNES_NS}}}duration")
    if duration is None:
        ctx.add("PP216", f"{name} has no <itunes:duration>", "rebuild", element=item)
        return
    text = (duration.text or "").strip()
    if not re.fullmatch(r"\d+", text):
        ctx.add(
            "PP206",
            f"itunes:duration {text!r} of {name} is not whole seconds",
            "write the duration as integer seconds, e.g. 1801",
            element=duration,
        )
    elif duration_ms is not None and abs(int(text) * 1000 - duration_ms) > 1000:
        ctx.add(
            "PP206",
            f"itunes:duration {text} of {name} does not match the audio "
            f"({duration_ms / 1000:.1f} s)",
            "rebuild",
            element=duration,
        )


def _check_numbering(ctx: FeedContext, item: Any, channel: Any, name: str, where: str) -> None:
    """itunes:episode, season and episodeType; a serial show's episodes numbered."""
    it = f"{{{ITUNES_NS}}}"
    for tag in ("episode", "season"):
        element = item.find(f"{it}{tag}")
        if element is not None and not re.fullmatch(r"[1-9]\d*", (element.text or "")):
            ctx.add(
                "PP213",
                f"itunes:{tag} {element.text!r} of {name} is not a positive whole number",
                f"set '{'number' if tag == 'episode' else 'season'}' in {where}",
                element=element,
            )
    episode_type = item.find(f"{it}episodeType")
    if episode_type is not None and episode_type.text not in ("full", "trailer", "bonus"):
        ctx.add(
            "PP213",
            f"itunes:episodeType {episode_type.text!r} is not full, trailer or bonus",
            f"set 'episode_type' in {where}",
            element=episode_type,
        )
    show_type = channel.find(f"{it}type")
    if show_type is not None and show_type.text == "serial" and item.find(f"{it}episode") is None:
        ctx.add(
            "PP217",
            f"{name} has no itunes:episode, which Apple requires in a serial show",
            f"set 'number' in {where}",
            element=item,
        )


def check_guid(ctx: FeedContext, item: Any, name: str, guids: dict[str, Any]) -> str | None:
    element = item.find("guid")
    if element is None or not (element.text or "").strip():
        ctx.add(
            "PP209",
            f"{name} has no <guid>",
            "add 'guid: <uuid>' to its episode.yaml (podpub new makes one)",
            element=item,
        )
        return None
    value = (element.text or "").strip()
    if value in guids:
        ctx.add(
            "PP210",
            f"guid {value} of {name} is also used by another episode (line "
            f"{guids[value].sourceline})",
            "give one of them a new guid if it is not published yet",
            element=element,
        )
    guids[value] = element
    permalink = element.get("isPermaLink")
    if permalink is not None and permalink not in ("true", "false"):
        ctx.add(
            "PP211",
            f"isPermaLink is {permalink!r}, not true or false",
            "rebuild",
            element=element,
        )
    elif permalink != "false" and not re.match(r"^https?://", value):
        ctx.add(
            "PP211",
            f'guid {value!r} is not a URL, so it needs isPermaLink="false" (RSS 2.0: '
            "the default is true)",
            "rebuild with podpub",
            element=element,
        )
    if permalink == "false" and re.fullmatch(r"\d{1,8}", value):
        ctx.add(
            "PP212",
            f"guid {value!r} is too short to be unique across apps",
            "use a UUID (podpub new makes one) for episodes not yet published",
            element=element,
        )
    return value


@dataclass(frozen=True)
class _Enclosure:
    """An item's one <enclosure> with the three attributes it needs."""

    element: Any
    url: str
    length: str
    mime: str

    @property
    def family(self) -> str | None:
        """The media family its type names (None: a type podpub does not know)."""
        return _TYPE_FAMILY.get(self.mime)


def check_enclosure(ctx: FeedContext, item: Any, name: str, where: str) -> int | None:
    """Enclosure rules; the audio's duration in ms when it can be read."""
    enclosure = _the_enclosure(ctx, item, name)
    if enclosure is None:
        return None
    _check_enclosure_type(ctx, enclosure, name, where)
    return _check_enclosure_file(ctx, enclosure, name, where)


def _the_enclosure(ctx: FeedContext, item: Any, name: str) -> _Enclosure | None:
    """The first <enclosure> (one is required), if it has url, length and type."""
    enclosures = item.findall("enclosure")
    if len(enclosures) != 1:
        ctx.add(
            "PP201",
            f"{name} has {len(enclosures)} <enclosure> elements, not one",
            "give the episode one audio file",
            element=item,
        )
        if not enclosures:
            return None
    element = enclosures[0]
    url, length, mime = element.get("url"), element.get("length"), element.get("type")
    missing = [k for k, v in (("url", url), ("length", length), ("type", mime)) if not v]
    if missing:
        ctx.add(
            "PP201",
            f"enclosure of {name} lacks {', '.join(missing)}",
            "rebuild",
            element=element,
        )
        return None
    assert url is not None and length is not None and mime is not None
    return _Enclosure(element, url, length, mime)


def _check_enclosure_type(ctx: FeedContext, enclosure: _Enclosure, name: str, where: str) -> None:
    """What the attributes alone say: https, a MIME type matching the file name, one
    Apple lists, a byte count."""
    element, url, length, mime = enclosure.element, enclosure.url, enclosure.length, enclosure.mime
    if url.startswith("http://"):
        ctx.add(
            "PP214",
            f"enclosure URL {url} is not https",
            "serve feed/ over https",
            element=element,
        )
    if not _MIME.match(mime):
        ctx.add("PP202", f"enclosure type {mime!r} is not a MIME type", "rebuild", element=element)
    extension = Path(urlsplit(url).path).suffix.lower()
    expected_family = enclosure.family
    if (
        expected_family
        and extension in _EXTENSION_FAMILY
        and _EXTENSION_FAMILY[extension] != expected_family
    ):
        ctx.add(
            "PP202",
            f"enclosure type {mime} does not match the file extension {extension}",
            f"give the audio file in {where} its real extension",
            element=element,
        )
    if mime not in APPLE_ENCLOSURE_TYPES:
        ctx.add(
            "PP203",
            f"enclosure type {mime} of {name} is not one Apple Podcasts lists",
            "publish MP3 (audio/mpeg) or M4A (audio/x-m4a)",
            element=element,
        )
    if not re.fullmatch(r"\d+", length):
        ctx.add(
            "PP204",
            f"enclosure length {length!r} is not a byte count",
            "rebuild",
            element=element,
        )


def _check_enclosure_file(
    ctx: FeedContext, enclosure: _Enclosure, name: str, where: str
) -> int | None:
    """The file in feed/ the enclosure names: its size, its content's type, its duration
    (in ms, returned when it can be read; files kept from an earlier build are not read)."""
    element, length, mime = enclosure.element, enclosure.length, enclosure.mime
    relative = ctx.local(enclosure.url)
    if relative is None or relative not in ctx.files:
        return None  # external, or reported by PP205
    path = ctx.files[relative]
    try:
        size = path.stat().st_size
        head = read_head(path)
    except OSError as exc:
        ctx.add("PP205", f"cannot read {relative}: {exc.strerror}", "rebuild", element=element)
        return None
    if re.fullmatch(r"\d+", length) and int(length) != size:
        ctx.add(
            "PP204",
            f"enclosure length {length} of {name} is not the size of {relative} ({size} bytes)",
            "rebuild with podpub build",
            element=element,
        )
    if relative in ctx.trusted:
        return None
    family = sniff_media(head)
    if enclosure.family and family != enclosure.family:
        ctx.add(
            "PP202",
            f"{relative} is {family.upper() if family else 'not a known media file'} "
            f"but the enclosure says {mime}",
            f"export the audio named in {where} in the format its name says",
            element=element,
            path=ctx.label(relative),
        )
        return None
    try:
        return read_facts(path).duration_ms
    except AudioError as exc:
        ctx.add(
            "PP202",
            f"the enclosure of {name} cannot be read as audio: {exc.message}",
            exc.hint or f"export the audio named in {where} again",
            element=element,
        )
        return None


def check_pub_date(ctx: FeedContext, item: Any, name: str, where: str) -> None:
    element = item.find("pubDate")
    if element is None:
        ctx.add("PP216", f"{name} has no <pubDate>", f"set 'published' in {where}", element=item)
        return
    text = (element.text or "").strip()
    match = _RFC2822.match(text)
    try:
        moment = parsedate_to_datetime(text) if match else None
    except (TypeError, ValueError):
        moment = None
    if match is None or moment is None:
        ctx.add(
            "PP207",
            f"pubDate {text!r} of {name} is not an RFC 2822 date",
            "write it like 'Tue, 05 Mar 2024 18:30:00 +0100'",
            element=element,
        )
        return
    if match.group(1) and match.group(1) != _WEEKDAYS[moment.weekday()]:
        ctx.add(
            "PP207",
            f"pubDate {text!r} says {match.group(1)}, but that date is a "
            f"{_WEEKDAYS[moment.weekday()]}",
            "rebuild with podpub (it derives the weekday from the date)",
            element=element,
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    now = ctx.now or datetime.now(UTC)
    if moment > now:
        ctx.add(
            "PP208",
            f"pubDate {text} of {name} is in the future; apps show it now anyway",
            f"publish when the date comes, or set 'published' in {where}",
            element=element,
        )


def check_transcript(ctx: FeedContext, element: Any, name: str) -> None:
    url, mime = element.get("url"), element.get("type")
    if not url or not mime:
        ctx.add(
            "PP302",
            f"podcast:transcript of {name} lacks url or type",
            "rebuild",
            element=element,
        )
        return
    extension = Path(urlsplit(url).path).suffix.lower()
    expected = TRANSCRIPT_TYPES.get(extension)
    if mime not in TRANSCRIPT_TYPES.values():
        ctx.add(
            "PP303",
            f"transcript type {mime!r} is not one the podcast namespace lists",
            f"use one of {', '.join(sorted(set(TRANSCRIPT_TYPES.values())))}",
            element=element,
        )
    if expected and mime != expected:
        ctx.add(
            "PP302",
            f"transcript {url} is {extension} but typed {mime} (expected {expected})",
            "rebuild",
            element=element,
        )
    rel = element.get("rel")
    if rel is not None and rel != "captions":
        ctx.add("PP303", f"transcript rel {rel!r} is not 'captions'", "rebuild", element=element)
    elif rel == "captions" and mime in ("text/plain", "text/html"):
        ctx.add(
            "PP303",
            f"transcript {url} has rel=captions but {mime} carries no time codes",
            "rebuild",
            element=element,
        )
    if url.startswith("http://"):
        ctx.add(
            "PP214",
            f"transcript URL {url} is not https (podcast namespace)",
            "serve feed/ over https",
            element=element,
        )
    _check_transcript_file(ctx, element, url, mime)


def _check_transcript_file(ctx: FeedContext, element: Any, url: str, mime: str) -> None:
    """A transcript in feed/ starts as its type says (WEBVTT; JSON with segments)."""
    relative = ctx.local(url)
    if relative is None or relative not in ctx.files or relative in ctx.trusted:
        return
    path = ctx.files[relative]
    try:
        head = read_head(path, 16).removeprefix(b"\xef\xbb\xbf")
    except OSError:
        return
    if mime == "text/vtt" and not head.startswith(b"WEBVTT"):
        ctx.add(
            "PP302",
            f"{relative} is typed text/vtt but does not start with WEBVTT",
            "rebuild",
            element=element,
            path=ctx.label(relative),
        )
    if mime == "application/json":
        doc = ctx.load_json(path, relative, "PP302", element)
        if doc is not None and not (isinstance(doc, dict) and "segments" in doc):
            ctx.add(
                "PP302",
                f"{relative} has no 'segments' (podcast JSON transcript)",
                "rebuild",
                element=element,
                path=ctx.label(relative),
            )
