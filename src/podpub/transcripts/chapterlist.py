"""Chapter lists written in show notes, and Podcasting 2.0 chapters JSON (pure).

Show notes carry the chapters as text, in many conventions::

    00:00 Intro
    (12:34) The first topic
    - [25:10](https://example.com/ep3#t=1510) A bullet with a link around the time
    * **[31:00](#t=31:00)** Emphasis and a link around the time
    \\[45:00\\] A Markdown-escaped time
    - 1:02:03 – 1:10:00 A range: the start counts
    **Building a dam** – 41:05
    - [A title with a link](https://example.com) - *1:12:00*.
    | 1:20:00 | A table row |

    1:30:00

    * A time alone on its line: the next line is its title

A line with a clock (MM:SS or H:MM:SS, Markdown links, brackets, emphasis or escapes
around it allowed) at its start or end is a chapter entry; the rest of the line,
without bullets, separators and Markdown, is its title. A line that is only a clock takes
the next non-blank line as its title. Other lines (talking points, links, prose) are
not chapters, nor is anything in a front matter block (YAML ``---`` or TOML ``+++``).

The chapter list is a run of entries, and the run with the most entries is the chapter
list, returned in time order. Blank lines and list items (talking points, links under a
chapter) do not end a run, nor does a time written out of order; a time that goes back
after a heading or a prose line does (a stray time before the chapters, a transcript
with times after them). A run with fewer than two entries is no chapter list (one time
in show notes is usually something else) and gives ``()``.

``{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"}, …]}`` (the
podcast namespace's JSON chapters) gives the same records, with what a chapter carries
beside its title: ``img`` and ``url`` (http(s) URLs), ``location`` ({name, geo, osm?}) and
``"toc": false`` (a silent chapter: published in the JSON and the ID3 tag, out of every
table of contents), as episode.yaml's chapters do.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from podpub.errors import TranscriptError
from podpub.model import ChapterExtras, ChapterLocation, ChapterOverride
from podpub.namespace import OSM, geo_problem
from podpub.text_safety import xml_safe
from podpub.timecode import CLOCK
from podpub.transcripts.lines import normalize_space, parse_time_ms, split_lines

MIN_CHAPTERS = 2
# A chapter title is a title: a longer "title" is a paragraph with a time in it.
MAX_TITLE_CHARS = 200
MAX_LINE_CHARS = 1000  # links make a line longer than its title, but not this long
# Two-digit minute and second fields: "3:2" (a score, a ratio) is not a chapter time.
TIME = CLOCK
MAX_SECONDS = 10_000_000
_URLS = ("https://", "http://")

# Bullets, numbering, headings, task boxes and quote marks before an entry.
_BULLET = re.compile(r"^(?:(?:[-*+•‣◦▪–—]|\d{1,3}[.)]|[a-z][.)]|#{1,6}|\[[ xX]\])\s+|>\s*)")
# Markdown's backslash escapes: "\[00:01\]", "Sebastian\'s".
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_HTML_BREAK = re.compile(r"(?i)<br\s*/?>|</?(?:p|li|ul|ol|div|h[1-6])\b[^>]*>")
# A clock with what may wrap it: "**[00:00](#t=00:00)**", "*00:41:06*", "(1:02:03)".
_DECOR_OPEN = r"[*_`\[(]{0,4}"
_DECOR_CLOSE = r"[*_`\])]{0,4}(?:\([^)\s]*\))?[*_`\])]{0,4}"
_CLOCK = rf"{_DECOR_OPEN}(?<![\d:])({TIME})(?![\d:]){_DECOR_CLOSE}"
_RANGE_END = rf"(?:\s*(?:-|–|—|to|→)\s*{_DECOR_OPEN}{TIME}{_DECOR_CLOSE})?"
_LEADING = re.compile(rf"^{_CLOCK}{_RANGE_END}\s*(?:[-–—:|.>•·]\s*)?(.*)$")
_TRAILING = re.compile(
    rf"^(.*?\S)\s*(?:[-–—:|@…]+|\.{{2,}})?\s*(?<![^\s\-–—:|@….]){_CLOCK}{_RANGE_END}\.?$"
)
# "10:30 am" or "at 7:30 pm" is a time of day, not a chapter.
_TIME_OF_DAY = re.compile(rf"(?i)\b{TIME}\s*(?:a\.?m\.?|p\.?m\.?|uhr|h)\b")
# A list item or an indented line: talking points under a chapter do not end the list.
_LIST_ITEM = re.compile(r"^(?:\s+\S|\s*(?:[-*+•‣◦▪–—|]|\d{1,3}[.)]|\[[ xX]\])(?:\s|$))")
_FRONT_MATTER_KEY = re.compile(r"^\s*[\w-]+\s*[:=]")


def parse_chapter_list(text: str, path: Path | None = None) -> tuple[ChapterOverride, ...]:
    """Chapters from show-notes text or a Podcasting 2.0 chapters JSON document.

    ``path`` only names the file in errors (an invalid chapters JSON is an error; text
    never is). Chapters come back in time order.
    """
    if text.lstrip().startswith("{"):
        return parse_chapters_json(text, path)
    best = _longest_run(_entries(_body_lines(text)))
    return tuple(best) if len(best) >= MIN_CHAPTERS else ()


def _body_lines(text: str) -> list[str]:
    """The text's lines, a front matter block blanked, HTML line breaks made lines."""
    lines = split_lines(text)
    if _HTML_BREAK.search(text):
        lines = [part for line in lines for part in _HTML_BREAK.split(line)]
    end = _front_matter_end(lines)
    return [""] * end + lines[end:]


