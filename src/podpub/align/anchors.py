"""Sentence starts anchored by recognised words: the recogniser's words are matched to
the transcript's; a sentence whose start is anchored by a run of at least ``MIN_RUN``
matched words takes the recognised time (less the words before the run, at the run's own
speaking rate)."""

from __future__ import annotations

import bisect
import difflib
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from podpub.align.repair import Word
from podpub.align.tuning import (
    ACROSS_GAP_MS,
    BOUNDS_AFTER_PREVIOUS_MS,
    BOUNDS_LEAD_SHARE,
    BOUNDS_REACH_MS,
    CHUNK_MAX_FACTOR,
    CHUNK_MS,
    CHUNK_PAUSE_MS,
    FIRST_WORD_TOLERANCE_MS,
    LEAD_EXTRA_WORDS,
    LEAD_SLACK_MS,
    LEAD_UNCERTAINTY,
    LEAD_WORD_LETTERS,
    LEAD_WORD_SHARE,
    LEAD_WORD_SLACK_MS,
    LONG_RUN_LEAD_LETTERS,
    LONG_RUN_WORDS,
    LONGEST_PAUSE_S,
    MAX_LEAD_LETTERS,
    MAX_MOVE_MS,
    MAX_RUN_RATE,
    MIN_BLOCK_WORDS,
    MIN_RUN,
    MIN_SPEAKING_RATE,
    OPENING_LETTERS,
    OPENING_PAIR_LETTERS,
    OPENING_REACH_LETTERS,
    OPENING_WORD_LETTERS,
    PAIR_GAP_MS,
    PLAUSIBLE_RATE_MAX,
    PLAUSIBLE_RATE_MIN,
    RATE_WINDOW_WORDS,
    RUN_REAL_WORDS,
    TOLERANCE_MS,
    TYPICAL_RATE,
)
from podpub.align.words import words_and_sizes

# words a recogniser confuses with one another: one spelling for matching
_HOMOPHONES = {
    "you're": "your",
    "they're": "their",
    "there": "their",
    "it's": "its",
    "who's": "whose",
    "we're": "were",
    "too": "to",
    "two": "to",
    "4": "for",
    "four": "for",
    "hear": "here",
    "know": "no",
    "right": "write",
    "weather": "whether",
}


def spelled(word: str) -> str:
    """A heard or transcript word in the one spelling matching uses for homophones."""
    return _HOMOPHONES.get(word, word)


@dataclass(frozen=True)
class Anchor:
    start_ms: int  # the sentence's start implied by recognised words
    run: int  # matched words in a row that anchor it
    lead_ms: int = 0  # estimated length of the words before the run (0: run starts it)
    agrees: bool = False  # within the tolerance of DTW's start (kept only when asked)
    # where the start must lie (ms): between the previous sentence's last heard word and
    # the run, when both were heard; None: around start_ms, as uncertain as the lead
    bounds: tuple[int, int] | None = None
    # words of the sentence heard in order at a speaking rate from the run's first word on,
    # the run's own included (two runs with a misheard word or name between them agree)
    support: int = 0
    lead_letters: int = 0  # letters (as spoken) of the words before the run
    run_ms: int | None = None  # when the run's first word was heard (None: at the start)

    @property
    def run_heard_ms(self) -> int:
        """When the run's first word was heard (the start plus the lead, when unknown)."""
        return self.start_ms + self.lead_ms if self.run_ms is None else self.run_ms


@dataclass(frozen=True)
class _Text:
    """The transcript's words the recogniser knows, in order (one spelling for
    homophones), each with its sentence and its letters as spoken."""

    words: list[str]
    owner: list[int]  # the sentence of each word
    letters_before: list[int]  # letters of the sentence before the word (as spoken)
    letters: list[int]  # the word's own


@dataclass(frozen=True)
class _Matched:
    """The text words that heard words matched, and what the per-sentence steps read."""

    text: _Text
    anchor_time: dict[int, int]  # text word index -> recognised start (ms)
    block_of: dict[int, int]  # text word index -> its matching block
    heard: Sequence[Word]
    heard_ms: list[int]  # in time order
    anchored: list[int]  # the matched text words, in order
    cumulative: np.ndarray  # letters before text word k

    def in_run(self, w: int, k: int, i: int) -> bool:
        """Whether text word ``w`` continues ``k``'s heard run in sentence ``i``."""
        owner = self.text.owner
        return (
            w < len(owner)
            and owner[w] == i
            and w in self.anchor_time
            and self.block_of[w] == self.block_of[k]
        )


