"""Show notes HTML for content:encoded (pure): summary, chapter list, people, links.

Apple reads timestamps in the description: the first at 00:00, one per line.
"""

from __future__ import annotations

from html import escape

from podpub.model import Episode
from podpub.timecode import format_clock


def render(episode: Episode, transcript_url: str | None = None) -> str:
    out: list[str] = []
    if episode.source.summary:
        out.append(f"<p>{escape(episode.source.summary)}</p>")
    if episode.chapters:
        lines = "<br/>\n".join(
            f"{format_clock(c.start_ms)} {escape(c.title)}" for c in episode.chapters
        )
        out.append(f"<p>Chapters:<br/>\n{lines}</p>")
    if episode.source.persons:
        people = ", ".join(f"{escape(p.name)} ({escape(p.role)})" for p in episode.source.persons)
        out.append(f"<p>With {people}.</p>")
    if transcript_url:
        out.append(f'<p><a href="{escape(transcript_url, quote=True)}">Read the transcript</a></p>')
    return "\n".join(out)
