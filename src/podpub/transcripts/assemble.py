"""Transcript reading: collect headings, paragraphs and set-aside lines into a Transcript (pure).

Every reader walks its input once and reports what it finds to a ``TranscriptBuilder``;
the builder owns the rules shared by all formats:

- a heading starts a Section; the opening Section has no heading; a Section left without
  paragraphs is dropped with a warning (every Section of a Transcript has paragraphs);
- a Section's ``given_start_ms`` is the time written with its heading, else the given
  start of its first paragraph;
- a given cue whose end is not known (``OPEN_END``) ends where the next given cue starts;
  the last one gets an estimate from its word count (``estimate_end_ms``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from podpub.model import Cue, Guess, Paragraph, Section, SetAside, Transcript
from podpub.transcripts.lines import normalize_space, word_count

OPEN_END = -1  # Cue.end_ms placeholder: "ends where the next cue starts"

# Speech runs at ~150 words a minute; used only for the end of the very last timed
# paragraph when the transcript does not say (the timing stage clamps it to the audio).
MS_PER_WORD = 400
MIN_CUE_MS = 1000

# Consecutive caption cues of one speaker are joined into one paragraph unless they are
# this far apart, or the paragraph is already long and the previous cue ended a sentence.
PARAGRAPH_GAP_MS = 3000
PARAGRAPH_SOFT_WORDS = 120
PARAGRAPH_HARD_WORDS = 250

_SENTENCE_END = re.compile(r"[.?!…][\"'”’)\]]*$")


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text.rstrip()))


def estimate_end_ms(start_ms: int, text: str) -> int:
    return start_ms + max(MIN_CUE_MS, MS_PER_WORD * word_count(text))


@dataclass
class _SectionDraft:
    title: str | None
    line: int
    given_start_ms: int | None
    paragraphs: list[Paragraph] = field(default_factory=list)


class TranscriptBuilder:
    """Mutable collector used inside one reader call; ``build()`` returns the record."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path = path
        self.format = fmt
        self.title: str | None = None
        self.language: str | None = None
        self._sections: list[_SectionDraft] = [_SectionDraft(None, 0, None)]
        self._set_aside: list[SetAside] = []
        self._warnings: list[str] = []
        self._speakers: dict[str, None] = {}
        self._layout: dict[str, None] = {}
        self._guesses: list[Guess] = []

    # -- reporting --------------------------------------------------------------------

    def heading(self, title: str, line: int, start_ms: int | None = None) -> None:
        self._sections.append(_SectionDraft(normalize_space(title), line, start_ms))

    def paragraph(
        self, text: str, speaker: str | None, line: int, cues: Sequence[Cue] = ()
    ) -> None:
        clean = normalize_space(text)
        if not clean:
            return
        if speaker:
            self._speakers.setdefault(speaker, None)
        self._sections[-1].paragraphs.append(
            Paragraph(text=clean, speaker=speaker or None, line=line, cues=tuple(cues))
        )

    def add(self, paragraph: Paragraph) -> None:
        self.paragraph(paragraph.text, paragraph.speaker, paragraph.line, paragraph.cues)

    def set_aside(self, line: int, text: str, reason: str) -> None:
        self._set_aside.append(SetAside(line=line, text=normalize_space(text), reason=reason))

    def warn(self, line: int, message: str) -> None:
        self._warnings.append(f"line {line}: {message}" if line else message)

    def found(self, feature: str) -> None:
        """Note a trait of the file's layout ("time marks in the text"), for inspect."""
        self._layout.setdefault(feature, None)

    def guess(self, line: int, reading: str, settle: str) -> None:
        """Note a reading the reader is unsure of, with how to settle it."""
        self._guesses.append(Guess(line, reading, settle))

    # -- questions readers ask ------------------------------------------------------------

    @property
    def has_paragraphs(self) -> bool:
        return any(s.paragraphs for s in self._sections)

    @property
    def has_headings(self) -> bool:
        return len(self._sections) > 1

    def knows_speaker(self, speaker: str) -> bool:
        return speaker in self._speakers

    # -- result -----------------------------------------------------------------------

    def build(self) -> Transcript:
        _close_open_ends(self._sections)
        sections: list[Section] = []
        for draft in self._sections:
            if not draft.paragraphs:
                if draft.title is not None:
                    self.warn(
                        draft.line,
                        f"heading {draft.title!r} has no text under it; "
                        "it is not used as a chapter",
                    )
                continue
            start = draft.given_start_ms
            if start is None:
                start = draft.paragraphs[0].given_start_ms
            sections.append(Section(draft.title, tuple(draft.paragraphs), draft.line, start))
        return Transcript(
            title=normalize_space(self.title) if self.title else None,
            sections=tuple(sections),
            set_aside=tuple(sorted(self._set_aside, key=lambda s: s.line)),
            format=self.format,
            warnings=tuple(self._warnings),
            language=self.language,
            layout=tuple(self._layout),
            guesses=tuple(self._guesses),
        )


