"""What the page templates see (pure): plain dicts and strings made from the records.

Every value is text (escaped by the templates, never here) or a number; URLs of the
page's own files are relative, so that the same feed/ works served locally and at
``base_url``; absolute URLs (``base_url``) appear only where other sites read them (Open
Graph, JSON-LD, the canonical link).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from podpub.media import FEED_FILE
from podpub.model import Chapter, Cue, Episode, FeedItem, Person, Show, TimedParagraph
from podpub.timecode import format_clock

Context = dict[str, Any]

# the downloads an episode page lists, in this order, with their labels
DOWNLOADS = (
    ("transcript.txt", "Transcript (text)"),
    ("transcript.html", "Transcript (HTML)"),
    ("transcript.vtt", "Captions (WebVTT)"),
    ("transcript.srt", "Captions (SubRip)"),
    ("transcript.json", "Transcript (JSON)"),
    ("chapters.json", "Chapters (JSON)"),
)


MONTHS = (
    "January February March April May June July August September October November December"
).split()


def human_date(when: datetime) -> str:
    """ "1 May 2024": the same on every machine (no locale)."""
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}"


def seconds(ms: int) -> str:
    """Milliseconds as the shortest exact seconds string: 955500 -> "955.5"."""
    whole, frac = divmod(ms, 1000)
    return f"{whole}.{frac:03d}".rstrip("0").rstrip(".") if frac else str(whole)


def iso_duration(ms: int) -> str:
    """An HTML/ISO 8601 duration: PT1H2M3.5S."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    out = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return out + f"{seconds(rest)}S" if rest or out == "PT" else out


def human_duration(ms: int) -> str:
    total = round(ms / 1000)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{secs} s"


def human_size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"


def _safe_href(url: str | None) -> str | None:
    """Only web addresses become links (the loaders refuse others; this is the backstop)."""
    return url if url and re.match(r"https?://", url, re.I) else None


def _persons(persons: Iterable[Person]) -> list[Context]:
    return [{"name": p.name, "role": p.role, "href": _safe_href(p.href)} for p in persons]


def _paragraphs_text(text: str | None) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def _cue(cue: Cue) -> Context:
    return {"start": seconds(cue.start_ms), "end": seconds(cue.end_ms), "text": cue.text}


def _transcript(episode: Episode) -> list[Context]:
    """Sections of paragraphs; the speaker named where the speaker changes."""
    timed: dict[int, TimedParagraph] = {id(t.paragraph): t for t in episode.paragraphs}
    sections: list[Context] = []
    for number, section in enumerate(episode.transcript.sections, start=1):
        previous: str | None = None
        paragraphs: list[Context] = []
        for paragraph in section.paragraphs:
            t = timed.get(id(paragraph))
            speaker = paragraph.speaker if paragraph.speaker != previous else None
            previous = paragraph.speaker
            cues = [_cue(c) for c in t.cues] if t is not None else []
            paragraphs.append(
                {
                    "speaker": speaker,
                    "start": seconds(t.start_ms) if t else None,
                    "clock": format_clock(t.start_ms) if t else None,
                    "cues": cues,
                    "text": paragraph.text,
                }
            )
        if paragraphs:
            sections.append({"id": f"s{number}", "title": section.title, "paragraphs": paragraphs})
    return sections


def _series_ld(show: Show, image_url: str) -> Context:
    return {
        "@type": "PodcastSeries",
        "name": show.title,
        "url": show.base_url,
        "webFeed": show.base_url + FEED_FILE,
        "image": image_url,
        "author": {"@type": "Organization", "name": show.author},
    }


def _page_common(show: Show, image_name: str) -> Context:
    return {
        "show_title": show.title,
        "show_author": show.author,
        "copyright": show.copyright,
        "feed_url": show.base_url + FEED_FILE,
        "show_url": show.base_url,
        "show_image_url": show.base_url + image_name,
    }


def _chapter(chapter: Chapter) -> Context:
    return {
        "title": chapter.title,
        "start": seconds(chapter.start_ms),
        "clock": format_clock(chapter.start_ms),
        "iso": iso_duration(chapter.start_ms),
    }