def _front_matter_end(lines: list[str]) -> int:
    """How many lines a leading ``---`` (YAML) or ``+++`` (TOML) block takes, or 0."""
    fence = lines[0].strip() if lines else ""
    if fence not in ("---", "+++") or len(lines) < 3:
        return 0
    if not _FRONT_MATTER_KEY.match(lines[1]):
        return 0  # a rule, not front matter
    for index in range(1, len(lines)):
        if lines[index].strip() == fence:
            return index + 1
    return 0


def _entries(lines: list[str]) -> list[tuple[ChapterOverride, bool]]:
    """Every chapter entry in line order, each with whether a heading or a prose line
    stands between it and the entry before. A clock alone on its line takes the next
    non-blank line (when it has no time of its own) as its title."""
    found: list[tuple[ChapterOverride, bool]] = []
    parted = False
    index = 0
    while index < len(lines):
        line = lines[index]
        timed = _timed_line(line)
        index += 1
        if timed is None:
            parted = parted or bool(line.strip() and not _LIST_ITEM.match(line))
            continue
        start_ms, title = timed
        if title is None:
            while index < len(lines) and not lines[index].strip():
                index += 1
            if index < len(lines) and _timed_line(lines[index]) is None:
                title = _clean_title(_strip_prefixes(_plain(lines[index]))) or None
                index += 1
        if title is None or len(title) <= MAX_TITLE_CHARS:
            found.append((ChapterOverride(title=title, start_ms=start_ms), parted))
            parted = False
    return found


def _longest_run(entries: list[tuple[ChapterOverride, bool]]) -> list[ChapterOverride]:
    """The run with the most entries (the first of equal ones), in time order.

    A list may be written out of order; but a time that goes back after a heading or
    a paragraph starts another list (a stray time before the chapters, a transcript
    with times after them)."""
    best: list[ChapterOverride] = []
    run: list[ChapterOverride] = []
    latest = 0
    for entry, parted in entries:
        start_ms = entry.start_ms or 0
        if run and parted and start_ms <= latest:
            run = []
        latest = max(latest, start_ms) if run else start_ms
        run.append(entry)
        if len(run) > len(best):
            best = run
    return sorted(best, key=lambda c: c.start_ms or 0)


def _plain(line: str) -> str:
    """A line without HTML tags, Markdown escapes and extra space."""
    return normalize_space(_ESCAPE.sub(r"\1", _TAG.sub(" ", line)))


def _strip_prefixes(s: str) -> str:
    """Bullets, numbering, heading marks and quote marks (nested too) taken off, and a
    table row's cells joined: "- 1. 00:00 Intro", "| 00:00 | Intro |"."""
    while True:
        m = _BULLET.match(s)
        if not m:
            break
        s = s[m.end() :]
    if s.startswith("|") and s.endswith("|"):
        s = " | ".join(cell.strip() for cell in s.strip("|").split("|") if cell.strip())
    return s.strip()


def _timed_line(line: str) -> tuple[int, str | None] | None:
    """``(start_ms, title)`` when the line has a clock at its start or end (title None
    when the line is only a clock), else None."""
    s = _strip_prefixes(_plain(line))
    if not s or len(s) > MAX_LINE_CHARS or _TIME_OF_DAY.search(s):
        return None
    m = _LEADING.match(s)
    if m:
        clock, title = m.group(1), m.group(2)
    else:
        m = _TRAILING.match(s)
        if not m or not _clean_title(m.group(1)):
            return None
        title, clock = m.group(1), m.group(2)
    start_ms = parse_time_ms(clock)
    if start_ms is None:
        return None
    return start_ms, _clean_title(title) or None


