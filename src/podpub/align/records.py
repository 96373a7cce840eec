"""What the aligner returns, and the error that says it cannot run here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ENGINE = "espeak-ng+mfcc+dtw"


@dataclass(frozen=True)
class SentenceSpan:
    start_ms: int  # onset of the first word of the sentence
    end_ms: int
    confidence: float  # 0..1


@dataclass(frozen=True)
class Alignment:
    spans: tuple[SentenceSpan, ...]  # one per input sentence, same order, non-decreasing starts
    engine: str  # e.g. "espeak-ng+mfcc+dtw" (+ "+pocketsphinx" when repaired)
    # stretches (start, end ms) where recognition heard speech that is not in the
    # transcript (an ad read, an aside): the sentences after them start after them
    unscripted: tuple[tuple[int, int], ...] = ()


RepairMode = Literal["off", "targeted", "full"]


class AlignmentUnavailable(Exception):
    """Alignment cannot run here (no TTS engine, unsupported language, no speech...). The
    caller falls back to estimates with a warning; message says why."""
