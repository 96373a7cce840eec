"""Repair of DTW sentence starts with speech recognition (PocketSphinx), for audio that is
not in the transcript (ads, asides): DTW has to put that audio somewhere and drags the
next sentences onto it; a recogniser ignores it.

PocketSphinx (BSD; its wheel ships an English model) transcribes the episode, in parallel
segments. Its words are matched to the transcript's words; a sentence whose start is
anchored by a run of at least three matched words, and where that anchor disagrees with
DTW by more than a second, takes the recognised time. Only English is supported.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SEGMENT_S = 240.0  # seconds of audio per recogniser job
UTTERANCE_S = 20.0  # the recogniser gets utterances of about this length
MIN_RUN = 3  # matched words in a row that make an anchor
FIRST_WORD_TOLERANCE_MS = 400  # DTW and a recognised first word disagree beyond this
TOLERANCE_MS = 1000  # ... and a start estimated from a later word (plus 30 % of the lead)
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


def words_of(sentence: str) -> list[str]:
    """Lower-case words as a recogniser spells them ("2017" -> "twenty seventeen")."""
    text = sentence.lower().replace("’", "'").replace("‘", "'")
    out: list[str] = []
    for token in re.findall(r"[a-z0-9']+", text):
        token = token.strip("'")
        if not token:
            continue
        if token.isdigit():
            out.extend(_number_words(token))
        elif re.fullmatch(r"\d+(st|nd|rd|th|s)", token):
            out.extend(_number_words(re.sub(r"\D", "", token)))
        else:
            out.append(token)
    return out


# ---------------------------------------------------------------------------- recognition


def _decode_segment(job: tuple[str, float, float]) -> list[tuple[str, int]]:
    """Recognise [start, start + length) seconds of the file: (word, start ms) pairs."""
    path, start, length = job
    from pocketsphinx import Decoder

    # narrower beams than the defaults: about 0.16x real time instead of 0.4x, and still
    # enough anchored words (runs of three) to place the sentences
    decoder = Decoder(
        samprate=RATE,
        loglevel="FATAL",
        fwdflat=False,
        maxhmmpf=10000,
        beam=1e-40,
        pbeam=1e-40,
        wbeam=1e-30,
    )
    cmd = [
        "ffmpeg",
        "-nostdin",
        "-loglevel",
        "error",
        "-ss",
        f"{start:.3f}",
        "-t",
        f"{length:.3f}",
        "-i",
        path,
        "-vn",
        "-ac",
        "1",
        "-ar",
        str(RATE),
        "-f",
        "s16le",
        "pipe:1",
    ]
    raw = subprocess.run(cmd, capture_output=True, check=False).stdout
    x = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2")
    words: list[tuple[str, int]] = []
    pos = 0
    block = RATE // 100
    while pos < x.size:
        end = min(x.size, pos + int(UTTERANCE_S * RATE))
        if end < x.size:  # cut at the quietest 10 ms of the last 4 s
            lo = max(pos + block, end - 4 * RATE)
            n = (end - lo) // block
            env = np.abs(x[lo : lo + n * block].astype(np.int32)).reshape(n, block).sum(axis=1)
            end = lo + int(np.argmin(env)) * block
        decoder.start_utt()
        decoder.process_raw(x[pos:end].tobytes(), full_utt=True)
        decoder.end_utt()
        offset_ms = start * 1000.0 + pos * 1000.0 / RATE
        for seg in decoder.seg():
            word = re.sub(r"\(\d+\)$", "", seg.word)
            if word.startswith(("<", "[")):
                continue
            words.append((word.lower(), int(offset_ms + seg.start_frame * 10)))
        pos = end
    return words


def recognise(audio: Path, duration_s: float, progress: Callable[[float], None]) -> list[Word]:
    jobs = []
    t = 0.0
    while t < duration_s:
        jobs.append((str(audio), t, min(SEGMENT_S, duration_s - t) + 0.5))
        t += SEGMENT_S
    out: list[Word] = []
    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for n, words in enumerate(pool.map(_decode_segment, jobs)):
            out.extend(Word(w, ms) for w, ms in words)
            progress((n + 1) / len(jobs))
    return out


# ---------------------------------------------------------------------------- anchors


def anchored_starts(
    sentences: Sequence[str], heard: Sequence[Word], dtw_starts: Sequence[int]
) -> list[int | None]:
    """Per sentence: a start implied by recognised words (None: no anchor, or agreement
    with DTW within the tolerance).

    The anchor is the first word of the sentence that starts a run of ``MIN_RUN`` matched
    words. When it is not the sentence's first word, the start is the anchor's time less
    the letters before it at the local speaking rate (from the other anchors nearby).
    """
    text_words: list[str] = []
    owner: list[int] = []
    letters_before: list[int] = []  # letters of the sentence before the word
    for i, sentence in enumerate(sentences):
        before = 0
        for w in words_of(sentence):
            text_words.append(w)
            owner.append(i)
            letters_before.append(before)
            before += len(w)
    matcher = difflib.SequenceMatcher(None, [w.text for w in heard], text_words, autojunk=False)
    anchor_time: dict[int, int] = {}  # text word index -> recognised start (ms)
    for block in matcher.get_matching_blocks():
        if block.size < MIN_RUN:
            continue
        for k in range(block.size):
            anchor_time[block.b + k] = heard[block.a + k].start_ms
    cumulative = np.cumsum([0, *(len(w) for w in text_words)])  # letters before word k
    anchored = sorted(anchor_time)
    result: list[int | None] = [None] * len(sentences)
    first_word: dict[int, int] = {}
    for k, i in enumerate(owner):
        first_word.setdefault(i, k)
    for i in range(len(sentences)):
        if i not in first_word:
            continue
        k = first_word[i]
        while k < len(owner) and owner[k] == i:
            if all(
                k + r < len(owner) and owner[k + r] == i and k + r in anchor_time
                for r in range(MIN_RUN)
            ):
                break
            k += 1
        if k >= len(owner) or owner[k] != i:
            continue
        if letters_before[k] == 0:
            start = anchor_time[k]
            tolerance = float(FIRST_WORD_TOLERANCE_MS)
        else:
            rate = _ms_per_letter(anchored, anchor_time, cumulative, k)
            lead = letters_before[k] * rate
            start = int(anchor_time[k] - lead)
            tolerance = TOLERANCE_MS + 0.3 * lead
        if abs(start - dtw_starts[i]) > tolerance:
            result[i] = start
    return result


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
