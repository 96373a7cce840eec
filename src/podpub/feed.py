"""Feed stage (pure apart from feedgen): records -> feed.xml bytes.

The only module that imports feedgen. feedgen 1.0 has no Podcasting 2.0 or Podlove
Simple Chapters support and cannot emit Apple's ``itunes:explicit`` true/false, so a
feedgen extension (``PodpubExtension``) adds those tags.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from typing import Any, BinaryIO

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem  # lxml's SubElement, as feedgen builds its tree

from podpub import __version__
from podpub.formats import CHAPTERS, TRANSCRIPTS, show_notes
from podpub.media import (
    ATOM_NS,
    CAPTION_TYPES,
    FEED_FILE,
    ITUNES_NS,
    PODCAST_NS,
    PSC_NS,
    podcast_guid_for,
)
from podpub.model import AlternateEnclosure, FeedItem, NamespaceTag, Person, Show
from podpub.text_safety import xml_safe_record
from podpub.timecode import format_npt


@dataclass
class _ChannelTags:
    explicit: bool = False
    guid: str = ""
    locked: bool = False
    owner_email: str = ""
    persons: tuple[Person, ...] = ()
    funding: tuple[tuple[str, str], ...] = ()
    tags: tuple[NamespaceTag, ...] = ()  # trailers, then podcast.yaml's namespace tags
    hub: str | None = None  # WebSub hub (feedgen writes only the self atom:link in RSS)


@dataclass
class _ItemTags:
    explicit: bool | None = None
    transcripts: list[tuple[str, str, str | None, bool]] = field(default_factory=list)
    chapters_url: str | None = None
    persons: tuple[Person, ...] = ()
    psc: list[tuple[int, str]] = field(default_factory=list)
    season: int | None = None
    episode: int | None = None
    tags: tuple[NamespaceTag, ...] = ()
    alternates: tuple[AlternateEnclosure, ...] = ()


P_PERSON = f"{{{PODCAST_NS}}}person"
P_TRANSCRIPT = f"{{{PODCAST_NS}}}transcript"
P_CHAPTERS = f"{{{PODCAST_NS}}}chapters"
P_SEASON = f"{{{PODCAST_NS}}}season"
P_EPISODE = f"{{{PODCAST_NS}}}episode"
P_GUID = f"{{{PODCAST_NS}}}guid"
P_LOCKED = f"{{{PODCAST_NS}}}locked"
P_FUNDING = f"{{{PODCAST_NS}}}funding"
P_ALTERNATE = f"{{{PODCAST_NS}}}alternateEnclosure"
P_SOURCE = f"{{{PODCAST_NS}}}source"
I_EXPLICIT = f"{{{ITUNES_NS}}}explicit"
PSC_CHAPTERS = f"{{{PSC_NS}}}chapters"
PSC_CHAPTER = f"{{{PSC_NS}}}chapter"


def _sub(
    parent: Any, tag: str, text: str | None = None, attrib: dict[str, str] | None = None
) -> Any:
    element = xml_elem(tag, parent, attrib=attrib) if attrib else xml_elem(tag, parent)
    if text is not None:
        element.text = text
    return element


def _namespace_tag(parent: Any, tag: NamespaceTag) -> None:
    """Any podcast: tag of the table (podpub.namespace), with its children."""
    element = _sub(parent, f"{{{PODCAST_NS}}}{tag.name}", tag.text, dict(tag.attrs))
    for child in tag.children:
        _namespace_tag(element, child)


def _alternate(parent: Any, alternate: AlternateEnclosure) -> None:
    """podcast:alternateEnclosure with its one podcast:source (the namespace's
    alternateEnclosure.md: type, length, bitrate in bits per second, default)."""
    attrs = {
        "type": alternate.mime_type,
        "length": str(alternate.length_bytes),
        "bitrate": str(alternate.bitrate_bps),
    }
    if alternate.codecs:
        attrs["codecs"] = alternate.codecs
    if alternate.default:
        attrs["default"] = "true"
    element = _sub(parent, P_ALTERNATE, None, attrs)
    _sub(element, P_SOURCE, None, {"uri": alternate.url})


def _person(parent: Any, person: Person) -> None:
    attrs = {"role": person.role, "group": person.group}
    if person.href:
        attrs["href"] = person.href
    if person.img:
        attrs["img"] = person.img
    _sub(parent, P_PERSON, person.name, attrs)


class PodpubExtension(BaseExtension):  # type: ignore[misc]
    """Channel tags feedgen lacks: podcast:guid/locked/person/funding, itunes:explicit."""

    def __init__(self) -> None:
        self.tags = _ChannelTags()

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS, "psc": PSC_NS, "itunes": ITUNES_NS}

    def extend_rss(self, feed: Any) -> Any:
        channel = feed[0]
        t = self.tags
        if t.hub:  # WebSub 1.0 section 4: discovery by a link rel="hub" beside rel="self"
            _sub(channel, f"{{{ATOM_NS}}}link", None, {"href": t.hub, "rel": "hub"})
        _sub(channel, I_EXPLICIT, "true" if t.explicit else "false")
        _sub(channel, P_GUID, t.guid)
        _sub(channel, P_LOCKED, "yes" if t.locked else "no", {"owner": t.owner_email})
        for url, text in t.funding:
            _sub(channel, P_FUNDING, text, {"url": url})
        for person in t.persons:
            _person(channel, person)
        for tag in t.tags:
            _namespace_tag(channel, tag)
        return feed


class PodpubEntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """Item tags feedgen lacks: podcast:transcript/chapters/person/season/episode,
    psc:chapters and itunes:explicit true/false."""

    def __init__(self) -> None:
        self.tags = _ItemTags()

    def extend_rss(self, item: Any) -> Any:
        t = self.tags
        if t.explicit is not None:
            _sub(item, I_EXPLICIT, "true" if t.explicit else "false")
        for url, mime, language, captions in t.transcripts:
            attrs = {"url": url, "type": mime}
            if language:
                attrs["language"] = language
            if captions:
                attrs["rel"] = "captions"
            _sub(item, P_TRANSCRIPT, None, attrs)
        if t.chapters_url:
            _sub(item, P_CHAPTERS, None, {"url": t.chapters_url, "type": CHAPTERS.mime_type})
        if t.season is not None:
            _sub(item, P_SEASON, str(t.season))
        if t.episode is not None:
            _sub(item, P_EPISODE, str(t.episode))
        for person in t.persons:
            _person(item, person)
        for tag in t.tags:
            _namespace_tag(item, tag)
        for alternate in t.alternates:
            _alternate(item, alternate)
        if t.psc:
            chapters = _sub(item, PSC_CHAPTERS, None, {"version": "1.2"})
            for start_ms, title in t.psc:
                _sub(chapters, PSC_CHAPTER, None, {"start": format_npt(start_ms), "title": title})
        return item


def _as_html(text: str) -> str:
    """Plain text as the HTML that shows it: ``<``, ``>`` and ``&`` escaped."""
    return escape(text, quote=False)


def feed_url(show: Show) -> str:
    return show.base_url + FEED_FILE


def show_guid(show: Show) -> str:
    return show.guid or podcast_guid_for(feed_url(show))


ITEMS_PER_BATCH = 100


def trailer_tag(item: FeedItem) -> NamespaceTag:
    """podcast:trailer for an episode whose episode_type is trailer: like its enclosure,
    with the date it was published, its season (if any) and its title."""
    attrs = [
        ("url", item.audio_url),
        ("pubdate", format_datetime(item.published)),
        ("length", str(item.audio_bytes)),
        ("type", item.mime_type),
    ]
    if item.season is not None:
        attrs.append(("season", str(item.season)))
    return NamespaceTag("trailer", tuple(attrs), item.title)


def _channel(
    show: Show, image_url: str, latest: datetime, trailers: tuple[NamespaceTag, ...] = ()
) -> Any:
    """A feed generator holding the channel (no items yet)."""
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("podpub", PodpubExtension, PodpubEntryExtension, atom=False)
    fg.title(show.title)
    # readers decode <description> and itunes:summary as HTML: plain text is escaped for
    # HTML here (and for XML by lxml), so markup in a YAML field shows as text, never runs
    fg.description(_as_html(show.description))
    # feedgen uses the last link given as the RSS <link>: the self link goes first
    fg.link(href=feed_url(show), rel="self", type="application/rss+xml")
    fg.link(href=show.link, rel="alternate")
    fg.language(show.language)
    fg.generator("podpub", __version__, "https://example.org/podpub")
    if show.copyright:
        fg.copyright(show.copyright)
    fg.image(image_url, show.title, show.link)
    fg.podcast.itunes_author(show.author)
    fg.podcast.itunes_owner(name=show.owner_name, email=show.owner_email)
    fg.podcast.itunes_image(image_url)
    fg.podcast.itunes_type(show.type)
    fg.podcast.itunes_summary(_as_html(show.description))
    categories: list[dict[str, str]] = []
    for category in show.categories:
        entry = {"cat": category.top}
        if category.sub:
            entry["sub"] = category.sub
        categories.append(entry)
    fg.podcast.itunes_category(categories)
    ext: PodpubExtension = fg.podpub
    ext.tags = _ChannelTags(
        explicit=show.explicit,
        guid=show_guid(show),
        locked=show.locked,
        owner_email=show.owner_email,
        persons=show.persons,
        funding=tuple((f.url, f.text) for f in show.funding),
        tags=(*trailers, *show.tags),
        hub=show.websub_hub,
    )
    fg.lastBuildDate(latest)  # from the content, never "now": builds are reproducible
    return fg


def _rss(fg: Any) -> bytes:
    xml: bytes = fg.rss_str(pretty=True, xml_declaration=True, encoding="UTF-8")
    return xml


def feed_order(item: FeedItem) -> tuple[datetime, str]:
    """Items are listed newest first (this key, descending)."""
    return (item.published, item.slug)


def write_feed(
    out: BinaryIO,
    show: Show,
    ordered: Sequence[FeedItem],
    image_url: str,
    latest: datetime | None = None,
) -> None:
    """Write the RSS 2.0 + iTunes + Podcasting 2.0 + PSC feed to ``out``.

    ``ordered`` is newest first; it may load its items lazily: it is read a hundred items
    at a time, and each batch is rendered and spliced into the channel, so memory stays
    flat however many episodes a show has. The bytes are the same as in one pass.
    """
    # lxml refuses control characters: drop them from every text before feedgen sees it
    show = xml_safe_record(show)  # items are made XML-safe where they are built
    if latest is None and len(ordered):
        latest = ordered[0].published  # the newest: same instants tie-break by slug
    # podcast:trailer for each trailer episode (one pass over the items, keeping only those)
    trailers = tuple(
        trailer_tag(item)
        for start in range(0, len(ordered), ITEMS_PER_BATCH)
        for item in ordered[start : start + ITEMS_PER_BATCH]
        if item.episode_type == "trailer"
    )
    head = _rss(_channel(show, image_url, latest or datetime(1970, 1, 1, tzinfo=UTC), trailers))
    close = _line_start(head, head.rindex(b"</channel>"))
    out.write(head[:close])
    for start in range(0, len(ordered), ITEMS_PER_BATCH):
        fg = _channel(show, image_url, latest or datetime(1970, 1, 1, tzinfo=UTC))
        for item in ordered[start : start + ITEMS_PER_BATCH]:
            _add_item(fg, show, item)
        batch = _rss(fg)
        end = batch.rindex(b"</item>") + len(b"</item>")
        end = batch.index(b"\n", end) + 1 if b"\n" in batch[end:] else end
        out.write(batch[_line_start(batch, batch.index(b"<item>")) : end])
    out.write(head[close:])


def _line_start(xml: bytes, at: int) -> int:
    """Where the line holding ``at`` begins (its indentation included, whatever it is)."""
    return xml.rfind(b"\n", 0, at) + 1


def render_feed(show: Show, items: Sequence[FeedItem], image_url: str) -> bytes:
    """The feed as bytes, items in any order."""
    buffer = io.BytesIO()
    write_feed(buffer, show, sorted(items, key=feed_order, reverse=True), image_url)
    return buffer.getvalue()


def _add_item(fg: Any, show: Show, item: FeedItem) -> None:
    fe = fg.add_entry(order="append")
    fe.title(item.title)
    fe.guid(item.guid, permalink=False)
    fe.published(item.published)
    fe.description(_as_html(item.summary or item.title))
    fe.content(item.show_notes or show_notes.render(item), type="CDATA")
    fe.enclosure(item.audio_url, str(item.audio_bytes), item.mime_type)
    fe.link(href=f"{show.base_url}{item.slug}/")  # the episode page (podpub.site)
    fe.podcast.itunes_duration(str(round(item.duration_ms / 1000)))
    fe.podcast.itunes_episode_type(item.episode_type)
    if item.number is not None:
        fe.podcast.itunes_episode(item.number)
    if item.season is not None:
        fe.podcast.itunes_season(item.season)
    if item.image_url:
        fe.podcast.itunes_image(item.image_url)
    ext: PodpubEntryExtension = fe.podpub
    transcripts = [
        (url, f.mime_type, item.language, f.captions)
        for f in TRANSCRIPTS
        if (url := item.url(f.file_name)) is not None
    ]
    transcripts += [
        (url, mime, language, mime in CAPTION_TYPES)
        for url, mime, language in item.extra_transcripts
    ]
    ext.tags = _ItemTags(
        explicit=item.explicit if item.explicit is not None else show.explicit,
        transcripts=transcripts,
        chapters_url=item.url(CHAPTERS.file_name),
        persons=item.persons or show.persons,
        psc=[(c.start_ms, c.title) for c in item.chapters if c.toc],
        season=item.season,
        episode=item.number,
        tags=item.tags,
        alternates=item.alternates,
    )