def anchored_starts(
    sentences: Sequence[str],
    heard: Sequence[Word],
    dtw_starts: Sequence[int],
    known: Collection[str] | None = None,
    *,
    keep_agreeing: bool = False,
) -> list[Anchor | None]:
    """Per sentence: a start implied by recognised words (``heard``, in time order; None:
    no anchor, or agreement with DTW within the tolerance, unless ``keep_agreeing``: then
    such an anchor is kept, marked ``agrees``).

    The anchor is the first word of the sentence that starts a run of ``MIN_RUN`` matched
    words. When it is not the sentence's first word, the start is the anchor's time less
    the letters before it at the run's speaking rate; a lead of more than
    ``MAX_LEAD_LETTERS`` (``LONG_RUN_LEAD_LETTERS`` before a long run) is too long to time
    that way. Words outside ``known`` (the recogniser's vocabulary: names it cannot hear)
    do not break a run.
    """
    text = text_words(sentences, known)
    anchor_time, block_of = matched_words(heard, text, dtw_starts)
    matched = _Matched(
        text,
        anchor_time,
        block_of,
        heard,
        [h.start_ms for h in heard],
        sorted(anchor_time),
        np.cumsum([0, *text.letters]),
    )
    result: list[Anchor | None] = [None] * len(sentences)
    first_word: dict[int, int] = {}
    last_word: dict[int, int] = {}
    for w, i in enumerate(text.owner):
        first_word.setdefault(i, w)
        last_word[i] = w
    for i in range(len(sentences)):
        if i not in first_word:
            continue
        k = _run_start(matched, i, first_word[i], last_word[i])
        if k is None:
            continue
        run = 1
        while matched.in_run(k + run, k, i):
            run += 1
        timed = _timed_start(matched, first_word[i], k, run)
        if timed is None:
            continue
        start, lead, bounds, tolerance = timed
        start = max(0, start)
        agrees = abs(start - dtw_starts[i]) <= tolerance
        if keep_agreeing or not agrees:
            lead_ms = 0 if text.letters_before[k] == 0 else round(lead)
            support = run + _agreeing_after(k, run, last_word[i], anchor_time, text.letters_before)
            result[i] = Anchor(
                start,
                run,
                lead_ms,
                agrees,
                bounds,
                support,
                text.letters_before[k],
                anchor_time[k],
            )
    return result


def text_words(sentences: Sequence[str], known: Collection[str] | None) -> _Text:
    """The sentences' words that ``known`` holds (all when None)."""
    text_words: list[str] = []
    owner: list[int] = []
    letters_before: list[int] = []
    letters: list[int] = []
    for i, sentence in enumerate(sentences):
        before = 0
        for w, size in words_and_sizes(sentence):
            if known is None or w in known:
                text_words.append(_HOMOPHONES.get(w, w))
                owner.append(i)
                letters_before.append(before)
                letters.append(size)
            before += size
    return _Text(text_words, owner, letters_before, letters)


def matched_words(
    heard: Sequence[Word], text: _Text, dtw_starts: Sequence[int]
) -> tuple[dict[int, int], dict[int, int]]:
    """The text words the heard words match: each one's recognised start (ms), and the
    matching block it belongs to (words of one block were heard as one run)."""
    anchor_time: dict[int, int] = {}
    block_of: dict[int, int] = {}
    strength: dict[int, tuple[int, int]] = {}  # text word index -> (run length, -distance)
    n = 0
    # heard words are matched, a stretch of audio at a time, only to the sentences DTW put
    # within MAX_MOVE_MS of it: a passage said twice in an episode is not matched across
    # (sorted for the search: a caller's starts may step back where one was pushed along)
    owner_start = np.maximum.accumulate(
        np.array([dtw_starts[i] for i in text.owner], dtype=np.int64)
    )
    for a0, a1 in _chunks(heard):
        t0, t1 = heard[a0].start_ms, heard[a1 - 1].start_ms
        b0 = int(np.searchsorted(owner_start, t0 - MAX_MOVE_MS, side="left"))
        b1 = int(np.searchsorted(owner_start, t1 + MAX_MOVE_MS, side="right"))
        if b1 <= b0:
            continue
        # a word matched from two stretches of audio (the same words said twice within a
        # few minutes) keeps the longer run, then the one nearer where DTW put it
        for group in _matched_groups(heard, a0, a1, text, b0, b1):
            n += 1
            for word, ms in group:
                key = (len(group), -abs(ms - int(owner_start[word])))
                if word not in strength or key > strength[word]:
                    strength[word] = key
                    anchor_time[word] = ms
                    block_of[word] = n
    return anchor_time, block_of