def _downloads(item: FeedItem) -> list[Context]:
    """The transcript and chapter files, then other languages' transcripts."""
    own = [{"href": name, "label": label} for name, label in DOWNLOADS if item.url(name)]
    return own + [
        {"href": PurePosixPath(url).name, "label": f"Transcript ({language}, {mime})"}
        for url, mime, language in item.extra_transcripts
    ]


def _episode_ld(
    show: Show, episode: Episode, item: FeedItem, image_url: str, image_name: str
) -> Context:
    """JSON-LD: a schema.org PodcastEpisode in its PodcastSeries."""
    ld: Context = {
        "@context": "https://schema.org",
        "@type": "PodcastEpisode",
        "name": episode.title,
        "url": f"{show.base_url}{episode.slug}/",
        "datePublished": item.published.isoformat(),
        "duration": iso_duration(item.duration_ms),
        "image": image_url,
        "associatedMedia": {
            "@type": "MediaObject",
            "contentUrl": item.audio_url,
            "encodingFormat": item.mime_type,
            "contentSize": str(item.audio_bytes),
        },
        "partOfSeries": _series_ld(show, show.base_url + image_name),
    }
    if item.number is not None:
        ld["episodeNumber"] = item.number
    if episode.transcript.paragraphs and item.url("transcript.txt"):
        ld["transcript"] = item.url("transcript.txt")
    return ld


def episode_context(show: Show, episode: Episode, item: FeedItem, image_name: str) -> Context:
    """The episode page's context: ``image_name`` is the show artwork's file in feed/."""
    slug = episode.slug
    page_url = f"{show.base_url}{slug}/"
    audio_name = PurePosixPath(item.audio_url).name
    if item.image_url:
        image_src = PurePosixPath(item.image_url).name
        image_url = item.image_url
    else:
        image_src, image_url = f"../{image_name}", show.base_url + image_name
    summary = _paragraphs_text(item.summary)
    description = " ".join(summary) or episode.title
    ld = _episode_ld(show, episode, item, image_url, image_name) | {"description": description}
    return _page_common(show, image_name) | {
        "lang": episode.transcript.language or show.language,
        "title": episode.title,
        "description": description,
        "summary": summary,
        "page_url": page_url,
        "image_src": image_src,
        "image_url": image_url,
        "published_iso": item.published.isoformat(),
        "published": human_date(item.published),
        "duration_iso": iso_duration(item.duration_ms),
        "duration": human_duration(item.duration_ms),
        "number": item.number,
        "season": item.season,
        "audio_src": audio_name,
        "audio_url": item.audio_url,
        "audio_type": item.mime_type,
        "audio_size": human_size(item.audio_bytes),
        "chapters": [_chapter(c) for c in episode.chapters],
        "sections": _transcript(episode),
        "persons": _persons(item.persons),
        "downloads": _downloads(item),
        "ld": ld,
    }


def show_context(show: Show, items: Sequence[FeedItem], image_name: str) -> Context:
    """The show page's context: every episode, newest first (as ``items`` come)."""
    episodes = [
        {
            "href": f"{item.slug}/",
            "title": item.title,
            "published_iso": item.published.isoformat(),
            "published": human_date(item.published),
            "duration_iso": iso_duration(item.duration_ms),
            "duration": human_duration(item.duration_ms),
            "number": item.number,
            "episode_type": item.episode_type,
            "summary": (_paragraphs_text(item.summary) or [""])[0],
        }
        for item in items
    ]
    ld = {"@context": "https://schema.org"} | _series_ld(show, show.base_url + image_name)
    ld["description"] = show.description
    return _page_common(show, image_name) | {
        "lang": show.language,
        "title": show.title,
        "description": show.description,
        "summary": _paragraphs_text(show.description),
        "page_url": show.base_url,
        "image_src": image_name,
        "image_url": show.base_url + image_name,
        "feed_href": FEED_FILE,
        "funding": [
            {"href": href, "text": f.text}
            for f in show.funding
            if (href := _safe_href(f.url)) is not None
        ],
        "subscribe": [
            {"href": href, "text": link.text}
            for link in show.subscribe
            if (href := _safe_href(link.url)) is not None
        ],
        "persons": _persons(show.persons),
        "episodes": episodes,
        "ld": ld,
    }
