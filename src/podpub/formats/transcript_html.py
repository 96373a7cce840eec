"""HTML transcript (pure): ``<cite>`` speaker, ``<time>`` start, ``<p>`` text, per section.

Podcast namespace, transcripts.md (HTML). Every text is escaped: no markup from input.
"""

from __future__ import annotations

from html import escape

from podpub.model import Episode
from podpub.timecode import format_clock


def render(episode: Episode) -> str:
    lang = escape(episode.transcript.language or "", quote=True)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">' if lang else "<html>",
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(episode.title)}</title>",
        "</head>",
        "<body>",
        f"<h1>{escape(episode.title)}</h1>",
    ]
    starts = {id(t.paragraph): t for t in episode.paragraphs}
    for section in episode.transcript.sections:
        if section.title:
            out.append(f"<h2>{escape(section.title)}</h2>")
        for paragraph in section.paragraphs:
            timed = starts.get(id(paragraph))
            parts = []
            if paragraph.speaker:
                parts.append(f"<cite>{escape(paragraph.speaker)}:</cite>")
            if timed is not None:
                seconds = timed.start_ms / 1000
                parts.append(
                    f'<time datetime="PT{seconds:.3f}S">{format_clock(timed.start_ms)}</time>'
                )
            out.append(" ".join(parts))
            out.append(f"<p>{escape(paragraph.text)}</p>")
    out += ["</body>", "</html>"]
    return "\n".join(line for line in out if line) + "\n"