def _matched_groups(
    heard: Sequence[Word], a0: int, a1: int, text: _Text, b0: int, b1: int
) -> list[list[tuple[int, int]]]:
    """Runs of (text word, heard time) where heard words ``a0:a1`` match text words
    ``b0:b1``: matching blocks of two words or more, joined over one word heard wrong."""
    matcher = difflib.SequenceMatcher(
        None,
        [_HOMOPHONES.get(w.text, w.text) for w in heard[a0:a1]],
        text.words[b0:b1],
        autojunk=False,
    )
    previous: tuple[int, int, int] | None = None  # the last block kept: a, b, size
    groups: list[list[tuple[int, int]]] = []  # runs of (text word, heard time)
    for block in matcher.get_matching_blocks():
        if block.size < MIN_BLOCK_WORDS:
            continue
        # one word heard wrong between two blocks ("now listening each advocate"):
        # in its place, the run goes on through it
        joined = (
            previous is not None
            and block.a - (previous[0] + previous[2]) == 1
            and block.b - (previous[1] + previous[2]) == 1
            # not a sentence's first word: its time is what a run is for
            and text.letters_before[b0 + previous[1] + previous[2]] > 0
            # heard together, not seconds apart
            and heard[a0 + block.a].start_ms - heard[a0 + previous[0] + previous[2] - 1].start_ms
            <= ACROSS_GAP_MS
        )
        if joined:
            assert previous is not None
            word = b0 + previous[1] + previous[2]
            groups[-1].append((word, heard[a0 + previous[0] + previous[2]].start_ms))
        elif previous is None or not _over_unknown(heard, a0, b0, previous, block, text):
            groups.append([])
        groups[-1].extend(
            (b0 + block.b + k, heard[a0 + block.a + k].start_ms) for k in range(block.size)
        )
        previous = (block.a, block.b, block.size)
    return groups


def _over_unknown(
    heard: Sequence[Word],
    a0: int,
    b0: int,
    previous: tuple[int, int, int],
    block: difflib.Match,
    text: _Text,
) -> bool:
    """Whether a matching ``block`` goes on from the ``previous`` one over words the
    recogniser does not know (a name): the text words are next to each other, in one
    sentence, with unknown letters between; the heard words between, no more than those
    letters, said in the time they may take ("I'm Karina [Tehusijarana] Media Manager"
    heard as "i'm karina that years into on to media manager")."""
    last = b0 + previous[1] + previous[2] - 1  # the text words either side
    first = b0 + block.b
    extra = block.a - (previous[0] + previous[2])  # heard words between
    if first != last + 1 or extra < 1 or text.owner[first] != text.owner[last]:
        return False
    unknown = text.letters_before[first] - text.letters_before[last] - text.letters[last]
    return extra <= unknown and _said_between(
        (last, heard[a0 + previous[0] + previous[2] - 1].start_ms),
        (first, heard[a0 + block.a].start_ms),
        text.letters_before,
    )


