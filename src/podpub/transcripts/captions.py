"""Readers for SubRip (.srt) and WebVTT (.vtt) captions (pure).

Caption cues split sentences at arbitrary points; the readers re-join consecutive cues of
one speaker into paragraphs (``assemble.join_cues``) and keep every cue, with its exact
times, in ``Paragraph.cues`` (source "given").

Speakers: a WebVTT voice span ``<v Name>`` (the podcast namespace's way, and Apple's), or
a ``Name:`` prefix, which SRT files write only where the speaker changes: the speaker
carries over to the following cues until the next label.

Lenient where files in the wild differ and nothing is lost: cue numbers may be missing,
times may be ``0.000``, ``1:03.100``, ``01:03,100``, the hour field may appear only after
the first hour, a comma or a dot may separate milliseconds. NOTE, STYLE and REGION
blocks are skipped. A time line that cannot be read is an error with its line number:
guessing would shift every later cue.

YouTube's rolling auto-captions (inline word times ``<00:00:01.500><c> word</c>``, or
two-line cues that keep opening with the previous cue's last line) repeat each line in the
next cue and in 10 ms "hold" cues: the repeated lines are dropped, so each phrase is read
once, at the time it first appears. A cue whose text follows a blank line (YouTube's
lone-space line, stripped) takes that text.
"""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path

from podpub.errors import TranscriptError
from podpub.model import Cue, Transcript
from podpub.transcripts.assemble import LineCue, TranscriptBuilder, join_cues
from podpub.transcripts.labels import is_plausible_speaker, match_label
from podpub.transcripts.language import language_tag_ok, transcript_language
from podpub.transcripts.lines import is_annotation, normalize_space, parse_time_ms, split_lines

_TIME_LINE = re.compile(r"^\s*(\S+)\s*-->\s*(\S+)(?:\s+(.*))?$")
# Something that tries to be a time line but lacks a proper "-->".
_TIME_ATTEMPT = re.compile(r"^\s*\d[\d:.,]*\s*(?:-+>|[–—=]+>|->|-|–|—|to|>)\s*\d[\d:.,]*\s*$")
_INDEX = re.compile(r"^\d+$")
_VOICE = re.compile(r"^\s*<v(?:\.[\w.-]+)*(?:\s+([^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d[\d:.]*>|</?(?:v|c|i|b|u|ruby|rt|lang)>")
_ASS_TAG = re.compile(r"\{\\[^}]*\}")
_INLINE_TIME = re.compile(r"<\d{2}:\d{2}:\d{2}\.\d{3}><c>")
_VTT_SKIP_BLOCK = re.compile(r"^(?:NOTE|STYLE|REGION)(?:\s|$)")
_TIME_HINT = "write cue times as 00:01:02,500 --> 00:01:05,000 (SRT) or 00:01:02.500 (VTT)"


def parse_srt(text: str, path: Path) -> Transcript:
    """Read SubRip captions."""
    return _read(text, path, vtt=False)


def parse_vtt(text: str, path: Path) -> Transcript:
    """Read WebVTT captions."""
    return _read(text, path, vtt=True)


def _read(text: str, path: Path, vtt: bool) -> Transcript:
    builder = TranscriptBuilder(path, "vtt" if vtt else "srt")
    builder.language = transcript_language(path)
    lines = split_lines(text)
    start = _vtt_header(lines, builder) if vtt else 0
    cues = _CueReader(lines, path, builder, vtt).read(start)
    for para in join_cues(cues):
        builder.add(para)
    if not builder.has_paragraphs:
        builder.warn(0, "no caption cue has any text")
    return builder.build()


def _vtt_header(lines: list[str], builder: TranscriptBuilder) -> int:
    """Skip the WEBVTT header block; read its title and Language. Return the next index."""
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        return 0
    head = lines[first].strip().lstrip("\ufeff")
    if not re.match(r"WEBVTT(?:\s|$)", head):
        builder.warn(first + 1, "a WebVTT file should start with 'WEBVTT'; read anyway")
        return first
    title = head[6:].strip(" \t-–—:")
    if title:
        builder.title = title
    i = first + 1
    while i < len(lines) and lines[i].strip() and "-->" not in lines[i]:
        key, _, value = lines[i].partition(":")
        if key.strip().lower() == "language" and language_tag_ok(value):
            builder.language = value.strip()
        i += 1
    return i


