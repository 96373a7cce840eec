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
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from podpub.align.anchors import matched_words, slowest_ms, spelled, text_words
from podpub.align.onsets import (
    lone_word_before,
    quiet_before,
    sound_end,
    speech_onset,
    starts_sound,
    weak_start,
)
from podpub.align.records import SentenceSpan
from podpub.align.repair import Word
from podpub.align.tuning import (
    ACROSS_GAP_MS,
    BOUND_SLACK_MS,
    HEAD_S,
    HOP_S,
    LEAD_EXTRA_WORDS,
    LONG_RUN,
    LONGEST_PAUSE_S,
    MIN_SPEAKING_RATE,
    PLAUSIBLE_RATE_MAX,
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
    unscripted: Sequence[tuple[int, int]] = (),
) -> tuple[SentenceSpan, ...]:
    """``spans`` with each start outside the bounds the ``heard`` words (transcript
    speech, unscripted stretches left out) set moved inside them; and each sentence DTW
    gave less time than its letters take (in ``dtw``, DTW's own spans, else ``spans``:
    "Two.", a heading read before a long pause) placed by its own words heard inside its
    bounds, or flagged (low confidence). A start inside ``unscripted`` audio (stretches,
    ms) is no start: it moves, as one too late, to the latest of the longest pauses
    between the stretch's start and the words heard after it ("Northanger Abbey." read
    after an ad whose end took in its sound: DTW had started it 13 s into the ad)."""
    dtw = spans if dtw is None else dtw
    dtw_starts = [s.start_ms for s in spans]
    words, before, claimed = _heard(sentences, heard, dtw_starts, vocabulary())
    owners = [w.owner for w in words]
    said = [before[i + 1] - before[i] for i in range(len(sentences) - 1)]
    said.append(sum(size for _, size in words_and_sizes(sentences[-1])) if sentences else 0)
    out = list(spans)
    limits: dict[int, tuple[float, float]] = {}
    for i, sp in enumerate(spans):
        k = bisect.bisect_left(owners, i)  # the first word heard of sentence i or later
        if k == 0 or k == len(words):
            continue  # bounded on one side only: nothing to hold it
        lo, hi, reach = _bounds(words[k - 1], words[k], i, before[i])
        if hi < lo:
            continue
        limits[i] = (lo, hi)
        if dtw[i].end_ms - dtw[i].start_ms < said[i] * MIN_SPEAKING_RATE:
            placed = _placed_short(sp, i, sentences, said[i], heard, claimed, lo, hi, loud, energy)
            if placed is not None:
                out[i] = placed
                continue
            # not heard: where DTW put it (or inside its bounds), said, not guessed
            sp = SentenceSpan(sp.start_ms, sp.end_ms, min(sp.confidence, UNSETTLED_CONFIDENCE))
            out[i] = sp
        inside = next((a for a, b in unscripted if a <= sp.start_ms < b), None)
        if inside is None and lo - BOUND_SLACK_MS <= sp.start_ms <= hi + BOUND_SLACK_MS:
            continue
        # held by its own words heard after it, the start is placed; by a later
        # sentence's only (none of its own heard), it is a guess between the text
        # before and that sentence: said so
        if words[k].owner == i and out[i] is spans[i]:
            sure = max(sp.confidence, REPAIRED_CONFIDENCE)
        else:
            sure = min(sp.confidence, UNSETTLED_CONFIDENCE)
        out[i] = _moved_inside(sp, lo, hi, reach, inside, loud, energy, sure)

    def place(sp: SentenceSpan, i: int, lo: float, hi: float) -> SentenceSpan | None:
        return _placed_short(sp, i, sentences, said[i], heard, claimed, lo, hi, loud, energy)

    _place_spread_headings(out, spans, dtw, said, limits, place)
    latest = 0  # starts stay in order: one moved later takes the unmoved after it along
    for i, sp in enumerate(out):
        if sp.start_ms < latest:
            out[i] = SentenceSpan(latest, max(sp.end_ms, latest), sp.confidence)
        latest = out[i].start_ms
    return tuple(out)