def _run_start(matched: _Matched, i: int, first: int, last: int) -> int | None:
    """The text word of sentence ``i`` that starts its anchoring run; None if none does."""
    owner, anchor_time, block_of = matched.text.owner, matched.anchor_time, matched.block_of
    k = first
    # a run of MIN_RUN words, or a whole short sentence ("Thank you, Sochua."), or the
    # first word heard as the end of a run through the sentence before ("... for human
    # rights. Hello"): the recogniser followed the text into it
    whole = list(range(k, last + 1))  # the sentence's words (contiguous)
    across = (
        k in anchor_time
        and k >= MIN_RUN - 1
        and all(w in anchor_time and block_of[w] == block_of[k] for w in range(k - MIN_RUN + 1, k))
        # heard together, not in two windows that happen to be next in the list
        and anchor_time[k] - anchor_time[k - 1] <= ACROSS_GAP_MS
    )
    if not across and not (
        len(whole) >= MIN_BLOCK_WORDS
        and k in anchor_time
        and all(matched.in_run(w, k, i) for w in whole)
    ):
        while k < len(owner) and owner[k] == i:
            if (
                k in anchor_time
                and all(matched.in_run(k + r, k, i) for r in range(MIN_RUN))
                # letters ("a p h") are what a recogniser makes of music and noise:
                # a run needs words
                and sum(len(matched.text.words[k + r]) > 1 for r in range(MIN_RUN))
                >= RUN_REAL_WORDS
            ):
                break
            k += 1
    if k >= len(owner) or owner[k] != i:
        return None
    return k


def _timed_start(
    matched: _Matched, first: int, k: int, run: int
) -> tuple[int, float, tuple[int, int] | None, float] | None:
    """The start of the sentence (first text word ``first``) that a run of ``run`` words
    from text word ``k`` anchors: (start, lead, bounds, tolerance); None when the run is
    too far in and no opening was heard to time it."""
    letters_before = matched.text.letters_before
    if letters_before[k] == 0:
        return matched.anchor_time[k], 0.0, None, float(FIRST_WORD_TOLERANCE_MS)
    if letters_before[k] > (LONG_RUN_LEAD_LETTERS if run >= LONG_RUN_WORDS else MAX_LEAD_LETTERS):
        # too long to time from the run's rate: only the sentence's opening, heard
        # before the run at a speaking rate, times it
        opened = _opening(
            first,
            k,
            matched.text.words,
            letters_before,
            matched.anchor_time,
            matched.heard,
            matched.heard_ms,
        )
        if opened is None:
            return None
        start, lead = opened
        tolerance = FIRST_WORD_TOLERANCE_MS + LEAD_UNCERTAINTY * lead
        # never 0, even from the first word: one word heard on its own is not a run
        # that starts the sentence, and moves only a doubtful DTW start
        lead = max(1.0, lead)
        return start, lead, None, tolerance
    return _timed_from_run(matched, first, k, run)


def _timed_from_run(
    matched: _Matched, first: int, k: int, run: int
) -> tuple[int, float, tuple[int, int] | None, float]:
    """A start timed from the run's speaking rate (else the rate around it), or better
    from a word of the lead heard on its own, or from the first word heard after the
    previous sentence: (start, lead, bounds, tolerance). The transcript's first sentence,
    with no speech before it to time its lead's rate (a lead word timed it 0.6 s early
    after an intro's music), tries the first word heard after the intro either way."""
    anchor_time, letters_before = matched.anchor_time, matched.text.letters_before
    rate = _run_rate(anchor_time, letters_before, k, run)
    if rate is None:
        rate = _ms_per_letter(matched.anchored, anchor_time, matched.cumulative, k)
    lead = letters_before[k] * rate
    start = int(anchor_time[k] - lead)
    bounds: tuple[int, int] | None = None
    by_word = _timed_by_lead_word(matched, first, k, start, lead, rate)
    if by_word is not None:
        start, lead = by_word
    if by_word is None or first == 0:
        start, bounds = _after_previous(
            start, lead, first, k, anchor_time, matched.heard, matched.heard_ms, letters_before
        )
    return start, lead, bounds, TOLERANCE_MS + LEAD_UNCERTAINTY * lead