class _CueReader:
    def __init__(self, lines: list[str], path: Path, builder: TranscriptBuilder, vtt: bool) -> None:
        self.lines = lines
        self.path = path
        self.b = builder
        self.vtt = vtt
        self.speaker: str | None = None
        self.out: list[LineCue] = []
        self.last_start = -1
        self.warned_order = False
        # YouTube's rolling captions: inline word times ("<00:00:01.500><c> word</c>"), or
        # cues that again and again open with the previous cue's last line.
        self.rolling = vtt and _looks_rolling(lines)
        self.previous_lines: list[str] = []

    def read(self, start: int) -> list[LineCue]:
        i = start
        n = len(self.lines)
        while i < n:
            s = self.lines[i].strip()
            if not s:
                i += 1
                continue
            if self.vtt and _VTT_SKIP_BLOCK.match(s):
                i = self._skip_block(i)
                continue
            if "-->" in s:
                i = self._cue(i, i)
                continue
            nxt = self.lines[i + 1].strip() if i + 1 < n else ""
            if "-->" in nxt:  # a cue number (SRT) or cue identifier (VTT)
                i = self._cue(i + 1, i)
                continue
            if _TIME_ATTEMPT.match(s):
                raise self._bad_time(i + 1, s)
            if _TIME_ATTEMPT.match(nxt):  # after a cue number or identifier
                raise self._bad_time(i + 2, nxt)
            if not self.vtt and _INDEX.match(s):
                what = f"'{nxt}'" if nxt else "a blank line"
                raise TranscriptError(
                    f"cue {s} has no time line: found {what} where 'start --> end' belongs",
                    self.path,
                    i + 2,
                    _TIME_HINT,
                )
            i = self._orphan(i)
        return self.out

    def _bad_time(self, line: int, text: str) -> TranscriptError:
        return TranscriptError(
            f"cannot read the cue time line {text.strip()!r}", self.path, line, _TIME_HINT
        )

    def _skip_block(self, i: int) -> int:
        while i < len(self.lines) and self.lines[i].strip():
            i += 1
        return i

    def _orphan(self, i: int) -> int:
        """Text outside any cue: a blank line inside a cue's text, most likely."""
        end = self._skip_block(i)
        text = normalize_space(" ".join(self.lines[i:end]))
        if self.out and not self.vtt:
            last = self.out[-1]
            merged = Cue(
                last.cue.start_ms,
                last.cue.end_ms,
                normalize_space(last.cue.text + " " + _clean(text, self.vtt)),
                last.cue.speaker,
                "given",
            )
            self.out[-1] = LineCue(last.line, merged)
            self.b.warn(i + 1, "text after a blank line inside a cue; joined to the cue before")
        else:
            self.b.set_aside(i + 1, text, "not-a-cue")
            self.b.warn(i + 1, "text outside any cue is left out")
        return end

    def _cue(self, t: int, first: int) -> int:
        """Read the cue whose time line is at index ``t``; return the index after it."""
        raw = self.lines[t]
        m = _TIME_LINE.match(raw)
        if not m:
            raise self._bad_time(t + 1, raw)
        start_ms, end_ms = parse_time_ms(m.group(1)), parse_time_ms(m.group(2))
        if start_ms is None or end_ms is None:
            bad = m.group(1) if start_ms is None else m.group(2)
            raise TranscriptError(
                f"cannot read the cue time {bad!r} in {raw.strip()!r}",
                self.path,
                t + 1,
                _TIME_HINT,
            )
        if end_ms < start_ms:
            raise TranscriptError(
                f"the cue ends ({m.group(2)}) before it starts ({m.group(1)})",
                self.path,
                t + 1,
                "swap or correct the two times",
            )
        if start_ms < self.last_start and not self.warned_order:
            self.warned_order = True
            self.b.warn(t + 1, "cues are not in time order")
        self.last_start = start_ms
        end = t + 1
        while end < len(self.lines) and self._in_cue(self.lines[end]):
            end += 1
        body = self.lines[t + 1 : end]
        body_line = t + 2
        if self.vtt and not any(_clean(line, True) for line in body):
            end, body, body_line = self._detached_text(end, body, body_line)
        # A cue number glued to the next cue (no blank line between cues) is not text.
        if (
            end < len(self.lines)
            and "-->" in self.lines[end]
            and body
            and _INDEX.match(body[-1].strip())
        ):
            body = body[:-1]
            end -= 1
        if self.rolling:
            body = self._unroll(body)
        self._segments(body, body_line, start_ms, end_ms)
        return end

    def _detached_text(self, end: int, body: list[str], line: int) -> tuple[int, list[str], int]:
        """A cue with no text whose text follows after a blank line (YouTube's blank first
        line, its space stripped): take that text as the cue's. Return end, body, line."""
        j = end
        while j < len(self.lines) and not self.lines[j].strip():
            j += 1
        if j >= len(self.lines) or "-->" in self.lines[j] or j == end:
            return end, body, line
        s = self.lines[j].strip()
        nxt = self.lines[j + 1] if j + 1 < len(self.lines) else ""
        if "-->" in nxt or _VTT_SKIP_BLOCK.match(s) or _TIME_ATTEMPT.match(s):
            return end, body, line
        k = j
        while k < len(self.lines) and self._in_cue(self.lines[k]):
            k += 1
        if not self.rolling:
            self.b.warn(j + 1, "a blank line between a cue's time and its text; read as its text")
        return k, self.lines[j:k], j + 1

    def _in_cue(self, line: str) -> bool:
        # WebVTT ends a cue at an empty line only: YouTube writes lines of one space inside
        # cues. SubRip files in the wild put stray spaces on the separating lines.
        if "-->" in line:
            return False
        return line != "" if self.vtt else bool(line.strip())

    def _unroll(self, body: list[str]) -> list[str]:
        """Rolling captions repeat the previous cue's last line(s) first: drop them, so
        that each line is read once, at the time it first appears."""
        texts = [normalize_space(_clean(line, True)) for line in body]
        shown = [t for t in texts if t]
        repeated = _overlap(self.previous_lines, shown)
        self.previous_lines = shown  # an empty cue clears the screen
        if not repeated:
            return list(body)
        kept = [line for line, text in zip(body, texts, strict=True) if text]
        return kept[repeated:]

    def _segments(self, body: list[str], line: int, start_ms: int, end_ms: int) -> None:
        """Split a cue's text where a voice or label changes the speaker; emit cues."""
        groups: list[tuple[int, str | None, list[str]]] = []
        for k, raw in enumerate(body):
            speaker, text = self._speaker_of(raw)
            if speaker is not None and speaker != self.speaker:
                self.speaker = speaker
                groups.append((line + k, speaker, [text]))
            elif groups:
                groups[-1][2].append(text)
            else:
                groups.append((line + k, self.speaker, [text]))
        for number, speaker, texts in groups:
            text = normalize_space(" ".join(texts))
            if not text:
                continue
            if is_annotation(text):
                self.b.set_aside(number, text, "annotation")
                continue
            self.out.append(LineCue(number, Cue(start_ms, end_ms, text, speaker, "given")))

    def _speaker_of(self, raw: str) -> tuple[str | None, str]:
        """The speaker named at the start of a caption line (if any) and the clean text."""
        s = raw.strip()
        voice = _VOICE.match(s) if self.vtt or s.startswith("<v") else None
        if voice:
            name = normalize_space(html.unescape(voice.group(1) or ""))
            return (name or None), _clean(s[voice.end() :], self.vtt)
        s = _clean(s, self.vtt)
        s = re.sub(r"^>>\s*", "", s)
        label = match_label(s)
        if (
            label is not None
            and label.speaker is not None
            and label.start_ms is None
            and label.text
            and is_plausible_speaker(label.speaker)
            and s.startswith(label.raw_label)
        ):
            return label.speaker, label.text
        return None, s


