"""podpub check (I/O: reads the inputs and feed/; writes nothing but the alignment cache):
lint against the rules apps and directories apply.

Every rule has an ID, a severity and a fix hint (``RULES``). Sources: Apple's "A
Podcaster's Guide to RSS", the Podcasting 2.0 namespace, PSP-1, RSS 2.0 and the W3C feed
validator, the ID3v2 chapter addendum; see the comments at each rule.

Two entry points:

- ``check_show(root)``: the inputs (podcast.yaml, episodes/, podpub.lock), then the
  built ``feed/``: what ``podpub check`` prints.
- ``refuse_failing_feed(files, show, feed_dir)``: the error-level feed rules on a staged
  build, called by ``build`` just before publishing. A feed that fails is not published
  and the previous ``feed/`` stays as it was.

Image sizes are read from the PNG/JPEG header bytes here (no imaging library); audio
chapter tags come from ``podpub.audio``.
"""

from __future__ import annotations

import html
import json
import re
import struct
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from lxml import etree

from podpub import episode as pipeline
from podpub.audio import read_chapter_tags, read_facts
from podpub.errors import AudioError, BuildError, MultipleErrors, PodpubError
from podpub.feed import show_guid
from podpub.load import LANGUAGE, UUID_RE, apple_categories, podcast_guid_for
from podpub.lock import LockedEpisode, lock_problems, read_lock
from podpub.model import Show
from podpub.output import Stage
from podpub.timecode import parse_clock_ms

Severity = Literal["error", "warning"]

# Exact namespace URIs (standards §0); the iTunes one is case-sensitive (Apple).
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
PODCAST_NS_ALIAS = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
PSC_NS = "http://podlove.org/simple-chapters"
PODCAST_GUID_NS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
NAMESPACES = {"itunes": ITUNES_NS, "podcast": PODCAST_NS, "atom": ATOM_NS, "content": CONTENT_NS}

FEED_FILE = "feed.xml"
MAX_DESCRIPTION_BYTES = 4000  # Apple, PSP-1: <description> <= 4000 bytes
MAX_VALUE_CHARS = 255  # Apple: tag values <= 255 characters unless stated otherwise
ARTWORK_MIN_PX = 1400  # Apple: 1400 x 1400 to 3000 x 3000, square, JPEG or PNG, RGB
ARTWORK_MAX_PX = 3000
MAX_ARTWORK_BYTES = 10_000_000
# No spec caps chapter titles; players show one line of roughly this many characters in
# their chapter lists (and Apple shows them as transcript section headers, where the
# namespace recommends <= 65-character lines), so longer titles get cut off.
MAX_CHAPTER_TITLE_CHARS = 64
MAX_JSON_BYTES = 20_000_000
APPLE_ENCLOSURE_TYPES = (
    "audio/x-m4a",
    "audio/mpeg",
    "video/quicktime",
    "video/mp4",
    "video/x-m4v",
    "application/pdf",
)
TRANSCRIPT_TYPES = {  # podcast namespace tags/transcript.md, by file extension
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".json": "application/json",
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
}
CHAPTERS_TYPE = "application/json+chapters"
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
# a show-notes chapter line: "00:31 Title" or "1:02:03 Title" (Apple support 5482)
_NOTES_CHAPTER = re.compile(r"^\s*(?:(\d{1,2}):)?(\d{1,2}):(\d{2})\s*[-–—:|]?\s+(\S.*?)\s*$")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str


_RULE_LIST = (
    # inputs
    Rule("PP001", "error", "podcast.yaml / episode.yaml / file names are valid"),
    Rule("PP002", "error", "every episode's transcript and audio can be read"),
    Rule("PP003", "warning", "feed/ has been built (feed rules need it)"),
    Rule("PP010", "warning", "chapter starts are given or aligned, not estimated"),
    Rule("PP011", "warning", "aligned chapter starts have a reasonable confidence"),
    Rule("PP012", "warning", "the transcript reader was sure of its reading (or was told)"),
    # feed, channel
    Rule("PP100", "error", "feed.xml is well-formed RSS 2.0 with one channel"),
    Rule("PP101", "error", "itunes, podcast, atom, content namespaces use the exact URIs"),
    Rule("PP102", "error", "required channel elements are present"),
    Rule("PP103", "warning", "recommended channel elements are present"),
    Rule("PP104", "warning", "descriptions are at most 4000 bytes"),
    Rule("PP105", "error", "categories come from Apple's list, subcategory under its parent"),
    Rule("PP106", "error", "itunes:explicit is true or false"),
    Rule("PP107", "error", "language is an ISO 639 code"),
    Rule("PP108", "warning", "values are at most 255 characters, without outer spaces"),
    Rule("PP109", "warning", "titles hold no HTML brackets (YouTube refuses them)"),
    Rule("PP110", "warning", "atom:link rel=self is where the feed is served"),
    # artwork
    Rule("PP120", "error", "artwork is a PNG or JPEG file with a matching name"),
    Rule("PP121", "warning", "artwork is square"),
    Rule("PP122", "warning", "artwork is 1400 to 3000 pixels on a side"),
    Rule("PP123", "warning", "artwork is in RGB colour"),
    Rule("PP124", "warning", "artwork is at most 10 MB"),
    # items
    Rule("PP200", "error", "every episode has a title"),
    Rule("PP201", "error", "every episode has one enclosure with url, length and type"),
    Rule("PP202", "error", "enclosure type is a MIME type matching the file"),
    Rule("PP203", "warning", "enclosure type is one Apple lists"),
    Rule("PP204", "error", "enclosure length is the file size in bytes"),
    Rule("PP205", "error", "every URL the feed names under the base URL exists in feed/"),
    Rule("PP206", "error", "itunes:duration is whole seconds matching the audio"),
    Rule("PP207", "error", "pubDate is RFC 2822 with the right weekday"),
    Rule("PP208", "warning", "pubDate is not in the future"),
    Rule("PP209", "error", "every episode has a guid"),
    Rule("PP210", "error", "guids are unique"),
    Rule("PP211", "error", "a guid that is not a URL has isPermaLink=false"),
    Rule("PP212", "warning", "guids are long enough to be unique"),
    Rule("PP213", "error", "itunes:episode/season are positive, episodeType and type valid"),
    Rule("PP214", "warning", "URLs use https"),
    Rule("PP215", "warning", "the feed has at least one episode"),
    Rule("PP216", "warning", "recommended episode elements are present"),
    Rule("PP217", "warning", "every episode of a serial show has itunes:episode"),
    # podcast namespace
    Rule("PP300", "error", "podcast:guid is a UUID"),
    Rule("PP301", "warning", "podcast:guid is the UUIDv5 of the feed URL, unless set on purpose"),
    Rule("PP302", "error", "podcast:transcript has url and a type matching the file"),
    Rule("PP303", "warning", "podcast:transcript type and rel are ones the namespace lists"),
    Rule("PP304", "error", "podcast:chapters is a JSON chapters file of the right type"),
    Rule("PP305", "error", "podcast:locked is yes or no"),
    # chapters
    Rule("PP400", "error", "chapters lie inside the episode's duration"),
    Rule("PP401", "error", "ID3, chapters JSON, PSC and show-notes chapters agree"),
    Rule("PP402", "warning", f"chapter titles fit in {MAX_CHAPTER_TITLE_CHARS} characters"),
    Rule("PP403", "error", "MP3 chapters are in an ID3v2.3 or ID3v2.4 tag"),
    Rule("PP404", "error", "ID3 chapters have one top-level CTOC reaching every CHAP"),
    Rule("PP405", "warning", "show-notes chapters follow Apple's form (00:00 first, 3 or more)"),
    # GUID lock
    Rule("PP500", "error", "published GUIDs and podcast:guid do not change (podpub.lock)"),
    Rule("PP501", "error", "podpub.lock can be read"),
    Rule("PP502", "warning", "published enclosure URLs do not change"),
)
RULES: dict[str, Rule] = {rule.id: rule for rule in _RULE_LIST}


