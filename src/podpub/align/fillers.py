"""A paragraph start on a filler: a short sound on its own ("um", "you know", "I mean")
after the pause before a paragraph, then a short pause, then the paragraph's first words.
DTW cannot tell the filler from the first word (a synthetic voice's features match either
as poorly); the recogniser can: the words heard after the short pause begin the sentence,
and the sound before it holds none of the words that would have to be said there."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from podpub.align.anchors import spelled
from podpub.align.dtw import Path as DtwPath
from podpub.align.onsets import loud_frames, sound_end, weak_start
from podpub.align.records import SentenceSpan
from podpub.align.repair import Word
from podpub.align.synth import Synthetic
from podpub.align.tuning import (
    FILLER_HEARD_AFTER_S,
    FILLER_HEARD_BEFORE_S,
    FILLER_MATCH_WORDS,
    FILLER_MAX_S,
    FILLER_PAUSE_S,
    HOP_S,
    MIN_SPEAKING_RATE,
    ONSET_FORWARD_S,
    QUIET_RUN_S,
)
from podpub.align.words import words_and_sizes

F32 = npt.NDArray[np.float32]


def island(loud: npt.NDArray[np.bool_], start_ms: int) -> tuple[int, int, int] | None:
    """For a start at ``start_ms``: (its sound's first frame, the frame its sound ends at,
    the frame the next sound rises at) when that sound lasts at most ``FILLER_MAX_S`` and
    a pause of ``FILLER_PAUSE_S`` or more follows it; else None."""
    n = loud.size
    frame = round(start_ms / 1000 / HOP_S)
    reach = round(ONSET_FORWARD_S / HOP_S)
    ahead = np.flatnonzero(loud[max(0, frame) : min(n, frame + reach)])
    if not ahead.size:
        return None
    first = max(0, frame) + int(ahead[0])
    limit = min(n, first + round(FILLER_MAX_S / HOP_S) + 1)
    end = sound_end(loud, first, limit)
    if end >= limit:
        return None  # longer than a filler: the sentence's own words
    rises = np.flatnonzero(loud[end : limit + reach])
    if not rises.size or rises[0] < round(FILLER_PAUSE_S / HOP_S):
        return None
    return first, end, end + int(rises[0])


@dataclass(frozen=True)
class Sounds:
    """Where the audio is loud (frames), DTW's path, and where the synthetic speech of
    the text pauses (its frames inside a pause of ``QUIET_RUN_S`` or more)."""

    loud: npt.NDArray[np.bool_]
    path: DtwPath
    text_pauses: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, loud: npt.NDArray[np.bool_], path: DtwPath, synthetic: Synthetic) -> Sounds:
        quiet = (~loud_frames(synthetic.features.energy_db)).astype(np.int32)
        run = np.ones(round(QUIET_RUN_S / HOP_S), np.int32)
        # the frames of each full run of quiet ones: runs found, then spread back out
        full = (np.convolve(quiet, run, "valid") == run.size).astype(np.int32)
        return cls(loud, path, np.convolve(full, run)[: quiet.size] > 0)

    def filler_at(self, start_ms: int) -> tuple[int, int, int] | None:
        """``island`` at a start, when the text DTW matched to the pause after it says
        no pause there (no comma: a pause the speaker makes after a sound of the text's,
        or after a filler); else None."""
        found = island(self.loud, start_ms)
        if found is None:
            return None
        _, end, rise = found
        cols = self.path.cols  # in path order: never decreasing
        rows = self.path.rows[np.searchsorted(cols, end) : np.searchsorted(cols, rise)]
        if rows.size and self.text_pauses[int(rows.min()) : int(rows.max()) + 1].any():
            return None
        return found


def filler_windows(
    spans: Sequence[SentenceSpan],
    focus: Sequence[int],
    sounds: Sounds,
    duration_s: float,
) -> list[tuple[float, float]]:
    """The audio (seconds) to hear for each paragraph start DTW put on a short sound
    followed by a pause the text does not make (``Sounds.filler_at``): from just before
    that sound to ``FILLER_HEARD_AFTER_S`` after the pause."""
    out = []
    for i in sorted(set(focus)):
        if not 0 <= i < len(spans):
            continue
        found = sounds.filler_at(spans[i].start_ms)
        if found is not None:
            first, _, rise = found
            a = first * HOP_S - FILLER_HEARD_BEFORE_S
            out.append((max(0.0, a), min(duration_s, rise * HOP_S + FILLER_HEARD_AFTER_S)))
    return out


def after_fillers(
    spans: tuple[SentenceSpan, ...],
    sentences: Sequence[str],
    heard: Sequence[tuple[Sequence[Word], Sequence[tuple[float, float]]]],
    sounds: Sounds,
    energy: F32,
    focus: Sequence[int],
) -> tuple[SentenceSpan, ...]:
    """``spans`` with each paragraph start that is a filler moved to the sentence's first
    words after it (see ``opens_after``). Only starts whose sound and what follows it
    were heard are judged: ``heard`` holds the words heard and the windows (seconds)
    they were heard in, the first of these sources that heard a start judging it; starts
    stay in order."""
    out = list(spans)
    for i in sorted(set(focus)):
        if not 0 <= i < len(spans):
            continue
        sp = spans[i]
        found = sounds.filler_at(sp.start_ms)
        if found is None:
            continue
        first, end, rise = found
        a, b = first * HOP_S, rise * HOP_S + FILLER_HEARD_AFTER_S
        words = next(
            (w for w, windows in heard if any(x <= a and b <= y for x, y in windows)), None
        )
        if words is None:
            continue
        frame_ms = HOP_S * 1000
        before = [w for w in words if first * frame_ms - frame_ms <= w.start_ms < end * frame_ms]
        after = [w for w in words if end * frame_ms <= w.start_ms < b * 1000]
        onset = weak_start(sounds.loud, energy, rise)
        if not opens_after(sentences[i], before, after, round(onset * frame_ms)):
            continue
        nxt = next((s.start_ms for s in spans[i + 1 :] if s.start_ms > sp.start_ms), None)
        start = round(onset * frame_ms)
        if nxt is not None and start >= nxt:
            continue
        out[i] = SentenceSpan(start, max(sp.end_ms, start), sp.confidence)
    return tuple(out)


def opens_after(
    sentence: str, before: Sequence[Word], after: Sequence[Word], onset_ms: int
) -> bool:
    """Whether the words heard after a short pause (``after``, the pause ending at
    ``onset_ms``) begin ``sentence``, and those heard on the sound before it (``before``)
    are none of its own.

    The words after the pause begin it when two of them in a row are two of its first
    ``FILLER_MATCH_WORDS`` words in a row (w_j and w_j+1, heard as the m-th and m+1-th
    after the pause, m <= j: the m heard before them stand for its words before w_j,
    misheard) and all its words before w_j fit between the pause and w_j's heard time at
    the fastest speaking rate. The sound before the pause is then none of its own unless
    something heard there is like one of its words before w_j (its first word, for w_0):
    "that" for "thank", "message" of "Our message", a repeat the text spells ("I—I—")."""
    spoken = words_and_sizes(sentence)
    text = [spelled(w) for w, _ in spoken][: FILLER_MATCH_WORDS + 1]
    sizes = [size for _, size in spoken]
    words = [spelled(w.text) for w in after]
    for m in range(min(len(words) - 1, FILLER_MATCH_WORDS)):
        for j in range(m, min(len(text) - 1, FILLER_MATCH_WORDS)):
            if words[m] != text[j] or words[m + 1] != text[j + 1]:
                continue
            room = after[m].start_ms - min(onset_ms, after[0].start_ms)
            if room < sum(sizes[:j]) * MIN_SPEAKING_RATE:
                return False  # its words before w_j cannot all follow the pause
            own = text[: max(1, j)]
            return not any(_alike(spelled(h.text), t) for h in before for t in own)
    return False


def _alike(heard: str, word: str) -> bool:
    """A heard word the text's word may have been misheard as: the same, or the same
    first letters over at least half the shorter ("that" for "thank", "an" for "and")."""
    common = 0
    for x, y in zip(heard, word, strict=False):
        if x != y:
            break
        common += 1
    return heard == word or (common >= 2 and common * 2 >= min(len(heard), len(word)))
