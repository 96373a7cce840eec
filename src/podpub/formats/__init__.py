"""Renderers (pure): one module per output format, ``render(episode) -> str``.

A new format = one module, one line in ``FORMATS``, one golden file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from podpub.formats import (
    chapters_json,
    subrip,
    transcript_html,
    transcript_json,
    transcript_text,
    webvtt,
)
from podpub.model import Episode


@dataclass(frozen=True)
class Format:
    file_name: str
    mime_type: str
    render: Callable[[Episode], str]
    captions: bool = False  # rel="captions": a timed format


TRANSCRIPTS: tuple[Format, ...] = (
    Format("transcript.vtt", "text/vtt", webvtt.render, captions=True),
    Format("transcript.srt", "application/x-subrip", subrip.render, captions=True),
    Format("transcript.json", "application/json", transcript_json.render),
    Format("transcript.html", "text/html", transcript_html.render),
    Format("transcript.txt", "text/plain", transcript_text.render),
)
CHAPTERS = Format("chapters.json", "application/json+chapters", chapters_json.render)
