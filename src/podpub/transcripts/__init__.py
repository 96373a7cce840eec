"""Transcript readers: file -> Transcript (I/O at the edge: reading and decoding the file).

Each reader is a pure function ``parse_<format>(text, path) -> Transcript``; this module
decodes the bytes, picks the reader (``transcript_format`` in episode.yaml overrides the
detection) and hands over.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from podpub.errors import TranscriptError
from podpub.model import Transcript
from podpub.text_safety import xml_safe_record
from podpub.transcripts.plain import parse_plain

Reader = Callable[[str, Path], Transcript]

MAX_TRANSCRIPT_BYTES = 20_000_000


def _readers() -> dict[str, Reader]:
    readers: dict[str, Reader] = {"plain": parse_plain}
    try:  # the readers for other formats (markdown, labelled text, SRT, VTT, JSON)
        from podpub.transcripts.detect import READERS
    except ImportError:
        return readers
    readers.update(READERS)
    readers["plain"] = parse_plain
    return readers


def decode_text(data: bytes, path: Path) -> str:
    """UTF-8 (a BOM is allowed) with newlines normalised; a clear error otherwise."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TranscriptError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
            path,
            line,
            "save the transcript as UTF-8",
        ) from None
    if "\x00" in text:
        raise TranscriptError(
            "contains NUL bytes: this is not a text file",
            path,
            None,
            "point 'transcript:' at the transcript text",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _detect_format(path: Path, text: str) -> str:
    try:
        from podpub.transcripts.detect import detect_format
    except ImportError:
        return "plain"
    name: str = detect_format(path, text)
    return name


def read_transcript(path: Path, fmt: str | None = None) -> Transcript:
    """Read and parse one transcript file."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TranscriptError(f"cannot read transcript: {exc.strerror}", path) from None
    if size > MAX_TRANSCRIPT_BYTES:
        raise TranscriptError(
            f"transcript is {size} bytes, more than the {MAX_TRANSCRIPT_BYTES} a transcript "
            "can reasonably be",
            path,
            None,
            "check that 'transcript:' names the right file",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TranscriptError(f"cannot read transcript: {exc.strerror}", path) from None
    text = decode_text(data, path)
    if not text.strip():
        raise TranscriptError(
            "transcript is empty", path, None, "put the episode's transcript text in the file"
        )
    readers = _readers()
    name = fmt or _detect_format(path, text)
    reader = readers.get(name)
    if reader is None:
        raise TranscriptError(
            f"unknown transcript format {name!r}",
            path,
            None,
            f"use one of: {', '.join(sorted(readers))}",
        )
    return xml_safe_record(reader(text, path))  # no control characters in any output
