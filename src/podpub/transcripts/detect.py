"""Transcript reading: which reader fits a file, from its name and its text (pure).

Detection order (the first that holds wins; ``transcript_format`` in episode.yaml skips
it all):

1. content that cannot be anything else: a ``WEBVTT`` first line → "vtt"; a JSON
   object → "podcast-json"; an ``.html``/``.htm`` file, or (but for Markdown files,
   which may hold some inline HTML) text that opens with ``<!DOCTYPE html``,
   ``<html`` or an HTML block tag (``<cite>``, ``<p>``, ``<div>``, ``<section>`` …) and
   whose lines mostly open with tags → "html"; SRT-style ``start --> end`` time lines
   near the top → "srt" (or "vtt" for a ``.vtt`` file);
2. the extension: ``.srt``, ``.vtt``, ``.json``, ``.md``/``.markdown``;
3. for ``.txt`` and anything else, the text: YAML front matter → "markdown"; at least
   two speaker-label lines making up 30 % of the lines → "labelled"; Markdown headings,
   bold labels or links → "markdown"; otherwise "plain" (web-page text).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from podpub.model import Transcript
from podpub.transcripts.captions import parse_srt, parse_vtt
from podpub.transcripts.html import parse_html
from podpub.transcripts.labelled import parse_labelled
from podpub.transcripts.labels import is_plausible_speaker, match_label
from podpub.transcripts.lines import split_lines
from podpub.transcripts.markdown import parse_markdown
from podpub.transcripts.plain import parse_plain
from podpub.transcripts.podcast_json import parse_podcast_json

Reader = Callable[[str, Path], Transcript]

# Canonical names first; the rest are spellings accepted for ``transcript_format``.
READERS: dict[str, Reader] = {
    "markdown": parse_markdown,
    "labelled": parse_labelled,
    "srt": parse_srt,
    "vtt": parse_vtt,
    "podcast-json": parse_podcast_json,
    "html": parse_html,
    "plain": parse_plain,
    "md": parse_markdown,
    "labeled": parse_labelled,
    "otter": parse_labelled,
    "descript": parse_labelled,
    "riverside": parse_labelled,
    "subrip": parse_srt,
    "webvtt": parse_vtt,
    "json": parse_podcast_json,
    "text": parse_plain,
    "txt": parse_plain,
    "web": parse_plain,
    "htm": parse_html,
}

LABELLED_SHARE = 0.3
SNIFF_LINES = 400

_EXTENSIONS = {
    ".srt": "srt",
    ".vtt": "vtt",
    ".webvtt": "vtt",
    ".json": "podcast-json",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
}
_HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
_MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mdown", ".mkd")
_HTML_DOCUMENT = re.compile(r"<!DOCTYPE\s+html|<html[\s>]", re.IGNORECASE)
_HTML_BLOCK = re.compile(
    r"<(?:cite|p|div|section|article|main|body|header|nav|h[1-6]|ul|ol|table|blockquote|"
    r"figure|dl|time)[\s>]",
    re.IGNORECASE,
)
_HTML_PREAMBLE = re.compile(r"^(?:\s*(?:<\?xml[^>]*\?>|<!--.*?-->))+\s*", re.DOTALL)
HTML_TAG_SHARE = 0.5
_CUE_TIME = re.compile(r"^\s*\d[\d:.,]*\s*-->\s*\d[\d:.,]*(?:\s|$)")
_MARKDOWN = re.compile(
    r"^#{1,6}\s+\S|^\s*(?:\*\*|__)[^*_\n]{1,40}(?:\*\*|__)|\[[^\]\n]+\]\([^)\s]+\)|"
    r"^(?:=+|-+)\s*$",
    re.MULTILINE,
)


def detect_format(path: Path, text: str) -> str:
    """The reader name for this transcript (see the module docstring for the order)."""
    ext = path.suffix.lower()
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("WEBVTT"):
        return "vtt"
    if head.startswith("{") and (ext == ".json" or _is_json_object(head)):
        return "podcast-json"
    lines = split_lines(text)[:SNIFF_LINES]
    if ext in _HTML_EXTENSIONS or (ext not in _MARKDOWN_EXTENSIONS and _looks_html(head, lines)):
        return "html"
    if any(_CUE_TIME.match(line) for line in _first_nonblank(lines, 30)):
        return "vtt" if ext in (".vtt", ".webvtt") else "srt"
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    if lines and lines[0].strip() == "---" and any(ln.strip() == "---" for ln in lines[1:]):
        return "markdown"
    if _looks_labelled(lines):
        return "labelled"
    if _MARKDOWN.search("\n".join(lines)):
        return "markdown"
    return "plain"


def _looks_html(head: str, lines: list[str]) -> bool:
    """A page (``<!DOCTYPE html``, ``<html``), or a fragment that opens with a block tag
    and whose lines mostly open with tags."""
    head = _HTML_PREAMBLE.sub("", head)
    if _HTML_DOCUMENT.match(head):
        return True
    if not _HTML_BLOCK.match(head):
        return False
    content = [ln.strip() for ln in lines if ln.strip()]
    tagged = sum(1 for ln in content if ln.startswith("<"))
    return tagged >= HTML_TAG_SHARE * len(content)


def _first_nonblank(lines: list[str], count: int) -> list[str]:
    return [ln for ln in lines if ln.strip()][:count]


def _is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):
        return False


def _looks_labelled(lines: list[str]) -> bool:
    content = [ln for ln in lines if ln.strip()]
    if not content:
        return False
    labels = 0
    for line in content:
        label = match_label(line)
        if label is None:
            continue
        if label.speaker is None or is_plausible_speaker(label.speaker):
            labels += 1
    return labels >= 2 and labels >= LABELLED_SHARE * len(content)


__all__ = ["READERS", "Reader", "detect_format"]