def _clean_title(title: str) -> str:
    s = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", title)
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = _TAG.sub("", s)
    s = re.sub(r"\*\*|\*|`|~~|(?<!\w)__?|__?(?!\w)", "", s)
    s = normalize_space(html.unescape(s))
    return s.lstrip(" -–—:|.·•,;>").rstrip(" -–—:|·•,;>").strip()


def parse_chapters_json(text: str, path: Path | None = None) -> tuple[ChapterOverride, ...]:
    """Chapters from a Podcasting 2.0 JSON chapters document, in time order."""
    try:
        data: Any = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise TranscriptError(
            f"chapters JSON is not valid JSON: {exc.msg}",
            path,
            exc.lineno,
            "check the JSON syntax near there",
        ) from None
    except RecursionError:
        raise TranscriptError("chapters JSON nested too deeply", path, 1) from None
    if not isinstance(data, dict) or not isinstance(data.get("chapters"), list):
        raise TranscriptError(
            "JSON is not a chapters file: no 'chapters' list",
            path,
            1,
            'chapters JSON looks like {"version": "1.2.0", "chapters": '
            '[{"startTime": 0, "title": "Intro"}]}',
        )
    found: list[ChapterOverride] = []
    for index, item in enumerate(data["chapters"]):
        if not isinstance(item, dict):
            raise TranscriptError(f"chapter {index + 1} is not an object", path, None)
        start_ms = _seconds_ms(item.get("startTime"))
        if start_ms is None:
            raise TranscriptError(
                f"chapter {index + 1} has no valid 'startTime' (seconds)",
                path,
                None,
                'give it "startTime": 0',
            )
        title = item.get("title")
        found.append(
            ChapterOverride(
                title=normalize_space(title) or None if isinstance(title, str) else None,
                start_ms=start_ms,
                extras=_json_extras(item, index, path),
            )
        )
    return tuple(sorted(found, key=lambda c: (c.start_ms or 0, c.extras.toc)))


def _json_extras(item: dict[str, Any], index: int, path: Path | None) -> ChapterExtras:
    """A JSON chapter's img, url, location and toc; a wrong one is an error naming it."""

    def wrong(key: str, what: str) -> TranscriptError:
        return TranscriptError(
            f"chapter {index + 1}: '{key}' {what}, not {item.get(key)!r}", path, None
        )

    urls: dict[str, str | None] = {}
    for key in ("img", "url"):
        value = item.get(key)
        if value is None:
            urls[key] = None
        elif isinstance(value, str) and value.strip().startswith(_URLS) and " " not in value:
            urls[key] = xml_safe(value.strip())
        else:
            raise wrong(key, "must be an http(s) URL")
    toc = item.get("toc", True)
    if not isinstance(toc, bool):
        raise wrong("toc", "must be true or false")
    return ChapterExtras(
        img=urls["img"], url=urls["url"], location=_json_location(item, wrong), toc=toc
    )


def _json_location(
    item: dict[str, Any], wrong: Callable[[str, str], TranscriptError]
) -> ChapterLocation | None:
    value = item.get("location")
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        raise wrong("location", 'must be {"name": ..., "geo": "geo:LAT,LON"}')
    geo = str(value.get("geo") or "").strip()
    osm = value.get("osm")
    name = xml_safe(normalize_space(value["name"]))
    if not geo or geo_problem(geo):
        raise wrong("location", f"needs a geo URI ({geo_problem(geo) or 'none given'})")
    if osm is not None and not OSM.match(str(osm)):
        raise wrong("location", "has an 'osm' that is not N, W or R and an id (R113314)")
    if not 0 < len(name) <= 128:
        raise wrong("location", "needs a name of 1 to 128 characters")
    return ChapterLocation(name, geo, str(osm) if osm is not None else None)


def _seconds_ms(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        seconds = Decimal(value) if isinstance(value, (int, str)) else value
    except InvalidOperation:
        return None
    if not isinstance(seconds, Decimal) or not seconds.is_finite():
        return None
    if seconds < 0 or seconds > MAX_SECONDS:
        return None
    return int((seconds * 1000).to_integral_value(rounding=ROUND_HALF_EVEN))


__all__ = ["parse_chapter_list", "parse_chapters_json"]
