"""Unscripted audio found as such: stretches where the recogniser heard speech that
matches no transcript words placed near it (an ad read, an aside, a guest's remark the
transcript left out).

The recogniser follows a language model made from the transcript, so it hears any speech
as transcript words; but only the transcript's own speech comes out as runs of them in
order (``anchors.scripted_times``). A stretch of at least ``UNSCRIPTED_MIN_S`` where the
heard words are mostly not in such runs is unscripted. Its words anchor nothing (a chance
run of common words, "of the forms of", inside an ad is no sentence start), and a sentence
that DTW started inside it is looked for after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from podpub.align.anchors import scripted_times
from podpub.align.repair import Word, segments
from podpub.align.tuning import (
    SCRIPTED_WEIGHT,
    SPEECH_WORD_LETTERS,
    UNSCRIPTED_MIN_S,
    UNSCRIPTED_MIN_WORDS,
    WORD_MS,
)
from podpub.align.words import vocabulary


@dataclass(frozen=True)
class Stretch:
    """Unscripted audio (ms). ``open``: it runs to the end of what was heard, so it may
    go on after ``end_ms``."""

    start_ms: int
    end_ms: int
    open: bool

    def holds(self, ms: int) -> bool:
        return self.start_ms <= ms < self.end_ms


def unscripted_stretches(
    heard: Sequence[Word],
    windows: Sequence[tuple[float, float]],
    sentences: Sequence[str],
    starts: Sequence[int],
) -> list[Stretch]:
    """The unscripted stretches among the words ``heard`` in ``windows`` (seconds), the
    transcript's ``sentences`` placed at ``starts`` (ms)."""
    scripted = scripted_times(sentences, heard, starts, vocabulary())
    out: list[Stretch] = []
    for a, b in segments(windows):
        lo, hi = round(a * 1000), round(b * 1000)
        # short words and letters ("to two to two", "a p h") are what the recogniser
        # makes of music and noise: unscripted speech is heard as longer words
        words = [w for w in heard if lo <= w.start_ms < hi and len(w.text) >= SPEECH_WORD_LETTERS]
        flags = [w.start_ms in scripted for w in words]
        for first, last in _mostly_unmatched(flags):
            start, end = words[first].start_ms, words[last].start_ms + WORD_MS
            if last - first + 1 >= UNSCRIPTED_MIN_WORDS and end - start >= UNSCRIPTED_MIN_S * 1000:
                # no transcript run heard after it in the window: it may go on
                out.append(Stretch(start, min(end, hi), not any(flags[last + 1 :])))
    return out


def _mostly_unmatched(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """Index ranges (first, last) where words not in a transcript run (False) outweigh
    those in one (True, each weighing ``SCRIPTED_WEIGHT``): from an unmatched word, as far
    as the balance stays positive, ending where it peaked."""
    out = []
    i = 0
    while i < len(flags):
        if flags[i]:
            i += 1
            continue
        total = best = 0
        end = i
        for j in range(i, len(flags)):
            total += -SCRIPTED_WEIGHT if flags[j] else 1
            if total > best:
                best, end = total, j
            if total < 0:
                break
        out.append((i, end))
        i = end + 1
    return out


def without(heard: Sequence[Word], stretches: Sequence[Stretch]) -> list[Word]:
    """The heard words outside the unscripted stretches."""
    return [w for w in heard if not any(s.holds(w.start_ms) for s in stretches)]
