"""Chapter rules (PP304, PP400-PP405): every chapter list of an episode (chapters.json,
psc:chapters, the MP3's ID3 tag, the show notes) lies inside its duration and agrees.
Silent chapters (``"toc": false`` in chapters.json, a CHAP frame no CTOC lists) are in
none of the lists the others are compared with.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from podpub.audio import read_chapter_tags
from podpub.check.context import FeedContext
from podpub.check.items import safe_head, sniff_media
from podpub.check.rules import MAX_CHAPTER_TITLE_CHARS
from podpub.errors import AudioError
from podpub.media import CONTENT_NS, PODCAST_NS, PSC_NS
from podpub.namespace import OSM, geo_problem
from podpub.timecode import CLOCK, parse_clock_ms

CHAPTERS_TYPE = "application/json+chapters"
# a show-notes chapter line: "00:31 Title" or "1:02:03 Title" (Apple support 5482)
_NOTES_CHAPTER = re.compile(rf"^\s*({CLOCK})\s*[-–—:|]?\s+(\S.*?)\s*$")


@dataclass(frozen=True)
class _Chap:
    start_ms: int
    end_ms: int | None
    title: str
    toc: bool = True


def _norm_title(text: str) -> str:
    return " ".join(text.split())


def check_chapters(ctx: FeedContext, item: Any, name: str, duration_ms: int | None) -> None:
    """Every chapter list of an episode inside its duration, the first list's titles not
    too long, and the others agreeing with the first."""
    sources = _chapter_sources(ctx, item, name)
    if not sources:
        return
    what, chapters, _, element = sources[0]
    for chapter in chapters:
        if len(chapter.title) > MAX_CHAPTER_TITLE_CHARS:
            ctx.add(
                "PP402",
                f"chapter title {chapter.title!r} of {name} is {len(chapter.title)} "
                f"characters; players cut it after about {MAX_CHAPTER_TITLE_CHARS}",
                "shorten the heading in the transcript or the title in episode.yaml",
                element=element,
            )
    if duration_ms is not None:
        for what_s, chapters_s, _, element_s in sources:
            check_inside(ctx, what_s, chapters_s, duration_ms, name, element_s)
    for other, other_chapters, tolerance, other_element in sources[1:]:
        problem = _disagreement(chapters, other_chapters, tolerance)
        if problem:
            ctx.add(
                "PP401",
                f"{what} and {other} disagree for {name}: {problem}",
                "rebuild with podpub build so every chapter list comes from one source",
                element=other_element,
            )


# (what, chapters, tolerance in ms, the element a finding points at)
_Source = tuple[str, list[_Chap], int, Any]


def _chapter_sources(ctx: FeedContext, item: Any, name: str) -> list[_Source]:
    """The chapter lists an episode carries: chapters.json, psc:chapters, the ID3 tag of
    its MP3 and its show notes (checked for Apple's form here)."""
    sources: list[_Source] = []
    every = json_chapters(ctx, item, name)
    reference = [c for c in every if c.toc] if every is not None else None
    silent = {c.start_ms for c in every or () if not c.toc}
    if reference is not None:
        sources.append(("chapters.json", reference, 1, item.find(f"{{{PODCAST_NS}}}chapters")))
    psc = psc_chapters(ctx, item)
    if psc is not None:
        sources.append(("psc:chapters", psc, 1, item.find(f"{{{PSC_NS}}}chapters")))
    enclosure = item.find("enclosure")
    audio_rel = ctx.local(enclosure.get("url") or "") if enclosure is not None else None
    audio = ctx.files.get(audio_rel) if audio_rel and audio_rel not in ctx.trusted else None
    if audio is not None and sniff_media(safe_head(audio)) == "mp3":
        id3 = id3_chapters(ctx, audio, audio_rel or "", name, bool(reference or psc), silent)
        if id3 is not None:
            sources.append((f"the ID3 tag of {audio_rel}", id3, 1, enclosure))
    notes = notes_chapters(ctx, item)
    if notes is not None:
        where = item.find(f"{{{CONTENT_NS}}}encoded")
        sources.append(("the show notes", notes, 999, where))
        first = notes[0].start_ms
        if first != 0 or len(notes) < 3:
            ctx.add(
                "PP405",
                f"show-notes chapters of {name} start at {first // 1000} s with "
                f"{len(notes)} chapter(s); Apple reads them only from 00:00 with 3 or more",
                "give the episode 3 or more chapters, the first at 00:00",
                element=where,
            )
    return sources


def check_inside(
    ctx: FeedContext, what: str, chapters: list[_Chap], duration_ms: int, name: str, element: Any
) -> None:
    for chapter in chapters:
        end = chapter.end_ms if chapter.end_ms is not None else chapter.start_ms
        if chapter.start_ms < 0 or chapter.start_ms >= duration_ms or end > duration_ms + 5:
            ctx.add(
                "PP400",
                f"chapter {chapter.title!r} in {what} ({chapter.start_ms / 1000:.3f}-"
                f"{end / 1000:.3f} s) lies outside {name}'s {duration_ms / 1000:.3f} s",
                "fix the chapter start times in episode.yaml, or check the audio file",
                element=element,
            )
            return


def json_chapters(ctx: FeedContext, item: Any, name: str) -> list[_Chap] | None:
    element = item.find(f"{{{PODCAST_NS}}}chapters")
    if element is None:
        return None
    url, mime = element.get("url"), element.get("type")
    if mime != CHAPTERS_TYPE:
        ctx.add(
            "PP304",
            f"podcast:chapters type is {mime!r}, not {CHAPTERS_TYPE}",
            "rebuild",
            element=element,
        )
    if not url:
        ctx.add("PP304", f"podcast:chapters of {name} has no url", "rebuild", element=element)
        return None
    relative = ctx.local(url)
    if relative is None or relative not in ctx.files:
        return None
    doc = ctx.load_json(ctx.files[relative], relative, "PP304", element)
    if doc is None:
        return None
    label = ctx.label(relative)
    if (
        not isinstance(doc, dict)
        or not isinstance(doc.get("version"), str)
        or not isinstance(doc.get("chapters"), list)
    ):
        ctx.add(
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
            ctx.add(
                "PP304",
                f"{relative}: chapter {index + 1} has no numeric startTime",
                "rebuild",
                path=label,
            )
            return None
        end = entry.get("endTime")
        end_ms = round(end * 1000) if isinstance(end, int | float) else None
        title = str(entry.get("title") or "")
        out.append(_Chap(round(start * 1000), end_ms, title, entry.get("toc") is not False))
        problem = _extras_problem(entry)
        if problem:
            ctx.add(
                "PP327",
                f"{relative}: chapter {index + 1} {problem}",
                "fix the chapter's img, url, toc or location in episode.yaml and rebuild",
                path=label,
            )
    starts = [c.start_ms for c in out]
    if starts != sorted(starts):
        ctx.add(
            "PP304",
            f"{relative}: chapters are not in ascending startTime order",
            "rebuild",
            path=label,
        )
    return out


def _extras_problem(entry: dict[str, Any]) -> str | None:
    """What is wrong with a JSON chapter's img, url, toc or location (jsonChapters.md:
    img and url are URLs, toc a boolean, location a name and an RFC 5870 geo URI)."""
    for key in ("img", "url"):
        value = entry.get(key)
        if value is not None and not (
            isinstance(value, str) and value.startswith(("https://", "http://"))
        ):
            return f"has {key} {value!r}, not an http(s) URL"
    if "toc" in entry and not isinstance(entry["toc"], bool):
        return f"has toc {entry['toc']!r}, not true or false"
    location = entry.get("location")
    if location is None:
        return None
    if not isinstance(location, dict) or not str(location.get("name") or "").strip():
        return "has a location without a name"
    geo = location.get("geo")
    problem = geo_problem(geo) if isinstance(geo, str) else "is missing"
    if problem:
        return f"has a location whose geo {problem}"
    osm = location.get("osm")
    if osm is not None and not (isinstance(osm, str) and OSM.match(osm)):
        return f"has a location whose osm {osm!r} is not N, W or R and an id"
    return None


def psc_chapters(ctx: FeedContext, item: Any) -> list[_Chap] | None:
    element = item.find(f"{{{PSC_NS}}}chapters")
    if element is None:
        return None
    out: list[_Chap] = []
    for chapter in element.findall(f"{{{PSC_NS}}}chapter"):
        try:
            start_ms = parse_clock_ms(chapter.get("start") or "")
        except ValueError:
            ctx.add(
                "PP401",
                f"psc:chapter start {chapter.get('start')!r} is not a time",
                "rebuild",
                element=chapter,
            )
            return None
        out.append(_Chap(start_ms, None, chapter.get("title") or ""))
    return out


def notes_chapters(ctx: FeedContext, item: Any) -> list[_Chap] | None:
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
            clock, title = match.groups()
            out.append(_Chap(parse_clock_ms(clock), None, title))
    return out or None


def id3_chapters(
    ctx: FeedContext,
    audio: Path,
    relative: str,
    name: str,
    expected: bool,
    silent: Collection[int] = (),
) -> list[_Chap] | None:
    """The chapters the ID3 tag's table of contents lists; a CHAP frame it leaves out is
    right only for a silent chapter of chapters.json (one starting at the same time)."""
    label = ctx.label(relative)
    try:
        tags = read_chapter_tags(audio)
    except AudioError as exc:
        ctx.add(
            "PP403",
            f"cannot read the ID3 tag of {relative}: {exc.message}",
            "rebuild",
            path=label,
        )
        return None
    if tags.id3_version is None:
        if expected:
            ctx.add(
                "PP403",
                f"{relative} has no ID3v2 tag, so Apple and Overcast see no chapters",
                "rebuild with podpub build",
                path=label,
            )
        return None
    if tags.id3_version not in ((2, 3), (2, 4)):
        ctx.add(
            "PP403",
            f"{relative} has an ID3v{tags.id3_version[0]}.{tags.id3_version[1]} tag; "
            "chapters need ID3v2.3 or v2.4",
            "rebuild with podpub build",
            path=label,
        )
    start_of = {c.element_id: c.start_ms for c in tags.chapters}
    unlisted = [i for i in tags.unreachable if start_of[i] not in silent]
    listed = [c for c in tags.chapters if c.element_id not in tags.unreachable]
    if tags.chapters and ((listed and tags.top_level_tocs != 1) or unlisted):
        detail = (
            f"{tags.top_level_tocs} top-level CTOC frames"
            if listed and tags.top_level_tocs != 1
            else f"CHAP {', '.join(unlisted)} not listed in the CTOC"
        )
        ctx.add(
            "PP404",
            f"{relative}: {detail}; Overcast shows no chapter list without one top-level "
            "CTOC listing every CHAP",
            "rebuild with podpub build",
            path=label,
        )
    return [_Chap(c.start_ms, c.end_ms, c.title) for c in listed]


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