def _timed_by_lead_word(
    matched: _Matched, first: int, k: int, start: int, lead: float, rate: float
) -> tuple[int, float] | None:
    """A word of the lead (text words ``first`` .. ``k``) heard on its own before the run:
    the start and lead it times; None when none was heard near the estimate ``start``,
    nor in order with another word of the lead and the run (a speaker's pause inside
    the lead: "And so, my fellow Americans, ... ask not")."""
    text_words, letters_before = matched.text.words, matched.text.letters_before
    heard_ms, run_ms = matched.heard_ms, matched.anchor_time[k]
    # as early as the lead's letters at the slowest plausible rate and a pause allow
    lo = min(start - lead - LEAD_SLACK_MS, run_ms - slowest_ms(letters_before[k]))
    lo_i = bisect.bisect_left(heard_ms, lo)
    near = matched.heard[lo_i : bisect.bisect_left(heard_ms, run_ms)]
    chain = _lead_chain(matched, first, k, near)
    if len(chain) >= MIN_BLOCK_WORDS:
        # the lead's words heard in order, each at a speaking rate from the next: the
        # earliest times the start (a speaker's pause inside the lead is no matter)
        word, ms = chain[-1]
        return int(ms - letters_before[word] * rate), letters_before[word] * rate
    lead_match = difflib.SequenceMatcher(
        None,
        [_HOMOPHONES.get(h.text, h.text) for h in near],
        text_words[first:k],
        autojunk=False,
    )
    for block in lead_match.get_matching_blocks():
        hits = [
            m
            for m in range(block.size)
            if block.size >= MIN_BLOCK_WORDS
            or len(text_words[first + block.b + m]) >= LEAD_WORD_LETTERS
        ]
        if hits:
            m = hits[0]
            word = first + block.b + m
            by_word = int(near[block.a + m].start_ms - letters_before[word] * rate)
            # the same word, not another: near the estimate, or the sentence's
            # first two words heard together before the run
            opening = letters_before[word] <= OPENING_LETTERS and block.size >= MIN_BLOCK_WORDS
            slack = lead + LEAD_SLACK_MS if opening else LEAD_WORD_SHARE * lead + LEAD_WORD_SLACK_MS
            if abs(by_word - start) <= slack:
                return by_word, letters_before[word] * rate
            return None
    return None


def _lead_chain(
    matched: _Matched, first: int, k: int, near: Sequence[Word]
) -> list[tuple[int, int]]:
    """The lead's words (text words ``first`` .. ``k``, of ``LEAD_WORD_LETTERS`` letters
    or more) heard in order before the run, from the run back: each the latest heard
    that the next one can follow at a speaking rate, a pause allowed ("And so, my fellow
    Americans, ... ask not"); (text word, heard time), latest first, the run's excluded."""
    text_words, letters_before = matched.text.words, matched.text.letters_before
    spelled = [_HOMOPHONES.get(h.text, h.text) for h in near]
    chain: list[tuple[int, int]] = []
    after = (k, matched.anchor_time[k])
    j = len(near)  # heard words before this one only
    for w in range(k - 1, first - 1, -1):
        if len(text_words[w]) < LEAD_WORD_LETTERS:
            continue  # "a", "to": heard anywhere
        for h in range(j - 1, -1, -1):
            candidate = (w, near[h].start_ms)
            if spelled[h] == text_words[w] and _said_between(candidate, after, letters_before):
                chain.append(candidate)
                after, j = candidate, h
                break
    return chain


def slowest_ms(letters: int) -> float:
    """The longest a sentence's ``letters`` letters may take (ms): at the slowest
    plausible rate, and one pause ("Yes, I"; a speaker's pause inside a sentence)."""
    return letters * PLAUSIBLE_RATE_MAX + LONGEST_PAUSE_S * 1000


def _said_between(a: tuple[int, int], b: tuple[int, int], letters_before: Sequence[int]) -> bool:
    """Whether text word ``b[0]``, heard at ``b[1]``, can follow ``a[0]`` heard at ``a[1]``:
    the letters between said no faster than anyone speaks, and no slower than the
    slowest plausible rate and one pause."""
    letters = letters_before[b[0]] - letters_before[a[0]]
    gap = b[1] - a[1]
    return letters * MIN_SPEAKING_RATE <= gap <= slowest_ms(letters)


