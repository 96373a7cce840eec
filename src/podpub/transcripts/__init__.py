"""Transcript readers: file -> Transcript (I/O at the edge: reading and decoding the file).

Each reader is a pure function ``parse_<format>(text, path) -> Transcript``; this module
decodes the bytes, picks the reader (``transcript_format`` in episode.yaml overrides the
detection) and hands over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from podpub.errors import TranscriptError
from podpub.model import Transcript
from podpub.text_safety import xml_safe_record
from podpub.transcripts.detect import READERS, detect_format
from podpub.transcripts.hints import with_hints

Reader = Callable[[str, Path], Transcript]

MAX_TRANSCRIPT_BYTES = 20_000_000


def _looks_utf16(data: bytes) -> bool:
    """Text saved as UTF-16 without a byte-order mark: every other byte of ASCII is NUL."""
    sample = data[:4000]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) >= 0.4 * (len(sample) // 2) and min(even, odd) <= 0.05 * len(sample)


def decode_text_as(data: bytes, path: Path) -> tuple[str, str]:
    """The text of a transcript and the encoding it was read in: UTF-8 (with or without a
    BOM), UTF-16 with a BOM (Notepad, Word), or Windows-1252 when the bytes are not UTF-8
    (what Windows editors call "ANSI"); a clear error otherwise. Newlines normalised."""
    encoding = "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in data:
        if _looks_utf16(data):
            raise TranscriptError(
                "looks like UTF-16 text without a byte-order mark",
                path,
                None,
                "save the transcript as UTF-8 (or as UTF-16 with a byte-order mark)",
            )
        raise TranscriptError(
            "contains NUL bytes: this is not a text file",
            path,
            None,
            "point 'transcript:' at the transcript text",
        )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding == "utf-16":
            raise TranscriptError(
                "starts with a UTF-16 byte-order mark but is not UTF-16 text",
                path,
                None,
                "save the transcript as UTF-8",
            ) from None
        try:
            text, encoding = data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            line = data[: exc.start].count(b"\n") + 1
            raise TranscriptError(
                f"neither UTF-8 nor Windows-1252 text (byte 0x{data[exc.start]:02x})",
                path,
                line,
                "save the transcript as UTF-8",
            ) from None
    if "\x00" in text:
        raise TranscriptError(
            "contains NUL characters: this is not a text file",
            path,
            None,
            "point 'transcript:' at the transcript text",
        )
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"), encoding


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
    text, encoding = decode_text_as(data, path)
    if not text.strip():
        raise TranscriptError(
            "transcript is empty", path, None, "put the episode's transcript text in the file"
        )
    name = fmt or detect_format(path, text)
    reader = READERS.get(name)
    if reader is None:
        raise TranscriptError(
            f"unknown transcript format {name!r}",
            path,
            None,
            f"use one of: {', '.join(sorted(READERS))}",
        )
    transcript = with_hints(reader(text, path))
    if encoding == "windows-1252":
        note = "read as Windows-1252 (the file is not UTF-8); save it as UTF-8 to be sure"
        transcript = replace(transcript, warnings=(*transcript.warnings, note))
    return xml_safe_record(transcript)  # no control characters in any output
