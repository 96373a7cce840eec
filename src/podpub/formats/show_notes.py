"""Show notes HTML for content:encoded (pure): summary, chapter list, people, links.

Apple reads timestamps in the description: the first at 00:00, one per line.
"""

from __future__ import annotations

from html import escape

from podpub.model import FeedItem
from podpub.timecode import format_clock


def render(item: FeedItem) -> str:
    out: list[str] = []
    if item.summary:
        out.append(f"<p>{escape(item.summary)}</p>")
    if item.chapters:
        lines = "<br/>\n".join(
            f"{format_clock(c.start_ms)} {escape(c.title)}" for c in item.chapters
        )
        out.append(f"<p>Chapters:<br/>\n{lines}</p>")
    if item.persons:
        people = ", ".join(f"{escape(p.name)} ({escape(p.role)})" for p in item.persons)
        out.append(f"<p>With {people}.</p>")
    transcript_url = item.url("transcript.html")
    if transcript_url:
        out.append(f'<p><a href="{escape(transcript_url, quote=True)}">Read the transcript</a></p>')
    return "\n".join(out)
