"""Sentence onsets from frame energies: a mapped or estimated onset moved to where the
speech begins (out of a pause, off the tail of the word before, back over a soft start).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from podpub.align.tuning import (
    BLIP_S,
    FLOOR_PERCENTILE,
    HOP_S,
    LEVEL_PERCENTILE,
    LONGEST_PAUSE_S,
    LOUD_SHARE,
    MIN_PAUSE_LEVEL_FRAMES,
    ONSET_FORWARD_S,
    ONSET_SEARCH_S,
    PAUSE_LEVEL_FRAMES,
    QUIET_RUN_S,
    TAIL_AFTER_S,
    TAIL_BEFORE_S,
    TAIL_LOUD_SHARE,
    TAIL_PAUSE_S,
    WEAK_START_DB,
    WEAK_START_RANGE_DB,
    WEAK_START_S,
)

F32 = npt.NDArray[np.float32]


def speech_levels(energy_db: F32) -> tuple[float, float]:
    """A stream's noise floor and speech level (dB): its quietest frames and its loudest,
    a few peaks aside."""
    return (
        float(np.percentile(energy_db, FLOOR_PERCENTILE)),
        float(np.percentile(energy_db, LEVEL_PERCENTILE)),
    )


def loud_frames(energy_db: F32) -> npt.NDArray[np.bool_]:
    """Which frames are loud (speech level, not the pauses between): above ``LOUD_SHARE``
    of the way from the stream's floor to its level."""
    floor, level = speech_levels(energy_db)
    out: npt.NDArray[np.bool_] = energy_db >= floor + LOUD_SHARE * (level - floor)
    return out


def speech_onset(loud: npt.NDArray[np.bool_], energy: F32, frame: int) -> int:
    """Move a mapped onset to the speech onset: out of a pause to the first loud frame
    after it, or to a rise after a pause of at least ``QUIET_RUN_S`` nearby; then back over
    a weak start (a breathy or fricative sound, quieter than the threshold but above the
    pause)."""
    n = loud.size
    if not 0 <= frame < n:
        return frame
    quiet_run = round(QUIET_RUN_S / HOP_S)
    if not loud[frame]:
        stop = min(n, frame + round(ONSET_FORWARD_S / HOP_S))
        ahead = np.nonzero(loud[frame:stop])[0]
        if not ahead.size:
            return frame
        rise = frame + int(ahead[0])
        back = frame
        while back > 0 and not loud[back - 1] and rise - back < quiet_run:
            back -= 1
        if rise - back >= quiet_run or back == 0:
            return weak_start(loud, energy, _after_tail(loud, rise))
        frame = rise  # a dip inside a sound, not a pause: as if mapped onto the sound
    radius = round(ONSET_SEARCH_S / HOP_S)
    lo, hi = max(quiet_run, frame - radius), min(n, frame + radius + 1)
    best = frame
    best_distance = radius + 1
    for k in range(lo, hi):
        if loud[k] and not loud[k - quiet_run : k].any() and abs(k - frame) < best_distance:
            best, best_distance = k, abs(k - frame)
    if best == frame:
        best = _after_tail(loud, frame)
    return weak_start(loud, energy, best)


def _after_tail(loud: npt.NDArray[np.bool_], frame: int) -> int:
    """An onset mapped onto the last moments of a sound that began well before it (the
    previous sentence's last word), or onto a click or breath, that a long pause follows:
    the rise after the pause; else ``frame``."""
    n = loud.size
    blip_frames = round(BLIP_S / HOP_S)
    began = frame
    while began > 0 and loud[began - 1] and frame - began < blip_frames:
        began -= 1
    before = loud[max(0, frame - round(TAIL_BEFORE_S / HOP_S)) : frame]
    tail = before.size == round(TAIL_BEFORE_S / HOP_S) and before.mean() >= TAIL_LOUD_SHARE
    stop = min(n, frame + round(TAIL_AFTER_S / HOP_S) + 1)
    ends = np.nonzero(~loud[frame:stop])[0]
    # a click or a breath: a sound shorter than any word
    blip = (
        ends.size > 0
        and (began == 0 or not loud[began - 1])
        and frame + int(ends[0]) - began < blip_frames
    )
    if not (tail or blip):
        return frame  # the sound began just before: it may be this sentence's first word
    if not ends.size:
        return frame
    quiet_from = frame + int(ends[0])
    limit = min(n, frame + round(ONSET_FORWARD_S / HOP_S))
    rises = np.nonzero(loud[quiet_from:limit])[0]
    if not rises.size or rises[0] < round(TAIL_PAUSE_S / HOP_S):
        return frame
    return quiet_from + int(rises[0])


