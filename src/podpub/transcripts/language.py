"""Transcript reading: the language named in a transcript's file name (pure).

``transcript.fr.vtt`` is French, ``transcript.pt-BR.srt`` Brazilian Portuguese and
``transcript.vtt`` says nothing. The tag is a BCP 47 language tag as the podcast
namespace's ``<podcast:transcript language="…">`` wants it; ``en_US`` is written
``en-US``.
"""

from __future__ import annotations

import re
from pathlib import Path

# A primary language subtag (2-3 letters) with optional script/region/variant subtags.
_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_](?:[A-Za-z]{4}|[A-Za-z]{2}|\d{3}|[A-Za-z0-9]{5,8}))*")

# Second-to-last name parts that are words, not languages ("notes.old.srt").
_NOT_LANGUAGES = frozenset(
    [
        "old",
        "new",
        "raw",
        "fix",
        "fin",
        "bak",
        "tmp",
        "alt",
        "and",
        "the",
        "final",
        "draft",
        "edit",
        "copy",
        "auto",
        "full",
        "short",
        "long",
        "txt",
        "srt",
        "vtt",
        "json",
        "md",
        "web",
        "app",
    ]
)


def transcript_language(path: Path | str) -> str | None:
    """The language tag in ``<name>.<lang>.<ext>``, or None.

    >>> transcript_language(Path("transcript.pt-BR.srt"))
    'pt-BR'
    """
    parts = Path(path).name.split(".")
    if len(parts) < 3 or not parts[0]:
        return None
    candidate = parts[-2]
    if not _TAG.fullmatch(candidate):
        return None
    primary = re.split(r"[-_]", candidate, maxsplit=1)[0]
    if primary.lower() in _NOT_LANGUAGES:
        return None
    return candidate.replace("_", "-")


def language_tag_ok(tag: str) -> bool:
    """Is ``tag`` shaped like a BCP 47 language tag ("fr", "pt-BR", "zh-Hant-TW")?"""
    return bool(_TAG.fullmatch(tag.strip()))


__all__ = ["language_tag_ok", "transcript_language"]