def _agreeing_after(
    k: int, run: int, last: int, anchor_time: dict[int, int], letters_before: Sequence[int]
) -> int:
    """How many of the sentence's words after the run (from text word ``k``, ``run``
    words long) up to its ``last`` word were heard after it, in order, each at a speaking
    rate (``MIN_SPEAKING_RATE`` .. ``MAX_RUN_RATE`` ms a letter) from the run's first word."""
    count = 0
    latest = anchor_time[k]
    for w in range(k + run, last + 1):
        ms = anchor_time.get(w)
        if ms is None or ms <= latest:
            continue
        letters = letters_before[w] - letters_before[k]
        if letters * MIN_SPEAKING_RATE <= ms - anchor_time[k] <= letters * MAX_RUN_RATE:
            count += 1
            latest = ms
    return count


def _opening(
    first: int,
    k: int,
    text_words: Sequence[str],
    letters_before: Sequence[int],
    anchor_time: dict[int, int],
    heard: Sequence[Word],
    heard_ms: Sequence[int],
) -> tuple[int, float] | None:
    """The start of a sentence whose run (from text word ``k``) comes too many letters in
    to be timed from the run's rate, and the length of its words before the one that
    times it (ms): from the first of its opening words (at most ``OPENING_REACH_LETTERS`` in)
    heard before the run, when the letters from there to the run take a speaking rate's
    time (``MIN_SPEAKING_RATE`` .. ``MAX_RUN_RATE`` ms a letter): two words heard one after
    the other, or a long one on its own. None when none was heard. Words heard in their
    order where the run's own timing says the sentence starts: the two agree."""
    run_ms = anchor_time[k]
    for w in range(first, k):
        if letters_before[w] > OPENING_REACH_LETTERS:
            break
        pair = w + 1 < k and len(text_words[w]) + len(text_words[w + 1]) >= OPENING_PAIR_LETTERS
        if not pair and len(text_words[w]) < OPENING_WORD_LETTERS:
            continue  # "and the", "to": heard anywhere
        span = letters_before[k] - letters_before[w]
        earliest, latest = run_ms - span * MAX_RUN_RATE, run_ms - span * MIN_SPEAKING_RATE
        found = None
        for j in range(bisect.bisect_left(heard_ms, earliest), len(heard)):
            h = heard[j]
            if h.start_ms > latest:
                break
            if _HOMOPHONES.get(h.text, h.text) != text_words[w]:
                continue
            after = heard[j + 1] if j + 1 < len(heard) else None
            if len(text_words[w]) >= OPENING_WORD_LETTERS or (
                after is not None
                and _HOMOPHONES.get(after.text, after.text) == text_words[w + 1]
                and after.start_ms - h.start_ms <= PAIR_GAP_MS
            ):
                found = h.start_ms  # the latest: the nearest the run
        if found is not None:
            lead = letters_before[w] * (run_ms - found) / max(1, span)
            return int(found - lead), lead
    return None


def _after_previous(
    start: int,
    lead: float,
    first: int,
    k: int,
    anchor_time: dict[int, int],
    heard: Sequence[Word],
    heard_ms: Sequence[int],
    letters_before: Sequence[int],
) -> tuple[int, tuple[int, int] | None]:
    """A sentence start timed from its run (word ``k``) with none of the words before it
    recognised: where the previous sentence's last word was heard, the first word heard
    after it (a misheard opening: "Thank you, Sochua" heard as "and to civil"), when no
    more words were heard between it and the run than the sentence has before the run
    (plus two) and it lies within the estimate's uncertainty; else ``start``. With the
    bounds the start lies in: after that previous word, up to the run less half the lead,
    within ``BOUNDS_REACH_MS`` of the first word heard after it. The transcript's first
    sentence has no previous word: what comes before it (an intro's music) is heard as
    scattered words or not at all, and the first word heard after the last gap of
    ``LONGEST_PAUSE_S`` between heard words before the run stands in for the word after
    the previous one, when the lead's letters fill the time from it to the run at a
    speaking rate (``MIN_SPEAKING_RATE`` .. ``MAX_RUN_RATE`` ms a letter)."""
    prev = first - 1  # the last word (the recogniser knows) before the sentence
    hi = bisect.bisect_left(heard_ms, anchor_time[k])
    if prev >= 0 and prev in anchor_time:
        previous_ms = anchor_time[prev]
    elif prev < 0:
        # the first sentence: its words are the ones heard after the last long gap
        j = hi - 1
        while j > 0 and heard_ms[j] - heard_ms[j - 1] < LONGEST_PAUSE_S * 1000:
            j -= 1
        previous_ms = heard_ms[j - 1] if j > 0 else -1
    else:
        return start, None
    lo = bisect.bisect_right(heard_ms, previous_ms)
    between = hi - lo
    if between < 1 or between > k - first + LEAD_EXTRA_WORDS:
        return start, None
    candidate = heard[lo].start_ms
    letters = letters_before[k] - letters_before[first]
    gap = anchor_time[k] - candidate
    if prev < 0 and not letters * MIN_SPEAKING_RATE <= gap <= letters * MAX_RUN_RATE:
        return start, None  # a gap in what was heard bounds no lead its words do not fill
    if abs(candidate - start) > lead + LEAD_SLACK_MS:
        return start, None
    # after the previous word itself (its own onset is no sentence start), near the word
    # heard first after it
    earliest = max(previous_ms + BOUNDS_AFTER_PREVIOUS_MS, candidate - BOUNDS_REACH_MS)
    latest = min(
        max(candidate, int(anchor_time[k] - lead * BOUNDS_LEAD_SHARE)), candidate + BOUNDS_REACH_MS
    )
    return candidate, (min(earliest, candidate), latest)