def _close_open_ends(sections: Sequence[_SectionDraft]) -> None:
    """Give each cue with ``OPEN_END`` the start of the next given cue (or an estimate)."""
    slots = [
        (si, pi, ci)
        for si, s in enumerate(sections)
        for pi, p in enumerate(s.paragraphs)
        for ci in range(len(p.cues))
    ]
    starts = [sections[si].paragraphs[pi].cues[ci].start_ms for si, pi, ci in slots]
    # The first later start that is greater than each start (a monotonic stack, O(n)).
    next_greater: list[int | None] = [None] * len(starts)
    stack: list[int] = []
    for k in range(len(starts) - 1, -1, -1):
        while stack and stack[-1] <= starts[k]:
            stack.pop()
        next_greater[k] = stack[-1] if stack else None
        stack.append(starts[k])
    for k, (si, pi, ci) in enumerate(slots):
        para = sections[si].paragraphs[pi]
        cue = para.cues[ci]
        if cue.end_ms != OPEN_END:
            continue
        nxt = next_greater[k]
        end = nxt if nxt is not None else estimate_end_ms(cue.start_ms, cue.text)
        cues = list(para.cues)
        cues[ci] = replace(cue, end_ms=end)
        sections[si].paragraphs[pi] = replace(para, cues=tuple(cues))


@dataclass(frozen=True)
class LineCue:
    """A cue read from a timed file, with the line its text starts on."""

    line: int
    cue: Cue


def join_cues(cues: Iterable[LineCue]) -> list[Paragraph]:
    """Re-join caption cues that split sentences into paragraphs (one speaker each).

    Each cue is kept, with its exact times, in ``Paragraph.cues``. A new paragraph starts
    when the speaker changes, after a pause of ``PARAGRAPH_GAP_MS``, or once a paragraph
    is long (``PARAGRAPH_SOFT_WORDS`` at a sentence end, ``PARAGRAPH_HARD_WORDS`` anyway).
    """
    out: list[Paragraph] = []
    run: list[LineCue] = []
    words = 0

    def flush() -> None:
        if run:
            text = normalize_space(" ".join(lc.cue.text for lc in run))
            para = Paragraph(text, run[0].cue.speaker, run[0].line, tuple(lc.cue for lc in run))
            out.append(para)
            run.clear()

    for lc in cues:
        if run:
            prev = run[-1].cue
            gap = lc.cue.start_ms - prev.end_ms
            if (
                lc.cue.speaker != prev.speaker
                or gap >= PARAGRAPH_GAP_MS
                or (words >= PARAGRAPH_SOFT_WORDS and ends_sentence(prev.text))
                or words >= PARAGRAPH_HARD_WORDS
            ):
                flush()
                words = 0
        run.append(lc)
        words += word_count(lc.cue.text)
    flush()
    return out


__all__ = [
    "MS_PER_WORD",
    "OPEN_END",
    "PARAGRAPH_GAP_MS",
    "LineCue",
    "TranscriptBuilder",
    "ends_sentence",
    "estimate_end_ms",
    "join_cues",
]