def _moved_inside(
    sp: SentenceSpan,
    lo: float,
    hi: float,
    reach: int,
    inside: int | None,
    loud: npt.NDArray[np.bool_],
    energy: F32,
    sure: float,
) -> SentenceSpan:
    """A start outside its bounds (``lo`` .. ``hi`` ms; ``reach``: how far, in frames,
    the text before may reach), or ``inside`` unscripted audio (the stretch's start),
    moved inside them, with confidence ``sure``."""
    frame_ms = HOP_S * 1000.0
    lo_f, hi_f = round(max(lo, inside or 0) / frame_ms), round(hi / frame_ms)
    if inside is None and sp.start_ms < lo and reach > lo_f:
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
    return SentenceSpan(start, max(sp.end_ms, start + 1), sure)


def _place_spread_headings(
    out: list[SentenceSpan],
    spans: Sequence[SentenceSpan],
    dtw: Sequence[SentenceSpan],
    said: Sequence[int],
    limits: dict[int, tuple[float, float]],
    place: Callable[[SentenceSpan, int, float, float], SentenceSpan | None],
) -> None:
    """In ``out``: a sentence of a word or two that DTW spread over more audio than it
    takes even slowly, left before more than it can take with a pause (the next sentence
    held later: "Chapter 1." left at the start of the aside before it), ``place``d inside
    its ``limits`` (up to the next start), or flagged."""
    for i in range(len(out) - 1):
        if i not in limits or said[i] * TYPICAL_RATE > HEAD_S * 1000 or out[i] != spans[i]:
            continue
        spread = dtw[i].end_ms - dtw[i].start_ms > said[i] * PLAUSIBLE_RATE_MAX
        if not spread or out[i + 1].start_ms - out[i].start_ms <= slowest_ms(said[i]):
            continue
        sp = out[i]
        placed = place(sp, i, limits[i][0], min(limits[i][1], out[i + 1].start_ms))
        out[i] = placed or SentenceSpan(
            sp.start_ms, sp.end_ms, min(sp.confidence, UNSETTLED_CONFIDENCE)
        )


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


def _placed_short(
    sp: SentenceSpan,
    i: int,
    sentences: Sequence[str],
    letters: int,
    heard: Sequence[Word],
    claimed: dict[int, int],
    lo: float,
    hi: float,
    loud: npt.NDArray[np.bool_],
    energy: F32,
) -> SentenceSpan | None:
    """Sentence ``i``, said alone (a heading), that DTW did not place: by its own words
    heard (not those another sentence's matched words claim), else on a sound on its
    own before where DTW put it, else on a word heard on its own between the sentences
    around it; None when none of these is inside its bounds (``lo`` .. ``hi`` ms)."""
    theirs = {ms for ms, owner in claimed.items() if owner != i}
    placed = _placed_by_own_words(sp, sentences[i], heard, lo, hi, loud, energy, theirs)
    if placed is None:
        placed = _placed_alone(sp, letters, lo, hi, loud, energy)
    if placed is None:
        placed = _placed_on_unclaimed(sp, i, sentences[i], heard, claimed, lo, hi, loud, energy)
    return placed


def _placed_by_own_words(
    sp: SentenceSpan,
    sentence: str,
    heard: Sequence[Word],
    lo: float,
    hi: float,
    loud: npt.NDArray[np.bool_],
    energy: F32,
    theirs: Collection[int] = (),
) -> SentenceSpan | None:
    """A sentence DTW gave no time of its own: at the last of its words heard between
    its bounds (``lo`` .. ``hi`` ms; less the letters before that word at a typical
    rate) that puts it where a sound starts after a pause; None when none was heard
    there. Such a sentence (a heading, "Two.") is said alone: its word heard inside
    running speech is a chance hearing ("to" heard in an aside before it); and a word
    heard in another sentence's matched words (``theirs``: their heard times) is that
    sentence's ("three." is not the "three" of "forty-three feet" after it)."""
    own = text_words([sentence], None)
    frame_ms = HOP_S * 1000.0
    for h in reversed(heard):  # the latest: nearest the words after it
        if h.start_ms < lo:
            break
        if h.start_ms > hi or spelled(h.text) not in own.words or h.start_ms in theirs:
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


