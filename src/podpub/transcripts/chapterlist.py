"""Chapter lists written in show notes, and Podcasting 2.0 chapters JSON (pure).

Show notes often carry the chapters as text::

    00:00 Intro
    (12:34) The first topic
    - 1:02:03 – 1:10:00 A range: the start counts
      - [25:10](https://example.com/ep3#t=1510) A nested bullet with a link
    **Building a dam** – 41:05

Every line with a clock (MM:SS or H:MM:SS) at its start or end is a chapter; the rest of
the line, without bullets, separators and Markdown, is its title. Lines without a time
are ignored; a list with fewer than two timed lines is no chapter list (one time in
show notes is usually something else) and gives ``()``.

``{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"}, …]}`` (the
podcast namespace's JSON chapters) gives the same records; chapters with ``"toc":
false`` are silent (no table-of-contents entry) and are left out.
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from podpub.errors import TranscriptError
from podpub.model import ChapterOverride
from podpub.transcripts.lines import normalize_space, parse_time_ms, split_lines

MIN_CHAPTERS = 2
# Two-digit minute and second fields: "3:2" (a score, a ratio) is not a chapter time.
TIME = r"\d{1,3}(?::\d{2}){1,2}(?:[.,]\d{1,3})?"
MAX_SECONDS = 10_000_000

_BULLET = re.compile(r"^(?:[-*+•‣◦▪–—]|\d{1,3}[.)]|[a-z][.)])\s+")
_CLOCK = rf"(?:\*\*|__)?\[?({TIME})\]?(?:\([^)\s]*\))?(?:\*\*|__)?"
_RANGE_END = rf"(?:\s*(?:-|–|—|to|→)\s*\[?{TIME}\]?(?:\([^)\s]*\))?)?"
_LEADING = re.compile(rf"^[\[(]?{_CLOCK}[\])]?{_RANGE_END}\s*(?:[-–—:|.)>•·]\s*)?(.*)$")
_TRAILING = re.compile(rf"^(.*?)\s*(?:[-–—:|@…]+|\.{{2,}})?\s*[\[(]?{_CLOCK}[\])]?{_RANGE_END}$")
# "10:30 am" or "at 7:30 pm" is a time of day, not a chapter.
_TIME_OF_DAY = re.compile(rf"(?i)\b{TIME}\s*(?:a\.?m\.?|p\.?m\.?|uhr|h)\b")


def parse_chapter_list(text: str, path: Path | None = None) -> tuple[ChapterOverride, ...]:
    """Chapters from show-notes text or a Podcasting 2.0 chapters JSON document.

    ``path`` only names the file in errors (an invalid chapters JSON is an error; text
    never is). Chapters come back in time order.
    """
    if text.lstrip().startswith("{"):
        return parse_chapters_json(text, path)
    found: list[ChapterOverride] = []
    for line in split_lines(text):
        chapter = _chapter_line(line)
        if chapter is not None:
            found.append(chapter)
    if len(found) < MIN_CHAPTERS:
        return ()
    return tuple(sorted(found, key=lambda c: c.start_ms or 0))


def _chapter_line(line: str) -> ChapterOverride | None:
    s = normalize_space(line)
    s = re.sub(r"^(?:>\s*)+", "", s)
    while True:  # nested bullets and numbering: "- 1. 00:00 Intro"
        m = _BULLET.match(s)
        if not m:
            break
        s = s[m.end() :]
    s = s.strip()
    if not s or _TIME_OF_DAY.search(s):
        return None
    m = _LEADING.match(s)
    if m:
        clock, title = m.group(1), m.group(2)
    else:
        m = _TRAILING.match(s)
        if not m or not m.group(1).strip():
            return None
        title, clock = m.group(1), m.group(2)
    start_ms = parse_time_ms(clock)
    if start_ms is None:
        return None
    return ChapterOverride(title=_clean_title(title) or None, start_ms=start_ms)


def _clean_title(title: str) -> str:
    s = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", title)
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"<[^>]+>", "", s)
    s = re.sub(r"(\*\*|__|\*|_|`|~~)", "", s)
    s = normalize_space(s)
    return s.strip(" -–—:|.·•,;>").strip()


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
        if item.get("toc") is False:
            continue  # a silent chapter: artwork or a link, not a table-of-contents entry
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
            )
        )
    return tuple(sorted(found, key=lambda c: c.start_ms or 0))


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