@dataclass(frozen=True)
class Finding:
    """One broken rule: where, what, and how to fix it."""

    rule: str
    severity: Severity
    path: str
    message: str
    hint: str | None = None
    line: int | None = None
    xpath: str | None = None

    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        text = f"{self.where()}: {self.severity} {self.rule}: {self.message}"
        if self.xpath:
            text += f" (at {self.xpath})"
        if self.hint:
            text += f"; fix: {self.hint}"
        return text


def exit_code(findings: Iterable[Finding], *, strict: bool = False) -> int:
    """0 when clean; 1 on errors (and on warnings too with ``strict``)."""
    failing = ("error", "warning") if strict else ("error",)
    return 1 if any(f.severity in failing for f in findings) else 0


def render_text(findings: Iterable[Finding]) -> str:
    return "".join(f"{f}\n" for f in findings)


def render_json(findings: list[Finding]) -> str:
    doc = {
        "errors": sum(f.severity == "error" for f in findings),
        "warnings": sum(f.severity == "warning" for f in findings),
        "findings": [asdict(f) for f in findings],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------ file headers


@dataclass(frozen=True)
class ImageInfo:
    format: Literal["png", "jpeg"]
    width: int
    height: int
    colour: str  # rgb, rgba, gray, gray-alpha, palette, cmyk, unknown


_PNG_COLOURS = {0: "gray", 2: "rgb", 3: "palette", 4: "gray-alpha", 6: "rgba"}
_JPEG_COLOURS = {1: "gray", 3: "rgb", 4: "cmyk"}
_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def read_image_info(data: bytes) -> ImageInfo | None:
    """Format, size and colour of a PNG or JPEG from its header bytes; None otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        if len(data) < 26 or data[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", data[16:24])
        return ImageInfo("png", width, height, _PNG_COLOURS.get(data[25], "unknown"))
    if not data.startswith(b"\xff\xd8"):
        return None
    i = 2
    while i + 1 < len(data):
        if data[i] != 0xFF:
            return None
        while i < len(data) and data[i] == 0xFF:  # fill bytes
            i += 1
        if i >= len(data):
            return None
        marker = data[i]
        i += 1
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            continue
        if marker in (0xD9, 0xDA) or i + 2 > len(data):  # image data before a frame header
            return None
        (length,) = struct.unpack(">H", data[i : i + 2])
        if marker in _SOF_MARKERS:
            if i + 8 > len(data):
                return None
            height, width = struct.unpack(">HH", data[i + 3 : i + 7])
            return ImageInfo("jpeg", width, height, _JPEG_COLOURS.get(data[i + 7], "unknown"))
        if length < 2:
            return None
        i += length
    return None


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


def _head(path: Path, size: int = 64) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


# ------------------------------------------------------------------ the checker


def _qname(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return "comment()"
    local = etree.QName(tag).localname
    return f"{element.prefix}:{local}" if element.prefix else local


def xpath_of(element: Any) -> str:
    """A readable XPath with prefixes: /rss/channel/item[2]/podcast:transcript[1]."""
    parts: list[str] = []
    while element is not None:
        parent = element.getparent()
        name = _qname(element)
        if parent is not None:
            same = [c for c in parent if c.tag == element.tag]
            if len(same) > 1:
                name += f"[{same.index(element) + 1}]"
        parts.append(name)
        element = parent
    return "/" + "/".join(reversed(parts))


@dataclass(frozen=True)
class _Chap:
    start_ms: int
    end_ms: int | None
    title: str


def _norm_title(text: str) -> str:
    return " ".join(text.split())


class _FeedChecker:
    """Rules on one built feed: feed.xml plus the files it names."""

    def __init__(
        self,
        files: Mapping[str, Path],
        feed_dir: Path,
        show: Show | None,
        now: datetime | None,
        checked_images: set[bytes] | None = None,
        trusted: Collection[str] = (),
    ) -> None:
        self.files = files
        # files an earlier build checked and published, kept unchanged: only their
        # presence and size are checked again (reading every episode's tags and
        # transcripts would make a one-episode build of a large show slow)
        self.trusted = frozenset(trusted)
        self.feed_dir = feed_dir
        self.show = show
        self.now = now
        self.findings: list[Finding] = []
        self.base_url: str | None = show.base_url if show else None
        self.feed_label = str(feed_dir / FEED_FILE)
        self.checked_images = checked_images if checked_images is not None else set()

    # ---------------------------------------------------------------- reporting

    def add(
        self,
        rule: str,
        message: str,
        hint: str | None = None,
        *,
        element: Any = None,
        path: str | None = None,
        line: int | None = None,
    ) -> None:
        xpath = None
        if element is not None:
            xpath = xpath_of(element)
            if path is None:  # a line of feed.xml; other files are named without one
                line = line or element.sourceline
        self.findings.append(
            Finding(
                rule,
                RULES[rule].severity,
                path or self.feed_label,
                message,
                hint,
                line,
                xpath,
            )
        )

    def label(self, relative: str) -> str:
        return str(self.feed_dir / relative)

    def local(self, url: str) -> str | None:
        """The feed/ file a URL under the base URL names (None: not ours)."""
        if not self.base_url or not url.startswith(self.base_url):
            return None
        return unquote(urlsplit(url[len(self.base_url) :]).path)

    # ---------------------------------------------------------------- the feed

    def run(self) -> list[Finding]:
        feed = self.files.get(FEED_FILE)
        if feed is None:
            self.add("PP100", "feed.xml is missing", "run podpub build")
            return self.findings
        # Items are checked as the parser reaches them and then emptied, so a feed of
        # thousands of episodes is never held whole in memory.
        guids: dict[str, Any] = {}
        count = 0
        rss: Any = None
        try:
            events = etree.iterparse(
                str(feed),
                events=("start", "end"),
                resolve_entities=False,
                no_network=True,
                huge_tree=False,
                remove_comments=False,
            )
            for event, element in events:
                if rss is None and event == "start":
                    rss = element
                if element.tag != "item":
                    continue
                if event == "start":
                    if not count and self.base_url is None and element.getparent() is not None:
                        self._learn_base_url(element.getparent())  # URLs in items need it
                    continue
                parent = element.getparent()
                if parent is None or parent.tag != "channel" or parent.getparent() is not rss:
                    continue
                count += 1
                self.check_item(element, parent, guids)
                self.check_local_urls(element)
                element.clear(keep_tail=True)  # keeps its place: later XPaths stay right
        except etree.XMLSyntaxError as exc:
            self.add(
                "PP100",
                f"not well-formed XML: {exc.msg}",
                "rebuild with podpub build; do not edit feed.xml by hand",
                line=exc.lineno,
            )
            return self.findings
        except OSError as exc:
            self.add("PP100", f"cannot read feed.xml: {exc}", "run podpub build")
            return self.findings
        channels = rss.findall("channel")
        if rss.tag != "rss" or rss.get("version") != "2.0" or len(channels) != 1:
            self.add(
                "PP100",
                "not an RSS 2.0 feed with exactly one <channel>",
                "rebuild with podpub build",
                element=rss,
            )
            return self.findings
        channel = channels[0]
        self.check_namespaces(rss)
        self.check_channel(channel)
        if not count:
            self.add("PP215", "the feed has no episodes", "add an episode folder", element=channel)
        self.check_local_urls(rss)  # the channel's own URLs (items are emptied by now)
        return self.findings

    def _learn_base_url(self, channel: Any) -> None:
        """Without podcast.yaml, the base URL comes from the feed's self link."""
        if self.base_url is not None:
            return
        selfs = [e for e in channel.findall(f"{{{ATOM_NS}}}link") if e.get("rel") == "self"]
        href = selfs[0].get("href") or "" if selfs else ""
        if href.endswith("/" + FEED_FILE):
            self.base_url = href[: -len(FEED_FILE)]

    def check_namespaces(self, rss: Any) -> None:
        declared = {uri for uri in rss.nsmap.values()}
        for prefix, uri in NAMESPACES.items():
            if uri in declared or (prefix == "podcast" and PODCAST_NS_ALIAS in declared):
                continue
            if prefix == "content" and prefix not in rss.nsmap:
                continue  # only needed when content:encoded is used
            wrong = rss.nsmap.get(prefix)
            if wrong is None:
                wrong = next((u for u in declared if u.lower() == uri.lower()), None)
            message = (
                f"namespace {prefix} is declared as {wrong!r}, not {uri!r}"
                if wrong
                else f"namespace {prefix} ({uri}) is not declared on <rss>"
            )
            self.add("PP101", message, f'declare xmlns:{prefix}="{uri}" exactly', element=rss)

    def text_of(self, parent: Any, tag: str) -> tuple[Any, str | None]:
        element = parent.find(tag)
        if element is None:
            return None, None
        return element, (element.text or "")

    def check_channel(self, channel: Any) -> None:
        it = f"{{{ITUNES_NS}}}"
        required = {
            "title": "the show's title (podcast.yaml 'title')",
            "link": "the show's website (podcast.yaml 'link')",
            "description": "podcast.yaml 'description'",
            "language": "podcast.yaml 'language', e.g. en-us",
            f"{it}image": "podcast.yaml 'image'",
            f"{it}category": "podcast.yaml 'categories'",
            f"{it}explicit": "podcast.yaml 'explicit: false'",
        }
        for tag, hint in required.items():
            element = channel.find(tag)
            if element is None or (not (element.text or "").strip() and not element.attrib):
                name = tag.replace(it, "itunes:")
                self.add("PP102", f"channel has no <{name}>", f"set {hint}", element=channel)
        selfs = [e for e in channel.findall(f"{{{ATOM_NS}}}link") if e.get("rel") == "self"]
        if not selfs:
            self.add(
                "PP102",
                'channel has no <atom:link rel="self">',
                "set podcast.yaml 'base_url'",
                element=channel,
            )
        elif self.show is not None:
            expected = self.show.base_url + FEED_FILE
            if selfs[0].get("href") != expected:
                self.add(
                    "PP110",
                    f"self link {selfs[0].get('href')!r} is not {expected!r}",
                    "set podcast.yaml 'base_url' to where feed/ is served",
                    element=selfs[0],
                )
        self._learn_base_url(channel)
        recommended = {
            f"{it}author": "podcast.yaml 'author'",
            f"{it}owner/{it}email": "podcast.yaml 'owner: {name, email}'",
            f"{{{PODCAST_NS}}}guid": "leave it to podpub (podcast:guid from the feed URL)",
            f"{{{PODCAST_NS}}}locked": "podcast.yaml 'locked: true' or 'locked: false'",
        }
        for tag, hint in recommended.items():
            if channel.find(tag) is None:
                name = tag.replace(it, "itunes:").replace(f"{{{PODCAST_NS}}}", "podcast:")
                self.add("PP103", f"channel has no <{name}>", f"set {hint}", element=channel)
        self.check_texts(channel, "podcast.yaml")
        language = channel.find("language")
        if language is not None and not LANGUAGE.match((language.text or "").strip()):
            self.add(
                "PP107",
                f"language {language.text!r} is not an ISO 639 code",
                "set podcast.yaml 'language' to e.g. en or en-us",
                element=language,
            )
        self.check_categories(channel)
        self.check_explicit(channel, "podcast.yaml 'explicit'")
        show_type = channel.find(f"{it}type")
        if show_type is not None and show_type.text not in ("episodic", "serial"):
            self.add(
                "PP213",
                f"itunes:type {show_type.text!r} is not episodic or serial",
                "set podcast.yaml 'type'",
                element=show_type,
            )
        image = channel.find(f"{it}image")
        if image is not None and image.get("href"):
            source = f" = {self.show.image}" if self.show else ""
            self.check_artwork(image, image.get("href") or "", f"podcast.yaml 'image'{source}")
        self.check_podcast_guid(channel, selfs[0].get("href") if selfs else None)
        locked = channel.find(f"{{{PODCAST_NS}}}locked")
        if locked is not None and (locked.text or "").strip() not in ("yes", "no"):
            self.add(
                "PP305",
                f"podcast:locked is {locked.text!r}, not yes or no",
                "set podcast.yaml 'locked: true' or 'locked: false'",
                element=locked,
            )

    def check_texts(self, parent: Any, where: str) -> None:
        """Byte limits on descriptions, 255-character values, outer spaces."""
        for tag in ("description", f"{{{ITUNES_NS}}}summary"):
            element = parent.find(tag)
            if element is None or element.text is None:
                continue
            size = len(element.text.encode("utf-8"))
            if size > MAX_DESCRIPTION_BYTES:
                self.add(
                    "PP104",
                    f"<{_qname(element)}> is {size} bytes; Apple allows {MAX_DESCRIPTION_BYTES}",
                    f"shorten the description or summary in {where}",
                    element=element,
                )
        for tag in ("title", f"{{{ITUNES_NS}}}author", f"{{{ITUNES_NS}}}title"):
            element = parent.find(tag)
            if element is None or element.text is None:
                continue
            value = element.text
            if len(value) > MAX_VALUE_CHARS:
                self.add(
                    "PP108",
                    f"<{_qname(element)}> is {len(value)} characters; Apple allows "
                    f"{MAX_VALUE_CHARS}",
                    f"shorten it in {where}",
                    element=element,
                )
            elif value != value.strip():
                self.add(
                    "PP108",
                    f"<{_qname(element)}> has leading or trailing spaces",
                    f"trim it in {where}",
                    element=element,
                )
            if tag == "title" and ("<" in value or ">" in value):
                self.add(
                    "PP109",
                    f"title {value!r} holds < or >; YouTube refuses titles with HTML",
                    f"write the title as plain text in {where}",
                    element=element,
                )

    def check_categories(self, channel: Any) -> None:
        allowed = apple_categories()
        tag = f"{{{ITUNES_NS}}}category"
        for element in channel.findall(tag):
            top = element.get("text") or ""
            if top not in allowed:
                self.add(
                    "PP105",
                    f"{top!r} is not an Apple Podcasts category",
                    f"use one of: {', '.join(allowed)} (podcast.yaml 'categories')",
                    element=element,
                )
                continue
            for sub in element.findall(tag):
                name = sub.get("text") or ""
                if name not in allowed[top] or sub.find(tag) is not None:
                    self.add(
                        "PP105",
                        f"{name!r} is not a subcategory of {top!r}",
                        f"use one of: {', '.join(allowed[top]) or '(none)'}",
                        element=sub,
                    )

    def check_explicit(self, parent: Any, where: str) -> None:
        element = parent.find(f"{{{ITUNES_NS}}}explicit")
        if element is not None and (element.text or "").strip() not in ("true", "false"):
            self.add(
                "PP106",
                f"itunes:explicit is {element.text!r}; Apple reads only true or false",
                f"set {where} to true or false",
                element=element,
            )

    def check_podcast_guid(self, channel: Any, feed_url: str | None) -> None:
        element = channel.find(f"{{{PODCAST_NS}}}guid")
        if element is None:
            return
        value = (element.text or "").strip()
        if not UUID_RE.match(value):
            self.add(
                "PP300",
                f"podcast:guid {value!r} is not a UUID",
                "remove 'guid' from podcast.yaml to derive it from the feed URL",
                element=element,
            )
            return
        if self.show is not None and self.show.guid:
            return  # set on purpose in podcast.yaml (e.g. kept after a move)
        if not feed_url:
            return
        expected = podcast_guid_for(feed_url)
        if value.lower() == expected.lower():
            return
        if value.lower() == str(uuid.uuid5(PODCAST_GUID_NS, feed_url)).lower():
            why = "it was made from the URL with its scheme (as Castopod does)"
        else:
            why = "it does not come from this feed URL"
        self.add(
            "PP301",
            f"podcast:guid {value} is not {expected}, the UUIDv5 of {feed_url} without "
            f"scheme and trailing slashes; {why}",
            "if the show moved, keep the old guid on purpose with 'guid:' in podcast.yaml",
            element=element,
        )

    # ---------------------------------------------------------------- artwork

    def check_artwork(self, element: Any, url: str, where: str) -> None:
        path_part = urlsplit(url).path.lower()
        if not path_part.endswith((".png", ".jpg", ".jpeg")):
            self.add(
                "PP120",
                f"artwork URL {url} does not end in .png or .jpg",
                f"use a PNG or JPEG file ({where})",
                element=element,
            )
        relative = self.local(url)
        if relative is None or relative not in self.files or relative in self.trusted:
            return  # external (not checked), missing (PP205) or checked when published
        self.check_image_file(self.files[relative], self.label(relative), where, element)

    def check_image_file(self, path: Path, label: str, where: str, element: Any = None) -> None:
        try:
            size = path.stat().st_size
            with path.open("rb") as handle:
                data = handle.read(min(size, MAX_ARTWORK_BYTES) + 1)
        except OSError as exc:
            self.add("PP120", f"cannot read artwork: {exc.strerror}", where, path=label)
            return
        key = data[:4096] + str(size).encode()
        if key in self.checked_images:
            return
        self.checked_images.add(key)

        def add(rule: str, message: str, hint: str) -> None:
            self.add(rule, message, f"{hint} ({where})", path=label, element=element)

        if size > MAX_ARTWORK_BYTES:
            add("PP124", f"artwork is {size} bytes; at most {MAX_ARTWORK_BYTES}", "compress it")
        info = read_image_info(data)
        if info is None:
            add("PP120", "artwork is not a PNG or JPEG image", "export it as PNG or JPEG")
            return
        suffix = Path(label).suffix.lower()
        if (info.format == "png") != (suffix == ".png"):
            add(
                "PP120",
                f"artwork is {info.format.upper()} but named {suffix}",
                "give the file the extension of its real type",
            )
        if info.width != info.height:
            add("PP121", f"artwork is {info.width}x{info.height}, not square", "crop it square")
        side = max(info.width, info.height)
        if min(info.width, info.height) < ARTWORK_MIN_PX or side > ARTWORK_MAX_PX:
            add(
                "PP122",
                f"artwork is {info.width}x{info.height}; Apple wants "
                f"{ARTWORK_MIN_PX} to {ARTWORK_MAX_PX} pixels on a side",
                f"resize it to e.g. {ARTWORK_MIN_PX}x{ARTWORK_MIN_PX}",
            )
        if info.colour not in ("rgb", "rgba"):
            add("PP123", f"artwork colour is {info.colour}, not RGB", "save it in RGB colour")

    # ---------------------------------------------------------------- items

    def check_item(self, item: Any, channel: Any, guids: dict[str, Any]) -> None:
        it = f"{{{ITUNES_NS}}}"
        title_el = item.find("title")
        title = (title_el.text or "").strip() if title_el is not None else ""
        name = f"episode {title!r}" if title else "an episode"
        where = "the episode's episode.yaml"
        if not title:
            self.add("PP200", "episode has no <title>", f"set 'title' in {where}", element=item)
        self.check_texts(item, where)
        self.check_explicit(item, f"'explicit' in {where}")
        guid = self.check_guid(item, name, guids)
        where = f"the episode.yaml with guid {guid}" if guid else where
        duration_ms = self.check_enclosure(item, name, where)
        self.check_pub_date(item, name, where)
        duration = item.find(f"{it}duration")
        if duration is None:
            self.add("PP216", f"{name} has no <itunes:duration>", "rebuild", element=item)
        else:
            text = (duration.text or "").strip()
            if not re.fullmatch(r"\d+", text):
                self.add(
                    "PP206",
                    f"itunes:duration {text!r} of {name} is not whole seconds",
                    "write the duration as integer seconds, e.g. 1801",
                    element=duration,
                )
            elif duration_ms is not None and abs(int(text) * 1000 - duration_ms) > 1000:
                self.add(
                    "PP206",
                    f"itunes:duration {text} of {name} does not match the audio "
                    f"({duration_ms / 1000:.1f} s)",
                    "rebuild",
                    element=duration,
                )
        for tag in ("episode", "season"):
            element = item.find(f"{it}{tag}")
            if element is not None and not re.fullmatch(r"[1-9]\d*", (element.text or "")):
                self.add(
                    "PP213",
                    f"itunes:{tag} {element.text!r} of {name} is not a positive whole number",
                    f"set '{'number' if tag == 'episode' else 'season'}' in {where}",
                    element=element,
                )
        episode_type = item.find(f"{it}episodeType")
        if episode_type is not None and episode_type.text not in ("full", "trailer", "bonus"):
            self.add(
                "PP213",
                f"itunes:episodeType {episode_type.text!r} is not full, trailer or bonus",
                f"set 'episode_type' in {where}",
                element=episode_type,
            )
        show_type = channel.find(f"{it}type")
        if (
            show_type is not None
            and show_type.text == "serial"
            and item.find(f"{it}episode") is None
        ):
            self.add(
                "PP217",
                f"{name} has no itunes:episode, which Apple requires in a serial show",
                f"set 'number' in {where}",
                element=item,
            )
        image = item.find(f"{it}image")
        if image is not None and image.get("href"):
            self.check_artwork(image, image.get("href") or "", f"'image' in {where}")
        for transcript in item.findall(f"{{{PODCAST_NS}}}transcript"):
            self.check_transcript(transcript, name)
        self.check_chapters(item, name, duration_ms)

    def check_guid(self, item: Any, name: str, guids: dict[str, Any]) -> str | None:
        element = item.find("guid")
        if element is None or not (element.text or "").strip():
            self.add(
                "PP209",
                f"{name} has no <guid>",
                "add 'guid: <uuid>' to its episode.yaml (podpub new makes one)",
                element=item,
            )
            return None
        value = (element.text or "").strip()
        if value in guids:
            self.add(
                "PP210",
                f"guid {value} of {name} is also used by another episode (line "
                f"{guids[value].sourceline})",
                "give one of them a new guid if it is not published yet",
                element=element,
            )
        guids[value] = element
        permalink = element.get("isPermaLink")
        if permalink is not None and permalink not in ("true", "false"):
            self.add(
                "PP211",
                f"isPermaLink is {permalink!r}, not true or false",
                "rebuild",
                element=element,
            )
        elif permalink != "false" and not re.match(r"^https?://", value):
            self.add(
                "PP211",
                f'guid {value!r} is not a URL, so it needs isPermaLink="false" (RSS 2.0: '
                "the default is true)",
                "rebuild with podpub",
                element=element,
            )
        if permalink == "false" and re.fullmatch(r"\d{1,8}", value):
            self.add(
                "PP212",
                f"guid {value!r} is too short to be unique across apps",
                "use a UUID (podpub new makes one) for episodes not yet published",
                element=element,
            )
        return value

    def check_enclosure(self, item: Any, name: str, where: str) -> int | None:
        """Enclosure rules; the audio's duration in ms when it can be read."""
        enclosures = item.findall("enclosure")
        if len(enclosures) != 1:
            self.add(
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
            self.add(
                "PP201",
                f"enclosure of {name} lacks {', '.join(missing)}",
                "rebuild",
                element=element,
            )
            return None
        assert url is not None and length is not None and mime is not None
        if url.startswith("http://"):
            self.add(
                "PP214",
                f"enclosure URL {url} is not https",
                "serve feed/ over https",
                element=element,
            )
        if not _MIME.match(mime):
            self.add(
                "PP202", f"enclosure type {mime!r} is not a MIME type", "rebuild", element=element
            )
        extension = Path(urlsplit(url).path).suffix.lower()
        expected_family = _TYPE_FAMILY.get(mime)
        if (
            expected_family
            and extension in _EXTENSION_FAMILY
            and _EXTENSION_FAMILY[extension] != expected_family
        ):
            self.add(
                "PP202",
                f"enclosure type {mime} does not match the file extension {extension}",
                f"give the audio file in {where} its real extension",
                element=element,
            )
        if mime not in APPLE_ENCLOSURE_TYPES:
            self.add(
                "PP203",
                f"enclosure type {mime} of {name} is not one Apple Podcasts lists",
                "publish MP3 (audio/mpeg) or M4A (audio/x-m4a)",
                element=element,
            )
        if not re.fullmatch(r"\d+", length):
            self.add(
                "PP204",
                f"enclosure length {length!r} is not a byte count",
                "rebuild",
                element=element,
            )
        relative = self.local(url)
        if relative is None or relative not in self.files:
            return None  # external, or reported by PP205
        path = self.files[relative]
        try:
            size = path.stat().st_size
            head = _head(path)
        except OSError as exc:
            self.add("PP205", f"cannot read {relative}: {exc.strerror}", "rebuild", element=element)
            return None
        if re.fullmatch(r"\d+", length) and int(length) != size:
            self.add(
                "PP204",
                f"enclosure length {length} of {name} is not the size of {relative} ({size} bytes)",
                "rebuild with podpub build",
                element=element,
            )
        if relative in self.trusted:
            return None
        family = sniff_media(head)
        if expected_family and family != expected_family:
            self.add(
                "PP202",
                f"{relative} is {family.upper() if family else 'not a known media file'} "
                f"but the enclosure says {mime}",
                f"export the audio named in {where} in the format its name says",
                element=element,
                path=self.label(relative),
            )
            return None
        try:
            return read_facts(path).duration_ms
        except AudioError as exc:
            self.add(
                "PP202",
                f"the enclosure of {name} cannot be read as audio: {exc.message}",
                exc.hint or f"export the audio named in {where} again",
                element=element,
            )
            return None

    def check_pub_date(self, item: Any, name: str, where: str) -> None:
        element = item.find("pubDate")
        if element is None:
            self.add(
                "PP216", f"{name} has no <pubDate>", f"set 'published' in {where}", element=item
            )
            return
        text = (element.text or "").strip()
        match = _RFC2822.match(text)
        try:
            moment = parsedate_to_datetime(text) if match else None
        except (TypeError, ValueError):
            moment = None
        if match is None or moment is None:
            self.add(
                "PP207",
                f"pubDate {text!r} of {name} is not an RFC 2822 date",
                "write it like 'Tue, 05 Mar 2024 18:30:00 +0100'",
                element=element,
            )
            return
        if match.group(1) and match.group(1) != _WEEKDAYS[moment.weekday()]:
            self.add(
                "PP207",
                f"pubDate {text!r} says {match.group(1)}, but that date is a "
                f"{_WEEKDAYS[moment.weekday()]}",
                "rebuild with podpub (it derives the weekday from the date)",
                element=element,
            )
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        now = self.now or datetime.now(UTC)
        if moment > now:
            self.add(
                "PP208",
                f"pubDate {text} of {name} is in the future; apps show it now anyway",
                f"publish when the date comes, or set 'published' in {where}",
                element=element,
            )

    def check_transcript(self, element: Any, name: str) -> None:
        url, mime = element.get("url"), element.get("type")
        if not url or not mime:
            self.add(
                "PP302",
                f"podcast:transcript of {name} lacks url or type",
                "rebuild",
                element=element,
            )
            return
        extension = Path(urlsplit(url).path).suffix.lower()
        expected = TRANSCRIPT_TYPES.get(extension)
        if mime not in TRANSCRIPT_TYPES.values():
            self.add(
                "PP303",
                f"transcript type {mime!r} is not one the podcast namespace lists",
                f"use one of {', '.join(sorted(set(TRANSCRIPT_TYPES.values())))}",
                element=element,
            )
        if expected and mime != expected:
            self.add(
                "PP302",
                f"transcript {url} is {extension} but typed {mime} (expected {expected})",
                "rebuild",
                element=element,
            )
        rel = element.get("rel")
        if rel is not None and rel != "captions":
            self.add(
                "PP303", f"transcript rel {rel!r} is not 'captions'", "rebuild", element=element
            )
        elif rel == "captions" and mime in ("text/plain", "text/html"):
            self.add(
                "PP303",
                f"transcript {url} has rel=captions but {mime} carries no time codes",
                "rebuild",
                element=element,
            )
        if url.startswith("http://"):
            self.add(
                "PP214",
                f"transcript URL {url} is not https (podcast namespace)",
                "serve feed/ over https",
                element=element,
            )
        relative = self.local(url)
        if relative is None or relative not in self.files or relative in self.trusted:
            return
        path = self.files[relative]
        try:
            head = _head(path, 16).removeprefix(b"\xef\xbb\xbf")
        except OSError:
            return
        if mime == "text/vtt" and not head.startswith(b"WEBVTT"):
            self.add(
                "PP302",
                f"{relative} is typed text/vtt but does not start with WEBVTT",
                "rebuild",
                element=element,
                path=self.label(relative),
            )
        if mime == "application/json":
            doc = self.load_json(path, relative, "PP302", element)
            if doc is not None and not (isinstance(doc, dict) and "segments" in doc):
                self.add(
                    "PP302",
                    f"{relative} has no 'segments' (podcast JSON transcript)",
                    "rebuild",
                    element=element,
                    path=self.label(relative),
                )

    def load_json(self, path: Path, relative: str, rule: str, element: Any) -> Any:
        try:
            if path.stat().st_size > MAX_JSON_BYTES:
                raise ValueError("file too large")
            return json.loads(path.read_bytes().decode("utf-8"))
        except (OSError, ValueError) as exc:
            self.add(
                rule,
                f"{relative} is not valid JSON: {exc}",
                "rebuild",
                element=element,
                path=self.label(relative),
            )
            return None

    # ---------------------------------------------------------------- chapters

    def json_chapters(self, item: Any, name: str) -> list[_Chap] | None:
        element = item.find(f"{{{PODCAST_NS}}}chapters")
        if element is None:
            return None
        url, mime = element.get("url"), element.get("type")
        if mime != CHAPTERS_TYPE:
            self.add(
                "PP304",
                f"podcast:chapters type is {mime!r}, not {CHAPTERS_TYPE}",
                "rebuild",
                element=element,
            )
        if not url:
            self.add("PP304", f"podcast:chapters of {name} has no url", "rebuild", element=element)
            return None
        relative = self.local(url)
        if relative is None or relative not in self.files:
            return None
        doc = self.load_json(self.files[relative], relative, "PP304", element)
        if doc is None:
            return None
        label = self.label(relative)
        if (
            not isinstance(doc, dict)
            or not isinstance(doc.get("version"), str)
            or not isinstance(doc.get("chapters"), list)
        ):
            self.add(
                "PP304",
                f"{relative} needs a 'version' text and a 'chapters' list",
                "rebuild",
                path=label,
            )
            return None
        out: list[_Chap] = []
        for index, entry in enumerate(doc["chapters"]):
            start = entry.get("startTime") if isinstance(entry, dict) else None
            if isinstance(start, bool) or not isinstance(start, int | float):
                self.add(
                    "PP304",
                    f"{relative}: chapter {index + 1} has no numeric startTime",
                    "rebuild",
                    path=label,
                )
                return None
            end = entry.get("endTime")
            end_ms = round(end * 1000) if isinstance(end, int | float) else None
            out.append(_Chap(round(start * 1000), end_ms, str(entry.get("title") or "")))
        starts = [c.start_ms for c in out]
        if starts != sorted(starts):
            self.add(
                "PP304",
                f"{relative}: chapters are not in ascending startTime order",
                "rebuild",
                path=label,
            )
        return out

    def psc_chapters(self, item: Any) -> list[_Chap] | None:
        element = item.find(f"{{{PSC_NS}}}chapters")
        if element is None:
            return None
        out: list[_Chap] = []
        for chapter in element.findall(f"{{{PSC_NS}}}chapter"):
            try:
                start_ms = parse_clock_ms(chapter.get("start") or "")
            except ValueError:
                self.add(
                    "PP401",
                    f"psc:chapter start {chapter.get('start')!r} is not a time",
                    "rebuild",
                    element=chapter,
                )
                return None
            out.append(_Chap(start_ms, None, chapter.get("title") or ""))
        return out

    def notes_chapters(self, item: Any) -> list[_Chap] | None:
        element = item.find(f"{{{CONTENT_NS}}}encoded")
        if element is None:
            element = item.find("description")
        if element is None or not element.text:
            return None
        text = re.sub(r"<br\s*/?>|</p>|<p[^>]*>|</li>|<li[^>]*>", "\n", element.text)
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
        out: list[_Chap] = []
        for line in text.splitlines():
            match = _NOTES_CHAPTER.match(line)
            if match:
                hours, minutes, secs, title = match.groups()
                total = int(hours or 0) * 3600 + int(minutes) * 60 + int(secs)
                out.append(_Chap(total * 1000, None, title))
        return out or None

    def check_chapters(self, item: Any, name: str, duration_ms: int | None) -> None:
        sources: list[tuple[str, list[_Chap], int, Any]] = []  # (what, chapters, tol_ms, el)
        reference = self.json_chapters(item, name)
        if reference is not None:
            sources.append(("chapters.json", reference, 1, item.find(f"{{{PODCAST_NS}}}chapters")))
        psc = self.psc_chapters(item)
        if psc is not None:
            sources.append(("psc:chapters", psc, 1, item.find(f"{{{PSC_NS}}}chapters")))
        enclosure = item.find("enclosure")
        audio_rel = self.local(enclosure.get("url") or "") if enclosure is not None else None
        audio = self.files.get(audio_rel) if audio_rel and audio_rel not in self.trusted else None
        if audio is not None and sniff_media(_safe_head(audio)) == "mp3":
            id3 = self.id3_chapters(audio, audio_rel or "", name, bool(reference or psc))
            if id3 is not None:
                sources.append((f"the ID3 tag of {audio_rel}", id3, 1, enclosure))
        notes = self.notes_chapters(item)
        if notes is not None:
            where = item.find(f"{{{CONTENT_NS}}}encoded")
            sources.append(("the show notes", notes, 999, where))
            first = notes[0].start_ms
            if first != 0 or len(notes) < 3:
                self.add(
                    "PP405",
                    f"show-notes chapters of {name} start at {first // 1000} s with "
                    f"{len(notes)} chapter(s); Apple reads them only from 00:00 with 3 or more",
                    "give the episode 3 or more chapters, the first at 00:00",
                    element=where,
                )
        if not sources:
            return
        what, chapters, _, element = sources[0]
        for chapter in chapters:
            if len(chapter.title) > MAX_CHAPTER_TITLE_CHARS:
                self.add(
                    "PP402",
                    f"chapter title {chapter.title!r} of {name} is {len(chapter.title)} "
                    f"characters; players cut it after about {MAX_CHAPTER_TITLE_CHARS}",
                    "shorten the heading in the transcript or the title in episode.yaml",
                    element=element,
                )
        if duration_ms is not None:
            for what_s, chapters_s, _, element_s in sources:
                self.check_inside(what_s, chapters_s, duration_ms, name, element_s)
        for other, other_chapters, tolerance, other_element in sources[1:]:
            problem = _disagreement(chapters, other_chapters, tolerance)
            if problem:
                self.add(
                    "PP401",
                    f"{what} and {other} disagree for {name}: {problem}",
                    "rebuild with podpub build so every chapter list comes from one source",
                    element=other_element,
                )

    def check_inside(
        self, what: str, chapters: list[_Chap], duration_ms: int, name: str, element: Any
    ) -> None:
        for chapter in chapters:
            end = chapter.end_ms if chapter.end_ms is not None else chapter.start_ms
            if chapter.start_ms < 0 or chapter.start_ms >= duration_ms or end > duration_ms + 5:
                self.add(
                    "PP400",
                    f"chapter {chapter.title!r} in {what} ({chapter.start_ms / 1000:.3f}-"
                    f"{end / 1000:.3f} s) lies outside {name}'s {duration_ms / 1000:.3f} s",
                    "fix the chapter start times in episode.yaml, or check the audio file",
                    element=element,
                )
                return

    def id3_chapters(
        self, audio: Path, relative: str, name: str, expected: bool
    ) -> list[_Chap] | None:
        label = self.label(relative)
        try:
            tags = read_chapter_tags(audio)
        except AudioError as exc:
            self.add(
                "PP403",
                f"cannot read the ID3 tag of {relative}: {exc.message}",
                "rebuild",
                path=label,
            )
            return None
        if tags.id3_version is None:
            if expected:
                self.add(
                    "PP403",
                    f"{relative} has no ID3v2 tag, so Apple and Overcast see no chapters",
                    "rebuild with podpub build",
                    path=label,
                )
            return None
        if tags.id3_version not in ((2, 3), (2, 4)):
            self.add(
                "PP403",
                f"{relative} has an ID3v{tags.id3_version[0]}.{tags.id3_version[1]} tag; "
                "chapters need ID3v2.3 or v2.4",
                "rebuild with podpub build",
                path=label,
            )
        if tags.chapters and (tags.top_level_tocs != 1 or tags.unreachable):
            detail = (
                f"{tags.top_level_tocs} top-level CTOC frames"
                if tags.top_level_tocs != 1
                else f"CHAP {', '.join(tags.unreachable)} not listed in the CTOC"
            )
            self.add(
                "PP404",
                f"{relative}: {detail}; Overcast shows no chapter list without one top-level "
                "CTOC listing every CHAP",
                "rebuild with podpub build",
                path=label,
            )
        return [_Chap(c.start_ms, c.end_ms, c.title) for c in tags.chapters]

    # ---------------------------------------------------------------- local URLs

    def check_local_urls(self, rss: Any) -> None:
        """Every URL under the base URL names a file in feed/ (nothing dangling)."""
        if not self.base_url:
            return
        pattern = re.compile(re.escape(self.base_url) + r"[^\s\"'<>]*")
        reported: set[str] = set()
        for element in rss.iter():
            if not isinstance(element.tag, str):
                continue
            values = [*element.attrib.values(), element.text or ""]
            for value in values:
                for match in pattern.finditer(value):
                    relative = self.local(html.unescape(match.group(0)))
                    if not relative or relative in self.files or relative in reported:
                        continue
                    reported.add(relative)
                    self.add(
                        "PP205",
                        f"the feed names {match.group(0)}, but feed/ has no {relative}",
                        "rebuild with podpub build; never delete files from feed/ by hand",
                        element=element,
                    )


def _safe_head(path: Path) -> bytes:
    try:
        return _head(path)
    except OSError:
        return b""


def _disagreement(a: list[_Chap], b: list[_Chap], tolerance_ms: int) -> str | None:
    if len(a) != len(b):
        return f"{len(a)} chapters against {len(b)}"
    for index, (x, y) in enumerate(zip(a, b, strict=True), start=1):
        if tolerance_ms >= 1000:  # whole seconds (show notes)
            if x.start_ms // 1000 != y.start_ms // 1000:
                return f"chapter {index} starts at {x.start_ms} ms against {y.start_ms} ms"
        elif abs(x.start_ms - y.start_ms) > tolerance_ms:
            return f"chapter {index} starts at {x.start_ms} ms against {y.start_ms} ms"
        if _norm_title(x.title) != _norm_title(y.title):
            return f"chapter {index} is {x.title!r} against {y.title!r}"
    return None


# ------------------------------------------------------------------ entry points


def feed_files(feed_dir: Path) -> dict[str, Path]:
    """The published files of feed/ by relative name (no staging or bookkeeping files)."""
    if not feed_dir.is_dir():
        return {}
    out: dict[str, Path] = {}
    for path in sorted(feed_dir.rglob("*")):
        relative = path.relative_to(feed_dir)
        if relative.parts[0].startswith(".") or not path.is_file():
            continue
        out[relative.as_posix()] = path
    return out


def check_feed(
    files: Mapping[str, Path],
    feed_dir: Path,
    show: Show | None = None,
    *,
    now: datetime | None = None,
    trusted: Collection[str] = (),
) -> list[Finding]:
    """Every feed rule on a built feed: ``files`` maps names under feed/ to real files;
    the contents of ``trusted`` ones (checked when they were published) are not read."""
    return _FeedChecker(files, feed_dir, show, now, trusted=trusted).run()


def refuse_failing_feed(stage: Stage, show: Show) -> None:
    """The build's gate: raise if the staged feed breaks an error-level rule.

    The new feed is the staged files plus the files of unchanged episodes kept in feed/.
    """
    feed_dir = stage.feed_dir
    files = {name: feed_dir / name for name in stage.kept} | stage.files
    findings = check_feed(files, feed_dir, show, trusted=stage.kept)
    errors = [f for f in findings if f.severity == "error"]
    if not errors:
        return
    problems: list[PodpubError] = [
        BuildError(
            f"{f.rule} {f.message}" + (f" (at {f.xpath})" if f.xpath else ""),
            f.path,
            f.line,
            f.hint,
        )
        for f in errors
    ]
    problems.append(
        BuildError(
            f"the new feed breaks {len(errors)} podpub check rule(s), so it was not "
            "published; feed/ still holds the previous build",
            feed_dir,
            None,
            "fix the problems above and build again",
        )
    )
    raise MultipleErrors(problems)


def _from_error(rule: str, error: PodpubError) -> Finding:
    return Finding(
        rule,
        RULES[rule].severity,
        str(error.path) if error.path is not None else "",
        error.message,
        error.hint,
        error.line,
    )


def _errors_of(exc: PodpubError) -> list[PodpubError]:
    return list(exc.errors) if isinstance(exc, MultipleErrors) else [exc]


def check_show(root: Path, *, align: bool = True, now: datetime | None = None) -> list[Finding]:
    """``podpub check``: the inputs, the GUID lock, then the built feed/."""
    findings: list[Finding] = []
    show: Show | None = None
    try:
        show, sources = pipeline.load_sources(root)
    except PodpubError as exc:
        findings += [_from_error("PP001", e) for e in _errors_of(exc)]
        sources = []
    if show is not None:
        try:
            previous = read_lock(root)
        except PodpubError as exc:
            findings.append(_from_error("PP501", exc))
        else:
            planned = [
                LockedEpisode(
                    s.slug,
                    s.guid,
                    show.base_url + pipeline.audio_relative(s.slug, s.audio.suffix.lower()),
                )
                for s in sources
            ]
            errors, warnings = lock_problems(previous, show_guid(show), planned, (), root)
            findings += [_from_error("PP500", e) for e in errors]
            findings += [
                Finding(
                    "PP502",
                    "warning",
                    str(root / "podpub.lock"),
                    w,
                    "expected after a move; the lock is updated by the next build",
                )
                for w in warnings
            ]
    for source in sources:
        assert show is not None
        yaml_path = str(source.folder / "episode.yaml")
        try:
            episode = pipeline.prepare_episode(show, source, align=align, root=root)
        except PodpubError as exc:
            findings += [_from_error("PP002", e) for e in _errors_of(exc)]
            continue
        findings += [
            Finding(
                "PP012",
                "warning",
                str(source.transcript),
                guess.reading,
                guess.settle,
                line=guess.line,
            )
            for guess in episode.transcript.guesses
        ]
        estimated = [
            c.title for c in episode.chapters if c.source == "estimated" and c.start_ms > 0
        ]
        if estimated:
            findings.append(
                Finding(
                    "PP010",
                    "warning",
                    yaml_path,
                    f"chapter starts of {source.slug} are estimated from word counts "
                    f"(off by 5-20 s): {', '.join(estimated)}",
                    "give 'chapters:' with start times in episode.yaml, or build with "
                    "alignment (without --no-align)",
                )
            )
        for chapter in episode.chapters:
            if chapter.confidence is not None and chapter.confidence < pipeline.LOW_CONFIDENCE:
                findings.append(
                    Finding(
                        "PP011",
                        "warning",
                        yaml_path,
                        f"chapter {chapter.title!r} was aligned with low confidence "
                        f"({chapter.confidence:.2f})",
                        "build with --repair (speech recognition over the whole episode "
                        "repairs alignment after ads and asides), or give its start in "
                        "episode.yaml 'chapters:'",
                    )
                )
    feed_dir = root / pipeline.FEED_DIR
    files = feed_files(feed_dir)
    if FEED_FILE not in files:
        findings.append(
            Finding(
                "PP003",
                "warning",
                str(feed_dir),
                "feed/ has not been built, so the feed rules were not checked",
                "run podpub build (it refuses to publish a feed that breaks an error rule)",
            )
        )
    else:
        findings += check_feed(files, feed_dir, show, now=now)
    return findings