def _overlap(before: list[str], lines: list[str]) -> int:
    """How many of ``lines``' first lines repeat ``before``'s last lines (0 if none)."""
    for k in range(min(len(before), len(lines)), 0, -1):
        if before[-k:] == lines[:k]:
            return k
    return 0


def _looks_rolling(lines: list[str]) -> bool:
    """YouTube-style rolling captions: inline word times; or, in a file without voices,
    two-line cues that open with the previous cue's last line, at least three of them and
    at least half of the cues with text."""
    if any(_INLINE_TIME.search(line) for line in lines):
        return True
    if any(_VOICE.match(line) for line in lines):
        return False
    bodies: list[list[str]] = []
    current: list[str] | None = None
    for line in lines:
        if "-->" in line:
            current = []
            bodies.append(current)
        elif line == "":
            current = None
        elif current is not None and normalize_space(_clean(line, True)):
            current.append(normalize_space(_clean(line, True)))
    texted = [b for b in bodies if b]
    pairs = itertools.pairwise(texted)
    repeats = sum(1 for a, b in pairs if len(b) == 2 and b[0] == a[-1] and b[1] != b[0])
    return repeats >= 3 and 2 * repeats >= len(texted)


def _clean(text: str, vtt: bool) -> str:
    s = _ASS_TAG.sub("", text)
    s = _TAG.sub("", s)
    if vtt or "&" in s:
        s = html.unescape(s)
    return s.replace("\u200e", "").replace("\u200f", "").strip()


__all__ = ["parse_srt", "parse_vtt"]