def _placed_alone(
    sp: SentenceSpan,
    letters: int,
    lo: float,
    hi: float,
    loud: npt.NDArray[np.bool_],
    energy: F32,
) -> SentenceSpan | None:
    """A sentence DTW gave no time of its own, its words not heard: on the sound on its
    own (no longer than its ``letters`` take at the slowest plausible rate, between a
    pause and a longer one before it) right before the speech DTW put it at, inside its
    bounds (``lo`` .. ``hi`` ms; two long pauses around it count as equal); None when
    there is no such sound. A heading read alone ("five.", said between two pauses) is
    a sound too short for DTW to give it time: it took it as the tail of the sentence
    before."""
    frame_ms = HOP_S * 1000.0
    onset = speech_onset(loud, energy, round(sp.start_ms / frame_ms))
    if not starts_sound(loud, onset):
        return None
    word = lone_word_before(loud, onset, round(letters * PLAUSIBLE_RATE_MAX / frame_ms), False)
    if word is None:
        return None
    start = round(weak_start(loud, energy, word) * frame_ms)
    if not lo <= start <= hi:
        return None
    return SentenceSpan(start, max(sp.end_ms, start + 1), max(sp.confidence, REPAIRED_CONFIDENCE))


def _placed_on_unclaimed(
    sp: SentenceSpan,
    i: int,
    sentence: str,
    heard: Sequence[Word],
    claimed: dict[int, int],
    lo: float,
    hi: float,
    loud: npt.NDArray[np.bool_],
    energy: F32,
) -> SentenceSpan | None:
    """A sentence DTW gave no time of its own, its words not heard as such: at the first
    of the words heard between the last heard word of the text before it and the first
    of the text after it (or DTW's start: it squeezed the sentence onto the speech after
    it) that no sentence's matched words claim (``claimed``: heard time -> sentence),
    when there are no more of them than it has words (and ``LEAD_EXTRA_WORDS``), inside
    its bounds, where a sound starts after a pause, and only a pause follows that sound
    up to where DTW put the sentence. A heading read alone is heard as some word
    ("Three." heard as "period") on its own between the sentences around it."""
    before = [ms for ms, owner in claimed.items() if owner < i]
    after = [ms for ms, owner in claimed.items() if owner > i]
    if not before or not after:
        return None
    upper = min(*after, sp.start_ms)  # DTW squeezed it onto the speech after it
    gap = [h for h in heard if max(before) < h.start_ms < upper and h.start_ms not in claimed]
    if not gap or len(gap) > len(words_and_sizes(sentence)) + LEAD_EXTRA_WORDS:
        return None
    frame_ms = HOP_S * 1000.0
    onset = speech_onset(loud, energy, round(gap[0].start_ms / frame_ms))
    start = round(onset * frame_ms)
    if not lo <= start <= hi or not starts_sound(loud, onset):
        return None
    # a sound on its own, no longer than the sentence takes at the slowest plausible
    # rate, with only a pause after it up to the speech DTW put it at (few words heard
    # over a long stretch only say that the recogniser heard little of it)
    end = sound_end(loud, onset)
    rise = speech_onset(loud, energy, round(sp.start_ms / frame_ms))
    longest = sum(size for _, size in words_and_sizes(sentence)) * PLAUSIBLE_RATE_MAX / frame_ms
    if end - onset > longest or loud[end:rise].any():
        return None
    return SentenceSpan(start, max(sp.end_ms, start + 1), max(sp.confidence, REPAIRED_CONFIDENCE))


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
    words, before, _ = _heard(sentences, heard, dtw_starts, known)
    return words, before


def _heard(
    sentences: Sequence[str],
    heard: Sequence[Word],
    dtw_starts: Sequence[int],
    known: Collection[str] | None,
) -> tuple[list[HeardWord], list[int], dict[int, int]]:
    """``heard_in_order``'s words and letters, and every heard word that matched a
    transcript word (in a matching block of two or more: its heard time) with that
    word's sentence."""
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
    claimed = {ms: text.owner[w] for w, ms in anchor_time.items()}
    return out, before[:-1], claimed


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
