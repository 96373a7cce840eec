"""Reader for Podcasting 2.0 JSON transcripts (pure).

The format (podcast-namespace ``docs/examples/transcripts/transcripts.md``)::

    {"version": "1.0.0",
     "segments": [{"speaker": "Alice", "startTime": 0.5, "endTime": 2.0, "body": "Hi."}]}

``startTime``/``endTime`` are seconds; they are read as decimals, so "12.345" is exactly
12345 ms. A segment may hold a single word; word-level files are merged into sentence
cues (a sentence ends at ., ?, ! or …, a speaker change, or a pause) before the cues are
joined into paragraphs. Whisper-style ``start``/``end``/``text`` keys are accepted too.
A JSON file that is not a transcript (a chapters file, anything else) is an error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from podpub.errors import TranscriptError
from podpub.model import Cue, Transcript
from podpub.transcripts.assemble import (
    OPEN_END,
    LineCue,
    TranscriptBuilder,
    ends_sentence,
    join_cues,
)
from podpub.transcripts.language import language_tag_ok, transcript_language
from podpub.transcripts.lines import is_annotation, normalize_space, parse_time_ms

MAX_SECONDS = 10_000_000  # ~115 days: anything larger is a mistake, not an episode
WORD_LEVEL_SHARE = 0.8  # share of one-word segments that marks a word-level file
SENTENCE_GAP_MS = 1500
MAX_SENTENCE_WORDS = 40
_SHAPE = (
    '{"version": "1.0.0", "segments": [{"speaker": "Name", "startTime": 0.0, '
    '"endTime": 2.5, "body": "text"}]}'
)
_NO_SPACE_BEFORE = re.compile(r"^(?:[.,!?;:…%)\]}»”’]|'s\b|n't\b|'re\b|'ve\b|'ll\b|'d\b|'m\b)")


@dataclass(frozen=True)
class _Segment:
    line: int
    start_ms: int
    end_ms: int | None
    body: str
    speaker: str | None


def parse_podcast_json(text: str, path: Path) -> Transcript:
    """Read a Podcasting 2.0 JSON transcript."""
    data = _load(text, path)
    builder = TranscriptBuilder(path, "podcast-json")
    builder.language = transcript_language(path)
    if isinstance(data.get("title"), str) and data["title"].strip():
        builder.title = data["title"]
    language = data.get("language")
    if isinstance(language, str) and language_tag_ok(language):
        builder.language = language.strip()
    if "version" not in data:
        builder.warn(1, "no 'version' key; read as a Podcasting 2.0 transcript anyway")
    segments = _segments(data["segments"], text, path)
    if not segments:
        builder.warn(1, "the transcript has no segments")
    words = sum(1 for s in segments if len(s.body.split()) <= 1)
    if len(segments) >= 3 and words >= WORD_LEVEL_SHARE * len(segments):
        cues = _sentences(segments)
    else:
        cues = [
            LineCue(
                s.line,
                Cue(
                    s.start_ms,
                    OPEN_END if s.end_ms is None else s.end_ms,
                    normalize_space(s.body),
                    s.speaker,
                    "given",
                ),
            )
            for s in segments
        ]
    kept: list[LineCue] = []
    for lc in cues:
        if not lc.cue.text:
            continue
        if is_annotation(lc.cue.text):
            builder.set_aside(lc.line, lc.cue.text, "annotation")
        else:
            kept.append(lc)
    for para in join_cues(kept):
        builder.add(para)
    return builder.build()


def _load(text: str, path: Path) -> dict[str, Any]:
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise TranscriptError(
            f"not valid JSON: {exc.msg}", path, exc.lineno, "check the JSON syntax near there"
        ) from None
    except RecursionError:
        raise TranscriptError("JSON nested too deeply", path, 1, f"expected {_SHAPE}") from None
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        hint = f"a JSON transcript looks like {_SHAPE}"
        what = "no 'segments' list"
        if isinstance(data, dict) and "chapters" in data:
            what = "this is a chapters file"
            hint = "list it under 'chapters' in episode.yaml, not as the transcript"
        elif not isinstance(data, dict):
            what = f"the top level is a {type(data).__name__}, not an object"
        raise TranscriptError(f"JSON is not a podcast transcript: {what}", path, 1, hint)
    return data


def _segments(raw: list[Any], text: str, path: Path) -> list[_Segment]:
    lines = _element_lines(text, len(raw))
    out: list[_Segment] = []
    for index, seg in enumerate(raw):
        line = lines[index] if lines else 1
        where = f"segment {index + 1}"
        if not isinstance(seg, dict):
            raise TranscriptError(
                f"{where} is not an object", path, line, f"each segment looks like {_SHAPE}"
            )
        body = seg.get("body", seg.get("text"))
        if not isinstance(body, str):
            raise TranscriptError(
                f"{where} has no 'body' text", path, line, 'give it "body": "what was said"'
            )
        start = _ms(seg.get("startTime", seg.get("start")))
        if start is None:
            raise TranscriptError(
                f"{where} has no valid 'startTime' (seconds)",
                path,
                line,
                'give it "startTime": 12.5',
            )
        end_value = seg.get("endTime", seg.get("end"))
        end = _ms(end_value)
        if end_value is not None and end is None:
            raise TranscriptError(
                f"{where} has an invalid 'endTime'", path, line, "use seconds, e.g. 14.25"
            )
        if end is not None and end < start:
            raise TranscriptError(
                f"{where} ends before it starts", path, line, "correct startTime/endTime"
            )
        speaker = seg.get("speaker")
        name = normalize_space(str(speaker)) if isinstance(speaker, (str, int)) else ""
        out.append(_Segment(line, start, end, body, name or None))
    return out


def _ms(value: Any) -> int | None:
    """Seconds (number, numeric string or clock string) → ms; None when absent or bad."""
    if value is None or isinstance(value, bool):
        return None
    seconds: Decimal
    if isinstance(value, int):
        seconds = Decimal(value)
    elif isinstance(value, Decimal):
        seconds = value
    elif isinstance(value, str):
        try:
            seconds = Decimal(value.strip())
        except InvalidOperation:
            return parse_time_ms(value.strip()) if ":" in value else None
    else:
        return None
    if not seconds.is_finite() or seconds < 0 or seconds > MAX_SECONDS:
        return None
    return int((seconds * 1000).to_integral_value(rounding=ROUND_HALF_EVEN))


def _element_lines(text: str, count: int) -> list[int]:
    """The 1-based line on which each element of the "segments" array starts.

    Best effort (for error messages and ``Paragraph.line``): an empty list when the
    array cannot be walked.
    """
    m = re.search(r'"segments"\s*:\s*\[', text)
    if not m:
        return []
    decoder = json.JSONDecoder(parse_float=Decimal)
    ws = re.compile(r"[\s,]*")
    pos = m.end()
    line = text.count("\n", 0, pos) + 1
    out: list[int] = []
    try:
        while len(out) < count:
            skip = ws.match(text, pos)
            new_pos = skip.end() if skip else pos
            line += text.count("\n", pos, new_pos)
            pos = new_pos
            if pos >= len(text) or text[pos] == "]":
                break
            out.append(line)
            _, end = decoder.raw_decode(text, pos)
            line += text.count("\n", pos, end)
            pos = end
    except (ValueError, RecursionError):
        return []
    return out if len(out) == count else []


def _sentences(words: list[_Segment]) -> list[LineCue]:
    """Merge word-level segments into sentence cues (first word start → last word end)."""
    out: list[LineCue] = []
    run: list[_Segment] = []

    def close() -> None:
        if not run:
            return
        text = ""
        for w in run:
            body = normalize_space(w.body)
            if not body:
                continue
            sep = "" if not text or _NO_SPACE_BEFORE.match(body) else " "
            text += sep + body
        last = run[-1]
        end = last.end_ms if last.end_ms is not None else OPEN_END
        out.append(LineCue(run[0].line, Cue(run[0].start_ms, end, text, run[0].speaker, "given")))
        run.clear()

    for w in words:
        if run:
            prev = run[-1]
            prev_end = prev.end_ms if prev.end_ms is not None else prev.start_ms
            if w.speaker != prev.speaker or w.start_ms - prev_end >= SENTENCE_GAP_MS:
                close()
        run.append(w)
        if ends_sentence(w.body) or len(run) >= MAX_SENTENCE_WORDS:
            close()
    close()
    return out


__all__ = ["parse_podcast_json"]
