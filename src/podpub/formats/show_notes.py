"""Show notes HTML for content:encoded (pure): summary, chapter list, people, links.

Apple reads timestamps in the description: the first at 00:00, one per line.
"""

from __future__ import annotations

import re
from html import escape

from podpub.model import FeedItem
from podpub.timecode import format_clock

# A timestamped line ("00:00 Intro", "- (12:34) Topic") or a "Chapters:" heading: the
# chapter list is rendered from the chapters themselves, once.
_CHAPTER_LINE = re.compile(r"^\s*(?:[-*•]\s*)?[\[(]?\d{1,2}:\d{2}|^\s*chapters?\s*:?\s*$", re.I)


def _summary_without_chapter_list(summary: str) -> str:
    kept = [line for line in summary.splitlines() if not _CHAPTER_LINE.match(line)]
    return "\n".join(kept).strip()


def render(item: FeedItem) -> str:
    out: list[str] = []
    summary = _summary_without_chapter_list(item.summary or "")
    if summary:
        out.append(f"<p>{escape(summary)}</p>")
    listed = [c for c in item.chapters if c.toc]  # silent chapters are in no list
    if listed:
        lines = "<br/>\n".join(f"{format_clock(c.start_ms)} {escape(c.title)}" for c in listed)
        out.append(f"<p>Chapters:<br/>\n{lines}</p>")
    if item.persons:
        people = ", ".join(f"{escape(p.name)} ({escape(p.role)})" for p in item.persons)
        out.append(f"<p>With {people}.</p>")
    transcript_url = item.url("transcript.html")
    if transcript_url:
        out.append(f'<p><a href="{escape(transcript_url, quote=True)}">Read the transcript</a></p>')
    return "\n".join(out)
