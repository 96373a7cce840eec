"""Sentence starts held between the words heard around them.

However DTW and the anchors placed a sentence, it cannot start before the transcript
words before it were said, nor after its own words (or a later sentence's) were: the
transcript words heard in runs, in transcript order and time order at once
(``anchors.heard_in_order``), bound every start from both sides. This needs no guess at
why DTW went wrong (an ad it stretched a sentence over, a voice far from the synthetic
one, a reading faster than the text's rate): a start outside its bounds moves inside, to
the rise after the longest pause there (the latest of pauses of a second or more: a
sentence starts just before its words are heard, after any unscripted audio between).
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from podpub.align.anchors import matched_words, slowest_ms, spelled, text_words
from podpub.align.onsets import quiet_before, speech_onset, starts_sound
from podpub.align.records import SentenceSpan
from podpub.align.repair import Word
from podpub.align.tuning import (
    ACROSS_GAP_MS,
    BOUND_SLACK_MS,
    HOP_S,
    LONG_RUN,
    LONGEST_PAUSE_S,
    MIN_SPEAKING_RATE,
    QUIET_RUN_S,
    REPAIRED_CONFIDENCE,
    TYPICAL_RATE,
    UNSETTLED_CONFIDENCE,
)
from podpub.align.words import vocabulary, words_and_sizes

F32 = npt.NDArray[np.float32]


def held_by_heard(
    spans: tuple[SentenceSpan, ...],
    sentences: Sequence[str],
    heard: Sequence[Word],
    loud: npt.NDArray[np.bool_],
    energy: F32,
    dtw: Sequence[SentenceSpan] | None = None,
) -> tuple[SentenceSpan, ...]:
    """``spans`` with each start outside the bounds the ``heard`` words (transcript
    speech, unscripted stretches left out) set moved inside them; and each sentence DTW
    gave less time than its letters take (in ``dtw``, DTW's own spans, else ``spans``:
    "Two.", a heading read before a long pause) placed by its own words heard inside its
    bounds, or flagged (low confidence)."""
    dtw = spans if dtw is None else dtw
    words, before = heard_in_order(sentences, heard, [s.start_ms for s in spans], vocabulary())
    owners = [w.owner for w in words]
    said = [before[i + 1] - before[i] for i in range(len(sentences) - 1)]
    said.append(sum(size for _, size in words_and_sizes(sentences[-1])) if sentences else 0)
    frame_ms = HOP_S * 1000.0
    out = list(spans)
    for i, sp in enumerate(spans):
        k = bisect.bisect_left(owners, i)  # the first word heard of sentence i or later
        if k == 0 or k == len(words):
            continue  # bounded on one side only: nothing to hold it
        lo, hi, reach = _bounds(words[k - 1], words[k], i, before[i])
        if hi < lo:
            continue
        if dtw[i].end_ms - dtw[i].start_ms < said[i] * MIN_SPEAKING_RATE:
            placed = _placed_by_own_words(sp, sentences[i], heard, lo, hi, loud, energy)
            if placed is not None:
                out[i] = placed
                continue
            # not heard: where DTW put it (or inside its bounds), said, not guessed
            sp = SentenceSpan(sp.start_ms, sp.end_ms, min(sp.confidence, UNSETTLED_CONFIDENCE))
            out[i] = sp
        if lo - BOUND_SLACK_MS <= sp.start_ms <= hi + BOUND_SLACK_MS:
            continue
        lo_f, hi_f = round(lo / frame_ms), round(hi / frame_ms)
        if sp.start_ms < lo and reach > lo_f:
            # too early: right after the text before, where it ends at a typical rate
            # (and a pause), the earliest of the longest pauses
            rise = _after_longest_pause(loud, lo_f, min(hi_f, reach), False)
        else:
            # too late, or after more than the text before can take (unscripted audio
            # between): right before its words, the latest of the longest pauses
            rise = _after_longest_pause(loud, lo_f, hi_f, True)
        frame = speech_onset(loud, energy, rise) if rise is not None else None
        if frame is None or not lo_f <= frame <= hi_f:
            frame = min(max(round(sp.start_ms / frame_ms), lo_f), hi_f)
        start = round(frame * frame_ms)
        # held by its own words heard after it, the start is placed; by a later
        # sentence's only (none of its own heard), it is a guess between the text
        # before and that sentence: said so
        if words[k].owner == i and out[i] is spans[i]:
            sure = max(sp.confidence, REPAIRED_CONFIDENCE)
        else:
            sure = min(sp.confidence, UNSETTLED_CONFIDENCE)
        out[i] = SentenceSpan(start, max(sp.end_ms, start + 1), sure)
    latest = 0  # starts stay in order: one moved later takes the unmoved after it along
    for i, sp in enumerate(out):
        if sp.start_ms < latest:
            out[i] = SentenceSpan(latest, max(sp.end_ms, latest), sp.confidence)
        latest = out[i].start_ms
    return tuple(out)


def _bounds(prev: HeardWord, nxt: HeardWord, i: int, before: int) -> tuple[float, float, int]:
    """Where sentence ``i`` (``before`` letters of the transcript before it) may start,
    between the words heard around it (ms), and how far (frames) the text before may
    reach at a typical rate and a pause.

    The text before (from the word heard before on) is said at the fastest speaking
    rate at the earliest; the sentence starts before its words up to the one heard, at
    that rate, at the latest, and at the slowest plausible rate and a pause ("Yes, I";
    not the pause after a title: only inside the sentence), at the earliest."""
    said = nxt.start_ms
    lead = nxt.letters_before - before
    tail = before - prev.letters_before
    lo = prev.start_ms + tail * MIN_SPEAKING_RATE
    if nxt.owner == i:  # no pause between sentences in the lead: it may be long
        lo = max(lo, said - slowest_ms(lead))
    hi = said - lead * MIN_SPEAKING_RATE
    frame_ms = HOP_S * 1000.0
    reach = round((prev.start_ms + tail * TYPICAL_RATE) / frame_ms + LONGEST_PAUSE_S / HOP_S)
    return lo, hi, reach


def _placed_by_own_words(
    sp: SentenceSpan,
    sentence: str,
    heard: Sequence[Word],
    lo: float,
    hi: float,
    loud: npt.NDArray[np.bool_],
    energy: F32,
) -> SentenceSpan | None:
    """A sentence DTW gave no time of its own: at the last of its words heard between
    its bounds (``lo`` .. ``hi`` ms; less the letters before that word at a typical
    rate) that puts it where a sound starts after a pause; None when none was heard
    there. Such a sentence (a heading, "Two.") is said alone: its word heard inside
    running speech is a chance hearing ("to" heard in an aside before it)."""
    own = text_words([sentence], None)
    frame_ms = HOP_S * 1000.0
    for h in reversed(heard):  # the latest: nearest the words after it
        if h.start_ms < lo:
            break
        if h.start_ms > hi or spelled(h.text) not in own.words:
            continue
        w = len(own.words) - 1 - own.words[::-1].index(spelled(h.text))
        guess = h.start_ms - own.letters_before[w] * TYPICAL_RATE
        if guess < lo:
            continue  # a word too far in to have started the sentence inside its bounds
        onset = speech_onset(loud, energy, round(guess / frame_ms))
        if not starts_sound(loud, onset):
            continue
        start = round(onset * frame_ms)
        confidence = max(sp.confidence, REPAIRED_CONFIDENCE)
        return SentenceSpan(start, max(sp.end_ms, start + 1), confidence)
    return None


def _after_longest_pause(loud: npt.NDArray[np.bool_], lo: int, hi: int, latest: bool) -> int | None:
    """The rise in frames ``lo..hi`` after the longest quiet run (at least
    ``QUIET_RUN_S``, counted up to ``LONGEST_PAUSE_S``), the latest of equals (or the
    earliest); None when there is none."""
    best: tuple[int, int] | None = None
    for k in range(max(1, lo), min(loud.size, hi + 1)):
        if loud[k] and not loud[k - 1]:
            quiet = quiet_before(loud, k)
            better = best is None or quiet > best[0] or (latest and quiet == best[0])
            if quiet >= round(QUIET_RUN_S / HOP_S) and better:
                best = (quiet, k)
    return None if best is None else best[1]


@dataclass(frozen=True)
class HeardWord:
    """A transcript word heard in a run of ``LONG_RUN`` matched words or more (a shorter
    run of common words, "speech, the issue of", may be another sentence's): its
    sentence, the letters (as spoken, of every word) of the transcript
    before it, and when it was heard."""

    owner: int
    letters_before: int  # in the whole transcript, up to this word
    letters: int
    start_ms: int


def heard_in_order(
    sentences: Sequence[str],
    heard: Sequence[Word],
    dtw_starts: Sequence[int],
    known: Collection[str] | None = None,
) -> tuple[list[HeardWord], list[int]]:
    """The transcript words heard in runs, in transcript order and in time order at once
    (the longest such sequence: a run matched out of order, by chance, is dropped), and
    the transcript letters before each sentence (as ``HeardWord.letters_before``: every
    word's, as spoken)."""
    text = text_words(sentences, known)
    anchor_time, block_of = matched_words(heard, text, dtw_starts)
    strong = _long_runs(sorted(anchor_time), anchor_time, block_of, text.letters)
    # letters as spoken, of every word (a name the recogniser does not know takes time too)
    said = [sum(size for _, size in words_and_sizes(s)) for s in sentences]
    before = [int(x) for x in np.cumsum([0, *said])]
    keep = _increasing([anchor_time[w] for w in strong])
    out = [
        HeardWord(
            text.owner[w],
            before[text.owner[w]] + text.letters_before[w],
            text.letters[w],
            anchor_time[w],
        )
        for w in (strong[k] for k in keep)
    ]
    return out, before[:-1]


def _long_runs(
    matched: Sequence[int],
    times: dict[int, int],
    block_of: dict[int, int],
    letters: Sequence[int],
) -> list[int]:
    """The matched text words (in order) in runs of at least ``LONG_RUN`` heard one after
    another: of one matching block, each heard within ``ACROSS_GAP_MS`` after the one
    before (words heard in two windows of audio far apart are next to each other in the
    list of heard words, and may match by chance as one block), and no sooner than its
    letters take at the fastest speaking rate (no one says "speech" in 0.1 s: a chance
    run, "free speech, the issue of" heard in "countries. The issue of")."""
    out: list[int] = []
    run: list[int] = []
    for w in [*matched, -1]:
        if (
            run
            and w >= 0
            and block_of[w] == block_of[run[-1]]
            and _said_after(letters[run[-1]], times[w] - times[run[-1]])
        ):
            run.append(w)
            continue
        if len(run) >= LONG_RUN:
            out.extend(run)
        run = [w]
    return out


def _said_after(letters: int, gap_ms: int) -> bool:
    """Whether a word heard ``gap_ms`` after one of ``letters`` letters can be the next
    word said: no sooner than those letters take at the fastest speaking rate (less one
    frame: a recogniser times words to a frame or two), within ``ACROSS_GAP_MS``."""
    return letters * MIN_SPEAKING_RATE - HOP_S * 1000 <= gap_ms <= ACROSS_GAP_MS


def _increasing(times: Sequence[int]) -> list[int]:
    """Indices of the longest strictly increasing subsequence of ``times``."""
    tails: list[int] = []  # index of the smallest tail of each length
    tail_times: list[int] = []
    back = [-1] * len(times)
    for k, t in enumerate(times):
        pos = bisect.bisect_left(tail_times, t)
        back[k] = tails[pos - 1] if pos else -1
        if pos == len(tails):
            tails.append(k)
            tail_times.append(t)
        else:
            tails[pos] = k
            tail_times[pos] = t
    out: list[int] = []
    k = tails[-1] if tails else -1
    while k >= 0:
        out.append(k)
        k = back[k]
    return out[::-1]