def weak_start(loud: npt.NDArray[np.bool_], energy: F32, rise: int) -> int:
    """The first frame of a rise: walk back (at most ``WEAK_START_S``) while the energy
    stays clearly above the pause before it (the soft "th" of "the", "then", "that")."""
    if rise < 1 or not loud[rise] or loud[rise - 1]:
        return rise
    reach = round(WEAK_START_S / HOP_S)
    # the pause's level: before the farthest reach
    pause = energy[max(0, rise - reach - PAUSE_LEVEL_FRAMES) : rise - reach]
    if pause.size < MIN_PAUSE_LEVEL_FRAMES:
        return rise
    low = max(float(np.median(pause)) + WEAK_START_DB, float(energy[rise]) - WEAK_START_RANGE_DB)
    k = rise
    while k > max(0, rise - reach) and not loud[k - 1] and energy[k - 1] > low:
        k -= 1
    return k


def quiet_before(loud: npt.NDArray[np.bool_], frame: int) -> int:
    """Quiet frames right before ``frame``, counted up to ``LONGEST_PAUSE_S`` (pauses
    at least that long count as equal)."""
    longest = round(LONGEST_PAUSE_S / HOP_S)
    before = loud[max(0, frame - longest) : frame][::-1]
    return int(np.argmax(before)) if before.any() else before.size


def after_quiet(loud: npt.NDArray[np.bool_], frame: int, reach: int = 0) -> bool:
    """Whether ``frame`` is a rise after at least ``QUIET_RUN_S`` of quiet: speech at it,
    or within ``reach`` frames after it (a weak start, walked back to)."""
    return (
        0 < frame < loud.size
        and bool(loud[frame : frame + reach + 1].any())
        and quiet_before(loud, frame) >= round(QUIET_RUN_S / HOP_S)
    )


def starts_sound(loud: npt.NDArray[np.bool_], frame: int) -> bool:
    """Whether a sound starts at ``frame`` after a pause (or a weak start, up to
    ``WEAK_START_S`` before its rise): where a sentence said on its own, or a sentence's
    first word, begins."""
    return after_quiet(loud, frame, round(WEAK_START_S / HOP_S))


def after_longest_pause(loud: npt.NDArray[np.bool_], frame: int, radius: int) -> int:
    """The rise within ``radius`` frames of ``frame`` that follows the longest quiet run
    (at least ``QUIET_RUN_S``; the closest of equals); ``frame`` itself when there is none."""
    n = loud.size
    lo, hi = max(1, frame - radius), min(n, frame + radius + 1)
    if lo >= hi:
        return frame
    rises = [k for k in range(lo, hi) if loud[k] and not loud[k - 1]]
    best, best_key = frame, (round(QUIET_RUN_S / HOP_S) - 1, 1)
    for k in rises:
        key = (quiet_before(loud, k), -abs(k - frame))
        if key > best_key:
            best, best_key = k, key
    return best


def word_between_pauses(loud: npt.NDArray[np.bool_], frame: int, longest: int) -> bool:
    """Whether a start at ``frame`` (a rise, or a weak start up to ``WEAK_START_S`` before
    one) follows a pause that follows a sound of at most ``longest`` frames, itself after
    a longer pause: a word on its own between two pauses. Sentences part at the longer
    pause, so that word may well be the first of the sentence starting at ``frame``
    rather than the last of the one before."""
    return lone_word_before(loud, frame, longest) is not None


def lone_word_before(
    loud: npt.NDArray[np.bool_], frame: int, longest: int, longer: bool = True
) -> int | None:
    """The first frame of the word on its own before a start at ``frame`` (as
    ``word_between_pauses``; with ``longer`` false, the pause before it may also be as
    long as the one after: two pauses of ``LONGEST_PAUSE_S`` or more); None when there
    is none."""
    n = loud.size
    quiet_run = round(QUIET_RUN_S / HOP_S)
    if not 0 <= frame < n:
        return None
    ahead = np.flatnonzero(loud[frame : min(n, frame + round(WEAK_START_S / HOP_S) + 1)])
    if not ahead.size:
        return None
    rise = frame + int(ahead[0])
    pause = quiet_before(loud, rise)
    if pause < quiet_run:
        return None
    end = rise - pause  # one past the sound before the pause (a long one: further back)
    while end > 0 and not loud[end - 1]:
        end -= 1
    start = end
    while start > 0 and end - start <= longest:
        if loud[start - 1]:
            start -= 1
            continue
        dip = quiet_before(loud, start)
        if dip >= quiet_run:
            break
        start -= dip
    before = quiet_before(loud, start)
    if 0 < end - start <= longest and (before > pause or (not longer and before == pause)):
        return start
    return None


def sound_end(loud: npt.NDArray[np.bool_], frame: int, stop: int | None = None) -> int:
    """Where the sound from ``frame`` on ends: the first pause (``QUIET_RUN_S``; shorter
    dips are inside the sound) before frame ``stop`` (the audio's end by default), else
    ``stop``."""
    stop = loud.size if stop is None else stop
    run = round(QUIET_RUN_S / HOP_S)
    quiet = ~loud[frame:stop]
    if quiet.size < run:
        return stop
    kernel = np.ones(run, np.int32)
    full = np.flatnonzero(np.convolve(quiet.astype(np.int32), kernel, "valid") == run)
    return frame + int(full[0]) if full.size else stop