def _chunks(heard: Sequence[Word]) -> list[tuple[int, int]]:
    """Index ranges of the heard words, about ``CHUNK_MS`` of audio each, cut where the
    recogniser heard nothing for a while when possible."""
    out: list[tuple[int, int]] = []
    start = 0
    for k in range(1, len(heard) + 1):
        if (
            k == len(heard)
            or (
                heard[k].start_ms - heard[start].start_ms > CHUNK_MS
                and heard[k].start_ms - heard[k - 1].start_ms > CHUNK_PAUSE_MS
            )
            or heard[k].start_ms - heard[start].start_ms > CHUNK_MAX_FACTOR * CHUNK_MS
        ):
            out.append((start, k))
            start = k
    return out


def _run_rate(times: dict[int, int], letters_before: list[int], k: int, run: int) -> float | None:
    """Speaking rate (ms per letter) of the run of ``run`` anchored words of one sentence
    that starts at text word ``k``: no pause between sentences is in it."""
    last = k + run - 1
    letters = letters_before[last] - letters_before[k]
    span = times[last] - times[k]
    if run < MIN_RUN or letters <= 0 or span <= 0:
        return None
    rate = span / letters
    # slower than this, the run has pauses in it ("done, I think, a really"): a lead
    # said at that rate would start far too early
    return min(rate, MAX_RUN_RATE) if rate >= MIN_SPEAKING_RATE else None


def _ms_per_letter(
    anchored: list[int], times: dict[int, int], cumulative: np.ndarray, k: int
) -> float:
    """Speaking rate around text word ``k`` from the anchored words within
    ``RATE_WINDOW_WORDS`` of it."""
    pos = int(np.searchsorted(anchored, k))
    lo, hi = max(0, pos - RATE_WINDOW_WORDS), min(len(anchored) - 1, pos + RATE_WINDOW_WORDS)
    if hi > lo:
        a, b = anchored[lo], anchored[hi]
        letters = int(cumulative[b] - cumulative[a])
        span = times[b] - times[a]
        if letters > 0 and span > 0:
            rate = span / letters
            if PLAUSIBLE_RATE_MIN <= rate <= PLAUSIBLE_RATE_MAX:  # pauses included
                return rate
    return TYPICAL_RATE


def scripted_times(
    sentences: Sequence[str],
    heard: Sequence[Word],
    dtw_starts: Sequence[int],
    known: Collection[str] | None = None,
) -> set[int]:
    """The start times (ms) of the heard words that match the transcript placed near them
    in runs of ``MIN_RUN`` words or more: words of the transcript, said and heard."""
    text = text_words(sentences, known)
    anchor_time, block_of = matched_words(heard, text, dtw_starts)
    sizes = Counter(block_of.values())
    return {ms for w, ms in anchor_time.items() if sizes[block_of[w]] >= MIN_RUN}
