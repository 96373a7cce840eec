"""Unscripted audio found as such: stretches where the recogniser heard speech that
matches no transcript words placed near it (an ad read, an aside, a guest's remark the
transcript left out).

The recogniser follows a language model made from the transcript, so it hears any speech
as transcript words; but only the transcript's own speech comes out as runs of them in
order (``anchors.scripted_times``). How many of the heard words fall in such runs depends
on how well the recogniser hears this voice (a synthetic voice, an accent, noise, a low
bitrate): the decision is relative to it. The share of the episode's heard words that are
in runs (measured in the same recognition pass) calibrates what transcript speech looks
like here; a stretch of at least ``UNSCRIPTED_MIN_S`` whose share is far below it is a
candidate, and it is unscripted only when the warp agrees: the transcript text DTW
placed there, at the episode's speaking rate, explains little of its length (an ad DTW
absorbed between sentences or stretched one over). Transcript speech heard poorly is
explained in full, however few of its words were heard.

Its words anchor nothing (a chance run of common words, "of the forms of", inside an ad
is no sentence start), and a sentence that DTW started inside it is looked for after it.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from podpub.align.anchors import scripted_times
from podpub.align.repair import Word, segments
from podpub.align.synth import Synthetic
from podpub.align.tuning import (
    HOP_S,
    LONGEST_PAUSE_S,
    SPEECH_WORD_LETTERS,
    UNSCRIPTED_EXPLAINED_MAX,
    UNSCRIPTED_MIN_S,
    UNSCRIPTED_MIN_WORDS,
    UNSCRIPTED_RATE_SHARE,
    WORD_MS,
)
from podpub.align.warp import Warp
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


class Explained:
    """How much of a stretch of the audio the transcript text DTW placed there explains:
    the synthetic speech frames (inside sentences, not the pauses between them) the warp
    maps into it, at the episode's speaking rate, as a share of its length."""

    def __init__(self, synthetic: Synthetic, warp: Warp) -> None:
        rows = warp.path.first.size
        spoken = np.zeros(rows + 1, dtype=np.int64)  # +1 / -1 at each sentence's edges
        for s, e in zip(synthetic.onsets, synthetic.ends, strict=True):
            if 0 <= s < e <= rows:
                spoken[s] += 1
                spoken[e] -= 1
        inside = np.cumsum(spoken[:-1]) > 0
        self._counted: npt.NDArray[np.int64] = np.concatenate(([0], np.cumsum(inside)))
        self._first = warp.path.first
        self._last = warp.path.last
        self._ratio = warp.speaking_ratio

    def share(self, start_ms: int, end_ms: int) -> float:
        fa, fb = round(start_ms / 1000 / HOP_S), round(end_ms / 1000 / HOP_S)
        if fb <= fa:
            return 1.0
        # the rows whose audio frames meet [fa, fb): both ends are monotone along the path
        lo = int(np.searchsorted(self._last, fa, side="left"))
        hi = int(np.searchsorted(self._first, fb, side="left"))
        text = int(self._counted[max(hi, lo)] - self._counted[lo])
        return text * self._ratio / (fb - fa)


def unscripted_stretches(
    heard: Sequence[Word],
    windows: Sequence[tuple[float, float]],
    sentences: Sequence[str],
    starts: Sequence[int],
    explained: Explained | None = None,
) -> list[Stretch]:
    """The unscripted stretches among the words ``heard`` in ``windows`` (seconds), the
    transcript's ``sentences`` placed at ``starts`` (ms); with the warp's ``explained``,
    only those the transcript text placed there does not explain."""
    scripted = scripted_times(sentences, heard, starts, vocabulary())
    heard_in: list[list[Word]] = []
    for a, b in segments(windows):
        lo, hi = round(a * 1000), round(b * 1000)
        # short words and letters ("to two to two", "a p h") are what the recogniser
        # makes of music and noise: unscripted speech is heard as longer words
        heard_in.append(
            [w for w in heard if lo <= w.start_ms < hi and len(w.text) >= SPEECH_WORD_LETTERS]
        )
    heard_ms = sorted(w.start_ms for w in heard)
    weight = _scripted_weight([w.start_ms in scripted for ws in heard_in for w in ws])
    if weight is None:
        return []  # nothing of the transcript heard anywhere: nothing to compare with
    out: list[Stretch] = []
    for (_, b), words in zip(segments(windows), heard_in, strict=True):
        hi = round(b * 1000)
        flags = [w.start_ms in scripted for w in words]
        for first, last in _mostly_unmatched(flags, weight):
            start, end = words[first].start_ms, min(words[last].start_ms + WORD_MS, hi)
            if last - first + 1 < UNSCRIPTED_MIN_WORDS or end - start < UNSCRIPTED_MIN_S * 1000:
                continue
            if explained is not None and explained.share(start, end) > UNSCRIPTED_EXPLAINED_MAX:
                continue  # the transcript's speech, heard poorly
            last = _before_resuming(words, flags, first, last, heard_ms)
            end = min(words[last].start_ms + WORD_MS, hi)
            # no transcript run heard after it in the window: it may go on
            out.append(Stretch(start, end, not any(flags[last + 1 :])))
    return out


def _before_resuming(
    words: Sequence[Word], flags: Sequence[bool], first: int, last: int, heard_ms: Sequence[int]
) -> int:
    """The last word of the stretch ``first`` .. ``last``: before its longest pause (no
    word at all heard for ``LONGEST_PAUSE_S`` after one's length; ``heard_ms``: every
    heard word's start, in order) that transcript words heard in a run follow.
    Unscripted audio ends at a pause, and the transcript resumes after it; a short
    sentence heard poorly there ("This steward was practically supreme." heard as "this
    through was practically supreme" after an aside) is too short to outweigh the
    stretch before it."""
    in_run = [k for k in range(first + 1, last + 1) if flags[k]]
    best, cut = LONGEST_PAUSE_S * 1000 + WORD_MS, last
    for k in range(first + 1, in_run[-1] + 1 if in_run else first + 1):
        at = words[k].start_ms
        before = heard_ms[bisect.bisect_left(heard_ms, at) - 1]
        if at - before >= best:
            best, cut = at - before, k - 1
    return cut


def _scripted_weight(flags: Sequence[bool]) -> float | None:
    """How many unmatched words a word in a transcript run outweighs, so that a stretch
    is mostly unmatched when its share of words in runs is under ``UNSCRIPTED_RATE_SHARE``
    of the episode's (``flags``: every heard word, in a run or not); None when no word
    was heard in a run."""
    rate = sum(flags) / len(flags) if flags else 0.0
    if rate <= 0.0:
        return None
    share = UNSCRIPTED_RATE_SHARE * rate
    return (1.0 - share) / share


def _mostly_unmatched(flags: Sequence[bool], weight: float) -> list[tuple[int, int]]:
    """Index ranges (first, last) where words not in a transcript run (False) outweigh
    those in one (True, each weighing ``weight``): from an unmatched word to the farthest
    unmatched one before the balance turns negative (a chance run inside an ad does not
    split it; a sentence of the text ends it)."""
    out = []
    i = 0
    while i < len(flags):
        if flags[i]:
            i += 1
            continue
        total = 0.0
        end = i
        for j in range(i, len(flags)):
            total += -weight if flags[j] else 1.0
            if total < 0:
                break
            if not flags[j]:
                end = j
        out.append((i, end))
        i = end + 1
    return out


def without(heard: Sequence[Word], stretches: Sequence[Stretch]) -> list[Word]:
    """The heard words outside the unscripted stretches."""
    return [w for w in heard if not any(s.holds(w.start_ms) for s in stretches)]
