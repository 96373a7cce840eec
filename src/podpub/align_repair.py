"""Repair of DTW sentence starts with speech recognition (PocketSphinx), for audio that is
not in the transcript (ads, asides): DTW has to put that audio somewhere and drags the
next sentences onto it; a recogniser ignores it.

PocketSphinx (BSD; its wheel ships an English model) transcribes the episode, in parallel
segments, with a language model made from the transcript itself (its words, as the wheel's
dictionary spells them, and their bigrams): five times faster than the general English
model, and far fewer wrong words. Its words are matched to the transcript's words; a
sentence whose start is anchored by a run of at least three matched words, and where that
anchor disagrees with DTW, takes the recognised time (less the words before the run, at the
run's own speaking rate). Only English is supported.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import itertools
import math
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SEGMENT_S = 240.0  # seconds of audio per recogniser job
MIN_SEGMENT_S = 0.3  # shorter leftovers hold no word worth recognising
UTTERANCE_S = 20.0  # the recogniser gets utterances of about this length
MIN_RUN = 3  # matched words in a row that make an anchor
FIRST_WORD_TOLERANCE_MS = 400  # DTW and a recognised first word disagree beyond this
TOLERANCE_MS = 400  # ... and a start estimated from a later word (plus 30 % of the lead)
MAX_MOVE_MS = 180_000  # DTW is never this far off (an ad break of three minutes)
LOCAL_TEXT_MS = 120_000  # a piece of audio is heard with the sentences placed this near it
CHUNK_MS = 120_000  # heard words are matched to the transcript this much audio at a time
MAX_LEAD_LETTERS = 30  # letters before the anchor run that can be timed from its rate
LONG_RUN_LEAD_LETTERS = 60  # ... or before a run of LONG_RUN_WORDS words (its rate is surer)
LONG_RUN_WORDS = 5
ACROSS_GAP_MS = 3000  # a run goes on into the next sentence over a pause up to this long
MAX_RUN_RATE = 100.0  # ms per letter: speech is faster (about 70); slower runs hold pauses
MIN_SPEAKING_RATE = 40.0  # ms per letter: no one speaks faster
BOUNDS_AFTER_PREVIOUS_MS = 200  # a misheard opening starts this long after the word before
BOUNDS_REACH_MS = 1000  # ... and within this of the first word heard after that word
LEAD_EXTRA_WORDS = 2  # heard words before a run may outnumber the text's by this many
OPENING_LETTERS = 5  # two words heard together this close to the start time the sentence
OPENING_REACH_LETTERS = 10  # a sentence's opening words, this close to its start, time it ...
OPENING_PAIR_LETTERS = 7  # ... two heard together with this many letters (not "and the")
OPENING_WORD_LETTERS = 6  # ... or one this long on its own
RATE = 16_000


class RepairUnavailable(Exception):
    """PocketSphinx is not installed, or the language is not English."""


@dataclass(frozen=True)
class Word:
    text: str
    start_ms: int


def available(language: str) -> None:
    if not language.lower().replace("_", "-").startswith("en"):
        raise RepairUnavailable("speech recognition repair supports English only")
    try:
        import pocketsphinx  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        raise RepairUnavailable(
            "pocketsphinx is not installed (pip install pocketsphinx)"
        ) from None


# ---------------------------------------------------------------------------- words

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _below_100(n: int) -> list[str]:
    if n < 20:
        return [_ONES[n]]
    return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])


def _cardinal(n: int) -> list[str]:
    if n < 100:
        return _below_100(n)
    if n < 1000:
        rest = _below_100(n % 100) if n % 100 else []
        return [_ONES[n // 100], "hundred", *rest]
    if n < 1_000_000:
        rest = _cardinal(n % 1000) if n % 1000 else []
        return [*_cardinal(n // 1000), "thousand", *rest]
    return [str(n)]


def _number_words(token: str) -> list[str]:
    n = int(token)
    if 1100 <= n <= 2099 and not 2000 <= n <= 2009:  # a year: "nineteen seventy eight"
        tail = (
            _below_100(n % 100)
            if n % 100 >= 10
            else (["hundred"] if n % 100 == 0 else ["oh", _ONES[n % 100]])
        )
        return [*_below_100(n // 100), *tail]
    return _cardinal(n)


_ACRONYM = re.compile(r"\b[A-Z]{2,6}s?\b")


def _spelled(token: str) -> bool:
    """Whether an all-capitals token is said letter by letter ("APHR", "CNRP", "UN") rather
    than as a word ("ASEAN", "COVID", or "NOT" in capitals for emphasis): a word the
    recogniser's dictionary knows is left as it is (it also knows "FBI" letter by letter);
    otherwise two letters, vowel-less, or unpronounceable."""
    core = token[:-1] if token.endswith("s") else token
    if token in _SHORT_WORDS or (len(core) > 2 and core.lower() in _known_words()):
        return False
    if len(core) <= 3 or not re.search(r"[AEIOUY]", core):
        return True
    return re.search(r"[^AEIOUY]{3}", core) is not None


# two-letter words written in capitals for emphasis ("I said NO"), not letters
_SHORT_WORDS = frozenset(
    "NO SO GO IT IS IN ON OF OR TO BE WE HE ME MY BY DO UP AT AN AS IF OK OH HI".split()
)


def _known_words() -> Collection[str]:
    try:
        return vocabulary()
    except (ImportError, OSError):
        return ()


def spell_acronyms(text: str) -> str:
    """``text`` with its spelled-out acronyms as letters: "APHR has" -> "A P H R has"."""

    def spell(m: re.Match[str]) -> str:
        token = m.group(0)
        if not _spelled(token):
            return token
        if token.endswith("s") and len(token) > 2:
            return " ".join(token[:-1]) + "'s"
        return " ".join(token)

    return _ACRONYM.sub(spell, text)


SPELLED_LETTER = 2  # a letter said by name ("p": "pee") takes as long as two or three


def words_of(sentence: str) -> list[str]:
    """Lower-case words as a recogniser spells them ("2017" -> "twenty seventeen", "APHR"
    -> "a p h r")."""
    return [w for w, _ in _words_and_sizes(sentence)]


def spoken_letters(sentence: str) -> list[int]:
    """For each of ``words_of(sentence)``, its length in letters as a measure of how long
    it takes to say: a letter of a spelled-out acronym counts as ``SPELLED_LETTER`` ("APHR"
    takes as long as "aitch" alone), the article "a" as one."""
    return [size for _, size in _words_and_sizes(sentence)]


def _words_and_sizes(sentence: str) -> list[tuple[str, int]]:
    text = spell_acronyms(sentence).replace("’", "'").replace("‘", "'")
    tokens = [t.strip("'") for t in re.findall(r"[A-Za-z0-9']+", text)]
    tokens = [t for t in tokens if t]
    out: list[tuple[str, int]] = []
    for k, token in enumerate(tokens):
        lower = token.lower()
        if lower.isdigit():
            out.extend((w, len(w)) for w in _number_words(lower))
        elif re.fullmatch(r"\d+(st|nd|rd|th|s)", lower):
            out.extend((w, len(w)) for w in _number_words(re.sub(r"\D", "", lower)))
        else:
            # a capital letter next to another: a letter of a spelled acronym
            spelled = (
                len(token) == 1
                and token.isupper()
                and any(
                    0 <= j < len(tokens) and len(tokens[j]) == 1 and tokens[j].isupper()
                    for j in (k - 1, k + 1)
                )
            )
            out.append((lower, SPELLED_LETTER if spelled else len(lower)))
    return out


# ---------------------------------------------------------------------------- recognition


@functools.lru_cache(maxsize=1)
def _lexicon() -> dict[str, list[str]]:
    """The wheel's pronunciation dictionary: word -> its dictionary lines."""
    from pocketsphinx import get_model_path

    out: dict[str, list[str]] = {}
    path = Path(get_model_path()) / "en-us" / "cmudict-en-us.dict"
    with path.open(encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            head = line.split(" ", 1)[0]
            if head:
                out.setdefault(re.sub(r"\(\d+\)$", "", head), []).append(line)
    return out


LM_DISCOUNT = 0.5  # absolute discount of the bigram counts


def vocabulary() -> Collection[str]:
    """The words the recogniser can hear."""
    return _lexicon().keys()


def transcript_model(
    sentences: Sequence[str], lexicon: dict[str, list[str]]
) -> tuple[str, str] | None:
    """A bigram language model (ARPA text) and a dictionary for the transcript's words that
    the lexicon knows; None when it knows none. Sentences are the model's utterances."""
    known = [[w for w in words_of(s) if w in lexicon] for s in sentences]
    tokens: list[str] = []
    for words in known:
        if words:
            tokens.extend(["<s>", *words, "</s>"])
    if not tokens:
        return None
    unigrams = Counter(tokens)
    bigrams = Counter((a, b) for a, b in itertools.pairwise(tokens) if a != "</s>")
    total = sum(unigrams.values())
    vocab = sorted(unigrams)
    # every word may follow every other: a floor under the unigram probabilities
    p_uni = {w: 0.9 * unigrams[w] / total + 0.1 / len(vocab) for w in vocab}
    followers: dict[str, list[str]] = {}
    for a, b in sorted(bigrams):
        followers.setdefault(a, []).append(b)
    lines = ["\\data\\", f"ngram 1={len(vocab)}", f"ngram 2={len(bigrams)}", "", "\\1-grams:"]
    for w in vocab:
        after = followers.get(w, [])
        if after:
            kept = LM_DISCOUNT * len(after) / unigrams[w]
            rest = max(1e-6, 1.0 - sum(p_uni[b] for b in after))
            backoff = f" {math.log10(kept / rest):.4f}"
        else:
            backoff = " 0.0000"
        lines.append(f"{math.log10(p_uni[w]):.4f} {w}{backoff}")
    lines += ["", "\\2-grams:"]
    for (a, b), count in sorted(bigrams.items()):
        lines.append(f"{math.log10((count - LM_DISCOUNT) / unigrams[a]):.4f} {a} {b}")
    lines += ["", "\\end\\", ""]
    vocab_words = sorted(set(vocab) - {"<s>", "</s>"})
    dictionary = "".join(line + "\n" for w in vocab_words for line in lexicon[w])
    return "\n".join(lines), dictionary


def _decode_segment(job: tuple[str, float, float, str, str]) -> list[tuple[str, int]]:
    """Recognise [start, start + length) seconds of the decoded samples (a file of 16 kHz
    mono signed 16-bit samples): (word, start ms) pairs."""
    samples, start, length, lm, dictionary = job
    from pocketsphinx import Decoder

    # the transcript's own model, narrower beams than the defaults and every second frame:
    # about 0.02x real time, and enough anchored words (runs of three) to place sentences.
    # The last-phone beams too (measured: 13 % faster, the same words within 1 %; tighter
    # ones lose words). A language weight of 10 (not 6.5): the transcript is known, and
    # the search follows it (19 % faster; fewer words heard, more of them right; on the
    # benchmark's four conditions as many paragraph starts or more on 22 of 24 episodes)
    decoder = Decoder(
        samprate=RATE,
        loglevel="FATAL",
        lm=lm,
        dict=dictionary,
        fwdflat=False,
        maxhmmpf=10000,
        beam=1e-40,
        pbeam=1e-40,
        wbeam=1e-30,
        lpbeam=1e-30,
        lponlybeam=1e-25,
        lw=10.0,
        ds=2,
    )
    first = round(start * RATE)
    with open(samples, "rb") as f:
        f.seek(2 * first)
        raw = f.read(2 * round(length * RATE))
    x = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2")
    words: list[tuple[str, int]] = []
    pos = 0
    block = RATE // 100
    while pos < x.size:
        end = min(x.size, pos + int(UTTERANCE_S * RATE))
        if end < x.size:  # cut at the quietest 10 ms of the last 4 s
            end = _quietest(x, max(pos + block, end - 4 * RATE), end)
        for word, at in _utterance(decoder, x[pos:end]):
            words.append((word, int((first + pos + at) * 1000.0 / RATE)))
        pos = end
    return words


def _quietest(x: np.ndarray, lo: int, hi: int) -> int:
    """The start (sample) of the quietest 10 ms block of ``x[lo:hi]``."""
    block = RATE // 100
    n = (hi - lo) // block
    env = np.abs(x[lo : lo + n * block].astype(np.int32)).reshape(n, block).sum(axis=1)
    return lo + int(np.argmin(env)) * block


def _utterance(decoder: Any, x: np.ndarray) -> list[tuple[str, int]]:
    """The words of one utterance, each with its start (samples into ``x``). When the
    search finds no path through the whole utterance (its beams are narrow), the halves
    are decoded on their own, cut at the quietest 10 ms of the middle third."""
    decoder.start_utt()
    decoder.process_raw(x.tobytes(), full_utt=True)
    decoder.end_utt()
    segs = decoder.seg()
    if segs is None or decoder.hyp() is None:
        if x.size < 4 * RATE:
            return []
        cut = _quietest(x, x.size // 3, 2 * x.size // 3)
        return _utterance(decoder, x[:cut]) + [
            (w, cut + at) for w, at in _utterance(decoder, x[cut:])
        ]
    out = []
    for seg in segs:
        word = re.sub(r"\(\d+\)$", "", seg.word)
        if not word.startswith(("<", "[")):
            out.append((word.lower(), seg.start_frame * (RATE // 100)))
    return out


def segments(windows: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Windows (start, end seconds) merged where they overlap, sorted, and cut into pieces
    of at most ``SEGMENT_S`` (one recogniser job each)."""
    merged: list[list[float]] = []
    for start, end in sorted((max(0.0, a), b) for a, b in windows if b > max(0.0, a)):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[tuple[float, float]] = []
    for start, end in merged:
        t = start
        while end - t > MIN_SEGMENT_S:
            out.append((t, min(end, t + SEGMENT_S)))
            t += SEGMENT_S
    return out


def uncovered(
    windows: Sequence[tuple[float, float]], covered: Sequence[tuple[float, float]]
) -> list[tuple[float, float]]:
    """The parts of ``windows`` outside ``covered`` (seconds), longer than MIN_SEGMENT_S."""
    out: list[tuple[float, float]] = []
    merged = segments(covered)
    for a, b in windows:
        pieces = [(a, b)]
        for c, d in merged:
            pieces = [
                part
                for x, y in pieces
                for part in ([(x, y)] if d <= x or c >= y else [(x, min(y, c)), (max(x, d), y)])
            ]
        out.extend((x, y) for x, y in pieces if y - x > MIN_SEGMENT_S)
    return out


def nearby(placed: Sequence[tuple[int, int]], start_s: float, end_s: float) -> tuple[int, ...]:
    """The sentences whose (start, end) ms in ``placed`` come within ``LOCAL_TEXT_MS`` of
    the audio from ``start_s`` to ``end_s``."""
    lo, hi = start_s * 1000.0 - LOCAL_TEXT_MS, end_s * 1000.0 + LOCAL_TEXT_MS
    return tuple(i for i, (s, e) in enumerate(placed) if e >= lo and s <= hi)


def recognise(
    samples: Path,
    windows: Sequence[tuple[float, float]],
    sentences: Sequence[str],
    progress: Callable[[float], None],
    *,
    placed: Sequence[tuple[int, int]] | None = None,
) -> list[Word]:
    """The words PocketSphinx hears in the windows (start, end seconds) of the decoded
    audio (``samples``: 16 kHz mono signed 16-bit little-endian), in time order.

    Each piece of audio is recognised with a model of the transcript's sentences that
    ``placed`` (a first guess at each sentence's (start, end) in ms, such as DTW's) puts
    within ``LOCAL_TEXT_MS`` of it: a smaller model is faster and hears fewer wrong words.
    Without ``placed``, the whole transcript's model."""
    pieces = segments(windows)
    if not pieces:
        return []
    lexicon = _lexicon()
    out: list[Word] = []
    with tempfile.TemporaryDirectory(prefix="podpub-asr-") as tmp:
        jobs = []
        models: dict[tuple[int, ...], tuple[str, str] | None] = {}
        for a, b in pieces:
            chosen = tuple(range(len(sentences))) if placed is None else nearby(placed, a, b)
            if chosen not in models:
                model = transcript_model([sentences[i] for i in chosen], lexicon)
                if model is not None:
                    lm = Path(tmp) / f"transcript-{len(models)}.lm"
                    dictionary = lm.with_suffix(".dict")
                    lm.write_text(model[0], encoding="utf-8")
                    dictionary.write_text(model[1], encoding="utf-8")
                    model = (str(lm), str(dictionary))
                models[chosen] = model
            files = models[chosen]
            if files is not None:
                jobs.append((str(samples), a, b - a, *files))
        if not jobs:
            return []
        jobs.sort(key=lambda job: -job[2])  # longest first: the workers finish together
        total = sum(job[2] for job in jobs)
        done = 0.0
        workers = max(1, min(len(jobs), os.cpu_count() or 1))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for job, words in zip(jobs, pool.map(_decode_segment, jobs), strict=True):
                out.extend(Word(w, ms) for w, ms in words)
                done += job[2]
                progress(done / total)
    out.sort(key=lambda w: w.start_ms)
    return out


# ---------------------------------------------------------------------------- anchors


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
    that way. Words outside ``known`` (the
    recogniser's vocabulary: names it cannot hear) do not break a run.
    """
    text_words: list[str] = []
    owner: list[int] = []
    letters_before: list[int] = []  # letters of the sentence before the word (as spoken)
    letters: list[int] = []  # the word's own
    for i, sentence in enumerate(sentences):
        before = 0
        for w, size in _words_and_sizes(sentence):
            if known is None or w in known:
                text_words.append(_HOMOPHONES.get(w, w))
                owner.append(i)
                letters_before.append(before)
                letters.append(size)
            before += size
    anchor_time: dict[int, int] = {}  # text word index -> recognised start (ms)
    block_of: dict[int, int] = {}  # text word index -> its matching block
    strength: dict[int, tuple[int, int]] = {}  # text word index -> (run length, -distance)
    n = 0
    # heard words are matched, a stretch of audio at a time, only to the sentences DTW put
    # within MAX_MOVE_MS of it: a passage said twice in an episode is not matched across
    # (sorted for the search: a caller's starts may step back where one was pushed along)
    owner_start = np.maximum.accumulate(np.array([dtw_starts[i] for i in owner], dtype=np.int64))
    for a0, a1 in _chunks(heard):
        t0, t1 = heard[a0].start_ms, heard[a1 - 1].start_ms
        b0 = int(np.searchsorted(owner_start, t0 - MAX_MOVE_MS, side="left"))
        b1 = int(np.searchsorted(owner_start, t1 + MAX_MOVE_MS, side="right"))
        if b1 <= b0:
            continue
        matcher = difflib.SequenceMatcher(
            None,
            [_HOMOPHONES.get(w.text, w.text) for w in heard[a0:a1]],
            text_words[b0:b1],
            autojunk=False,
        )
        previous: tuple[int, int, int] | None = None  # the last block kept: a, b, size
        groups: list[list[tuple[int, int]]] = []  # runs of (text word, heard time)
        for block in matcher.get_matching_blocks():
            if block.size < 2:
                continue
            # one word heard wrong between two blocks ("now listening each advocate"):
            # in its place, the run goes on through it
            joined = (
                previous is not None
                and block.a - (previous[0] + previous[2]) == 1
                and block.b - (previous[1] + previous[2]) == 1
                # not a sentence's first word: its time is what a run is for
                and letters_before[b0 + previous[1] + previous[2]] > 0
                # heard together, not seconds apart
                and heard[a0 + block.a].start_ms
                - heard[a0 + previous[0] + previous[2] - 1].start_ms
                <= ACROSS_GAP_MS
            )
            if joined:
                assert previous is not None
                word = b0 + previous[1] + previous[2]
                groups[-1].append((word, heard[a0 + previous[0] + previous[2]].start_ms))
            else:
                groups.append([])
            groups[-1].extend(
                (b0 + block.b + k, heard[a0 + block.a + k].start_ms) for k in range(block.size)
            )
            previous = (block.a, block.b, block.size)
        # a word matched from two stretches of audio (the same words said twice within a
        # few minutes) keeps the longer run, then the one nearer where DTW put it
        for group in groups:
            n += 1
            for word, ms in group:
                key = (len(group), -abs(ms - int(owner_start[word])))
                if word not in strength or key > strength[word]:
                    strength[word] = key
                    anchor_time[word] = ms
                    block_of[word] = n
    cumulative = np.cumsum([0, *letters])  # letters before word k
    anchored = sorted(anchor_time)
    result: list[Anchor | None] = [None] * len(sentences)
    first_word: dict[int, int] = {}
    last_word: dict[int, int] = {}
    heard_ms = [h.start_ms for h in heard]  # in time order
    for k, i in enumerate(owner):
        first_word.setdefault(i, k)
        last_word[i] = k
    for i in range(len(sentences)):
        if i not in first_word:
            continue
        k = first_word[i]

        def in_run(w: int, k: int, i: int = i) -> bool:  # word w continues k's heard run
            return (
                w < len(owner) and owner[w] == i and w in anchor_time and block_of[w] == block_of[k]
            )

        # a run of MIN_RUN words, or a whole short sentence ("Thank you, Sochua."), or the
        # first word heard as the end of a run through the sentence before ("... for human
        # rights. Hello"): the recogniser followed the text into it
        whole = list(range(k, last_word[i] + 1))  # the sentence's words (contiguous)
        across = (
            k in anchor_time
            and k >= MIN_RUN - 1
            and all(
                w in anchor_time and block_of[w] == block_of[k] for w in range(k - MIN_RUN + 1, k)
            )
            # heard together, not in two windows that happen to be next in the list
            and anchor_time[k] - anchor_time[k - 1] <= ACROSS_GAP_MS
        )
        if not across and not (
            len(whole) >= 2 and k in anchor_time and all(in_run(w, k) for w in whole)
        ):
            while k < len(owner) and owner[k] == i:
                if (
                    k in anchor_time
                    and all(in_run(k + r, k) for r in range(MIN_RUN))
                    # letters ("a p h") are what a recogniser makes of music and noise:
                    # a run needs words
                    and sum(len(text_words[k + r]) > 1 for r in range(MIN_RUN)) >= 2
                ):
                    break
                k += 1
        if k >= len(owner) or owner[k] != i:
            continue
        run = 1
        while in_run(k + run, k):
            run += 1
        bounds: tuple[int, int] | None = None
        if letters_before[k] == 0:
            start = anchor_time[k]
            tolerance = float(FIRST_WORD_TOLERANCE_MS)
        elif letters_before[k] > (
            LONG_RUN_LEAD_LETTERS if run >= LONG_RUN_WORDS else MAX_LEAD_LETTERS
        ):
            # too long to time from the run's rate: only the sentence's opening, heard
            # before the run at a speaking rate, times it
            opened = _opening(
                first_word[i], k, text_words, letters_before, anchor_time, heard, heard_ms
            )
            if opened is None:
                continue
            start, lead = opened
            tolerance = FIRST_WORD_TOLERANCE_MS + 0.3 * lead
            # never 0, even from the first word: one word heard on its own is not a run
            # that starts the sentence, and moves only a doubtful DTW start
            lead = max(1.0, lead)
        else:
            rate = _run_rate(anchor_time, letters_before, k, run)
            if rate is None:
                rate = _ms_per_letter(anchored, anchor_time, cumulative, k)
            lead = letters_before[k] * rate
            start = int(anchor_time[k] - lead)
            # a word of the lead heard on its own, before the run, times it better
            first = first_word[i]
            lo = start - lead - 500
            lo_i = bisect.bisect_left(heard_ms, lo)
            near = heard[lo_i : bisect.bisect_left(heard_ms, anchor_time[k])]
            lead_match = difflib.SequenceMatcher(
                None,
                [_HOMOPHONES.get(h.text, h.text) for h in near],
                text_words[first:k],
                autojunk=False,
            )
            timed = False  # by a word of the lead heard on its own
            for block in lead_match.get_matching_blocks():
                hits = [
                    m
                    for m in range(block.size)
                    if block.size >= 2 or len(text_words[first + block.b + m]) >= 3
                ]
                if hits:
                    m = hits[0]
                    word = first + block.b + m
                    by_word = int(near[block.a + m].start_ms - letters_before[word] * rate)
                    # the same word, not another: near the estimate, or the sentence's
                    # first two words heard together before the run
                    opening = letters_before[word] <= OPENING_LETTERS and block.size >= 2
                    slack = lead + 500 if opening else 0.35 * lead + 300
                    if abs(by_word - start) <= slack:
                        start = by_word
                        lead = letters_before[word] * rate
                        timed = True
                    break
            if not timed:
                start, bounds = _after_previous(start, lead, first, k, anchor_time, heard, heard_ms)
            tolerance = TOLERANCE_MS + 0.3 * lead
        start = max(0, start)
        agrees = abs(start - dtw_starts[i]) <= tolerance
        if keep_agreeing or not agrees:
            lead_ms = 0 if letters_before[k] == 0 else round(lead)
            support = run + _agreeing_after(k, run, last_word[i], anchor_time, letters_before)
            result[i] = Anchor(start, run, lead_ms, agrees, bounds, support)
    return result


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
                and after.start_ms - h.start_ms <= 1000
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
) -> tuple[int, tuple[int, int] | None]:
    """A sentence start timed from its run (word ``k``) with none of the words before it
    recognised: where the previous sentence's last word was heard, the first word heard
    after it (a misheard opening: "Thank you, Sochua" heard as "and to civil"), when no
    more words were heard between it and the run than the sentence has before the run
    (plus two) and it lies within the estimate's uncertainty; else ``start``. With the
    bounds the start lies in: after that previous word, up to the run less half the lead,
    within ``BOUNDS_REACH_MS`` of the first word heard after it."""
    prev = first - 1  # the last word (the recogniser knows) before the sentence
    if prev < 0 or prev not in anchor_time:
        return start, None
    lo = bisect.bisect_right(heard_ms, anchor_time[prev])
    hi = bisect.bisect_left(heard_ms, anchor_time[k])
    between = hi - lo
    if between < 1 or between > k - first + LEAD_EXTRA_WORDS:
        return start, None
    candidate = heard[lo].start_ms
    if abs(candidate - start) > lead + 500:
        return start, None
    # after the previous word itself (its own onset is no sentence start), near the word
    # heard first after it
    earliest = max(anchor_time[prev] + BOUNDS_AFTER_PREVIOUS_MS, candidate - BOUNDS_REACH_MS)
    latest = min(max(candidate, int(anchor_time[k] - lead / 2)), candidate + BOUNDS_REACH_MS)
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
                and heard[k].start_ms - heard[k - 1].start_ms > 1000
            )
            or heard[k].start_ms - heard[start].start_ms > 2 * CHUNK_MS
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
    return min(rate, MAX_RUN_RATE) if rate >= 40.0 else None


def _ms_per_letter(
    anchored: list[int], times: dict[int, int], cumulative: np.ndarray, k: int
) -> float:
    """Speaking rate around text word ``k`` from the anchored words within 40 of it."""
    pos = int(np.searchsorted(anchored, k))
    lo, hi = max(0, pos - 40), min(len(anchored) - 1, pos + 40)
    if hi > lo:
        a, b = anchored[lo], anchored[hi]
        letters = int(cumulative[b] - cumulative[a])
        span = times[b] - times[a]
        if letters > 0 and span > 0:
            rate = span / letters
            if 30.0 <= rate <= 200.0:  # a plausible rate (pauses included)
                return rate
    return 70.0
