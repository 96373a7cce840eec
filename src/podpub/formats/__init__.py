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
from podpub.media import CAPTION_TYPES, CHAPTERS_TYPE, TRANSCRIPT_TYPES
from podpub.model import Episode


@dataclass(frozen=True)
class Format:
    file_name: str
    mime_type: str
    render: Callable[[Episode], str]
    captions: bool = False  # rel="captions": a timed format


def _transcript(extension: str, render: Callable[[Episode], str]) -> Format:
    mime = TRANSCRIPT_TYPES[extension]
    return Format(f"transcript{extension}", mime, render, captions=mime in CAPTION_TYPES)


TRANSCRIPTS: tuple[Format, ...] = (
    _transcript(".vtt", webvtt.render),
    _transcript(".srt", subrip.render),
    _transcript(".json", transcript_json.render),
    _transcript(".html", transcript_html.render),
    _transcript(".txt", transcript_text.render),
)
CHAPTERS = Format("chapters.json", CHAPTERS_TYPE, chapters_json.render)
