"""Clock strings <-> integer milliseconds (pure). The only place clock strings exist."""

from __future__ import annotations

import re

# A clock as people write it in transcripts and show notes: M:SS, MM:SS or H:MM:SS, with
# an optional fraction (dot or comma); for finding clocks inside text (``parse_clock_ms``
# reads what it finds).
CLOCK = r"\d{1,3}(?::\d{2}){1,2}(?:[.,]\d{1,3})?"


def parse_clock_ms(text: str) -> int:
    """Parse ``[[h:]m:]s[.mmm]`` (dot or comma) into milliseconds.

    Raises ValueError on anything else.
    """
    value = text.strip()
    m = re.fullmatch(r"(\d+(?::\d{1,2}){0,2})(?:[.,](\d{1,3}))?", value)
    if not m:
        # plain seconds with a fraction of any length, e.g. "12.5" or "0.000"
        try:
            seconds = float(value)
        except ValueError:
            raise ValueError(f"not a time: {text!r}") from None
        if seconds < 0:
            raise ValueError(f"negative time: {text!r}")
        return round(seconds * 1000)
    parts = [int(p) for p in m.group(1).split(":")]
    frac = m.group(2) or "0"
    ms = int(frac.ljust(3, "0"))
    total = 0
    for p in parts:
        total = total * 60 + p
    if len(parts) > 1 and any(p >= 60 for p in parts[1:]):
        raise ValueError(f"minutes/seconds must be < 60: {text!r}")
    return total * 1000 + ms


def format_vtt(ms: int) -> str:
    """WebVTT time: ``HH:MM:SS.mmm``."""
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, milli = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{milli:03d}"


def format_srt(ms: int) -> str:
    """SubRip time: ``HH:MM:SS,mmm``."""
    return format_vtt(ms).replace(".", ",")


def format_npt(ms: int) -> str:
    """Normal Play Time for Podlove Simple Chapters: ``HH:MM:SS.mmm``."""
    return format_vtt(ms)


def format_clock(ms: int) -> str:
    """Show-notes time: ``MM:SS`` under an hour, else ``H:MM:SS`` (whole seconds)."""
    total = ms // 1000
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def seconds(ms: int) -> float:
    """Milliseconds as float seconds, for JSON formats that want seconds."""
    return round(ms / 1000, 3)


__all__ = ["format_clock", "format_npt", "format_srt", "format_vtt", "parse_clock_ms", "seconds"]
