"""Sentences and words of spoken text (pure)."""

from __future__ import annotations

import re
import sys

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "sr",
        "jr",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "no",
        "gen",
        "gov",
        "sen",
        "rep",
        "u.s",
        "u.k",
        "u.n",
    ]
)
# A sentence ends at . ? ! (optionally followed by closing quotes/brackets) before
# whitespace and an opening capital, digit or quote.
_BOUNDARY = re.compile(r"([.?!…]+[\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9À-Ý])")
_WORD = re.compile(r"[\w’'%$€£-]+", re.UNICODE)


def split_sentences(text: str) -> tuple[str, ...]:
    """Split a paragraph into sentences; never splits after common abbreviations."""
    text = " ".join(text.split())
    if not text:
        return ()
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        candidate = text[start : m.end(1)]
        last_word = candidate.rsplit(" ", 1)[-1].rstrip(".?!…\"'”’)]").lower()
        if m.group(1).startswith(".") and (
            last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha())
        ):
            continue
        out.append(candidate.strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return tuple(out)


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def wrap_words(text: str, width: int, first_width: int | None = None) -> list[str]:
    """Greedy word wrap into lines of at most ``width`` characters (``first_width`` for the
    first line); a longer word stays whole."""
    blocks = wrap_blocks(text, width, sys.maxsize, first_width)  # one block: every line
    return blocks[0] if blocks else []


def wrap_blocks(
    text: str, width: int, lines_per_block: int, first_width: int | None = None
) -> list[list[str]]:
    """Greedy word wrap into blocks of at most ``lines_per_block`` lines (each block's first
    line at most ``first_width`` characters, the others ``width``); one pass over the
    words, however long the text."""
    blocks: list[list[str]] = []
    lines: list[str] = []
    current = ""
    for word in text.split():
        limit = first_width if first_width is not None and not lines else width
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= limit:
            current += " " + word
        else:
            lines.append(current)
            current = word
            if len(lines) == lines_per_block:
                blocks.append(lines)
                lines = []
    if current:
        lines.append(current)
    if lines:
        blocks.append(lines)
    return blocks
