"""Transcript reading: the markup around the words (pure): Markdown's headings, lists,
fences and inline syntax, HTML lines in Markdown, static-site shortcodes, and where a
page's transcript begins after its show notes.
"""

from __future__ import annotations

import html
import re

from podpub.transcripts.labels import is_plausible_speaker, match_label
from podpub.transcripts.lines import TIME, is_transcript_header, parse_time_ms, word_count

ATX = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
SETEXT = re.compile(r"^(=+|-+)\s*$")
RULE = re.compile(r"^(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
LIST_ITEM = re.compile(r"^(?:[-*+•]|\d{1,3}[.)])\s+(.*)$")
IMAGE_LINE = re.compile(r"^!\[[^\]]*\]\([^)]*\)(?:\s*\{[^}]*\})?$")
FENCE = re.compile(r"^(```|~~~)")
# HTML in Markdown: a line that is an HTML element (players, embeds, layout) is markup
HTML_BLOCK = re.compile(
    r"^</?(iframe|div|script|style|audio|video|source|figure|figcaption|img|section|embed|"
    r"object|details|summary|center|table|tr|td|th|noscript|template|form|input|button|"
    r"svg|picture|hr|br|aside|nav|header|footer)\b[^>]*>?",
    re.I,
)
HTML_CONTAINERS = {"script", "style", "iframe", "noscript", "template", "svg", "object", "form"}
LEADING_ANNOTATION = re.compile(r"^(\[[^\]\d][^\]]{0,60}\]|\([^)\d][^)]{0,60}\))\s+(\S.*)$")
LINK_DEFINITION = re.compile(r"^\[[^\]]+\]:\s*\S+")  # [id]: https://…
PANDOC_DIV = re.compile(r"^:{3,}")
LINK_ONLY = re.compile(r"\[[^\]]+\](?:\([^)]*\)|\[[^\]]*\])[.!]?")
_HEADING_TIME = (
    re.compile(rf"^[\[(]?({TIME})[\])]?\s*[-–—:|.]?\s*(.+)$"),
    re.compile(rf"^(.+?)\s*[-–—:|]?\s*[\[(]({TIME})[\])]$"),
    re.compile(rf"^(.+?)\s+[-–—|]\s+({TIME})$"),
)


SHOW_NOTES_MAX_LINES = 400  # a "Transcript" heading further down is inside the transcript


def strip_inline_markdown(text: str) -> str:
    """Markdown inline syntax to plain text: links, emphasis, code, escapes, simple tags."""
    s = re.sub(r"!\[([^\]]*)\]\([^)]*\)", "", text)
    s = re.sub(r"\[([^\]]+)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)", r"\1", s)
    s = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", s)
    s = re.sub(r"<((?:https?|mailto):[^>\s]+)>", r"\1", s)
    s = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", s)
    s = re.sub(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])", r"\1", s)
    s = re.sub(r"(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])", r"\1", s)
    s = re.sub(r"~~(?=\S)(.+?)(?<=\S)~~", r"\1", s)
    s = re.sub(r"`+([^`]*)`+", r"\1", s)
    s = re.sub(r"</?[a-zA-Z][\w-]*\b[^>]*>", " ", s)  # inline HTML: its text only
    s = re.sub(r"\\([\\`*_{}\[\]()#+\-.!>'\"])", r"\1", s)
    return html.unescape(s) if "&" in s else s


def split_heading_time(text: str) -> tuple[str, int | None]:
    """ "[00:12:30] Topic", "Topic (12:30)", "12:30 – Topic" → ("Topic", 750000)."""
    for i, pattern in enumerate(_HEADING_TIME):
        m = pattern.match(text)
        if not m:
            continue
        clock, title = (m.group(1), m.group(2)) if i == 0 else (m.group(2), m.group(1))
        ms = parse_time_ms(clock)
        title = title.strip(" -–—:|.")
        if ms is not None and title:
            return title, ms
    return text, None


# Static-site shortcodes: Hugo "{{< name args >}}" / "{{% %}}", Liquid "{% name %}".
_SHORTCODE = re.compile(r"\{\{[<%]\s*/?\s*[\w.-]+(?:[^{}]*?)[>%]\}\}|\{%-?\s*[\w.-]+[^{}]*?-?%\}")
_SHORTCODE_OPEN = re.compile(r"^\{\{[<%]\s*[\w.-]+\s+[\"']")  # argument runs on
_SHORTCODE_CLOSE = re.compile(r"[\"']?\s*[>%]\}\}\s*$")
_TRANSCRIPT_SHORTCODE = re.compile(r"^\{\{[<%]\s*transcript\b|^\{%-?\s*transcript\b", re.I)
_HEADING_MARKS = re.compile(r"^(?:#{1,6}\s+|[*_]{1,3})|[*_]{1,3}$")


def without_shortcodes(line: str) -> str:
    """A line with its shortcodes removed; a transcript shortcode, or one left open, keeps
    its quoted argument: the text itself ("{{< transcript "Hello …" >}}")."""
    if _SHORTCODE_OPEN.match(line.strip()) and (
        _TRANSCRIPT_SHORTCODE.match(line.strip()) or not _SHORTCODE.search(line)
    ):
        line = _SHORTCODE_OPEN.sub("", line.strip())
        return _SHORTCODE_CLOSE.sub("", line)
    line = _SHORTCODE.sub("", line)
    return _SHORTCODE_CLOSE.sub("", line) if line.rstrip().endswith(("}}", "%}")) else line


def transcript_start(lines: list[str]) -> int:
    """Where the transcript proper begins on a page that puts show notes first: just after
    a "Transcript" heading, or a line that says a transcript follows ("Here is a lightly
    edited transcript:"), that labelled turns follow right away (or at a transcript
    shortcode); 0 when there is no such line."""
    for k, raw in enumerate(lines[:SHOW_NOTES_MAX_LINES]):
        s = raw.strip()
        if _TRANSCRIPT_SHORTCODE.match(s):
            return k if k else 0
        heading = _HEADING_MARKS.sub("", s).strip()
        if heading and is_transcript_header(heading):
            if word_count(heading) <= 4:  # a heading: the transcript is under it
                return k + 1 if _labels_follow(lines, k + 1) else 0
            if heading.endswith(":") and _labels_follow(lines, k + 1, within=2):
                return k + 1  # "Here is the transcript of the interview:"
    return 0


def _labels_follow(lines: list[str], start: int, within: int = 20) -> bool:
    """Do speaker labels (or timed lines) come within ``within`` lines after ``start``?"""
    seen = 0
    for raw in lines[start:]:
        label = match_label(raw.strip())
        if label is not None and (label.speaker is None or is_plausible_speaker(label.speaker)):
            return True
        seen += bool(raw.strip())
        if seen > within:
            return False
    return False
