"""Speech recognition (PocketSphinx) of stretches of the episode, for the repair of DTW
sentence starts where there is audio that is not in the transcript (ads, asides): DTW has
to put that audio somewhere and drags the next sentences onto it; a recogniser ignores it.

PocketSphinx (BSD; its wheel ships an English model) transcribes the episode, in parallel
segments, with a language model made from the transcript itself (its words, as the wheel's
dictionary spells them, and their bigrams): five times faster than the general English
model, and far fewer wrong words. ``anchors`` matches its words to the transcript's. Only
English is supported.
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from podpub.align.tuning import (
    ASR_BEAM,
    ASR_FRAME_STEP,
    ASR_LANGUAGE_WEIGHT,
    ASR_LAST_PHONE_BEAM,
    ASR_LAST_PHONE_ONLY_BEAM,
    ASR_MAX_HMM_PER_FRAME,
    ASR_PHONE_BEAM,
    ASR_WORD_BEAM,
    CUT_SEARCH_S,
    LM_DISCOUNT,
    LM_UNIGRAM_FLOOR,
    LOCAL_TEXT_MS,
    LOUDNESS_BLOCKS_PER_S,
    MIN_SEGMENT_S,
    MIN_SPLIT_S,
    SEGMENT_S,
    UTTERANCE_S,
)
from podpub.align.words import lexicon as _lexicon
from podpub.align.words import words_of

RATE = 16_000  # the recogniser's model's sample rate (the decoded audio's)


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
    p_uni = {
        w: (1.0 - LM_UNIGRAM_FLOOR) * unigrams[w] / total + LM_UNIGRAM_FLOOR / len(vocab)
        for w in vocab
    }
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

    # the transcript's own model, narrower beams than the defaults and every second frame
    # (see the settings in ``tuning``)
    decoder = Decoder(
        samprate=RATE,
        loglevel="FATAL",
        lm=lm,
        dict=dictionary,
        fwdflat=False,
        maxhmmpf=ASR_MAX_HMM_PER_FRAME,
        beam=ASR_BEAM,
        pbeam=ASR_PHONE_BEAM,
        wbeam=ASR_WORD_BEAM,
        lpbeam=ASR_LAST_PHONE_BEAM,
        lponlybeam=ASR_LAST_PHONE_ONLY_BEAM,
        lw=ASR_LANGUAGE_WEIGHT,
        ds=ASR_FRAME_STEP,
    )
    first = round(start * RATE)
    with open(samples, "rb") as f:
        f.seek(2 * first)
        raw = f.read(2 * round(length * RATE))
    x = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2")
    words: list[tuple[str, int]] = []
    pos = 0
    block = RATE // LOUDNESS_BLOCKS_PER_S
    while pos < x.size:
        end = min(x.size, pos + int(UTTERANCE_S * RATE))
        if end < x.size:  # cut at the quietest 10 ms of the last CUT_SEARCH_S
            end = _quietest(x, max(pos + block, end - CUT_SEARCH_S * RATE), end)
        for word, at in _utterance(decoder, x[pos:end]):
            words.append((word, int((first + pos + at) * 1000.0 / RATE)))
        pos = end
    return words


def _quietest(x: np.ndarray, lo: int, hi: int) -> int:
    """The start (sample) of the quietest 10 ms block of ``x[lo:hi]``."""
    block = RATE // LOUDNESS_BLOCKS_PER_S
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
        if x.size < MIN_SPLIT_S * RATE:
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
    return recognise_sets(samples, [windows], sentences, progress, placed=placed)[0]


def recognise_sets(
    samples: Path,
    sets: Sequence[Sequence[tuple[float, float]]],
    sentences: Sequence[str],
    progress: Callable[[float], None],
    *,
    placed: Sequence[tuple[int, int]] | None = None,
) -> list[list[Word]]:
    """``recognise`` for each set of windows, in one pool of workers: the sets are heard
    apart (a window of one set is not heard with the audio of another's around it), so
    the words of one set are the same whatever the other sets hold."""
    pieces = [(k, piece) for k, windows in enumerate(sets) for piece in segments(windows)]
    outs: list[list[Word]] = [[] for _ in sets]
    if not pieces:
        return outs
    lexicon = _lexicon()
    with tempfile.TemporaryDirectory(prefix="podpub-asr-") as tmp:
        jobs = []
        models: dict[tuple[int, ...], tuple[str, str] | None] = {}
        for k, (a, b) in pieces:
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
                jobs.append((k, (str(samples), a, b - a, *files)))
        if not jobs:
            return outs
        jobs.sort(key=lambda job: -job[1][2])  # longest first: the workers finish together
        total = sum(job[1][2] for job in jobs)
        done = 0.0
        workers = max(1, min(len(jobs), os.cpu_count() or 1))
        # a daemonic process (a Dask worker) may not start processes: decode here, the
        # same jobs in the same order (the words are the same either way)
        local = multiprocessing.current_process().daemon
        with ProcessPoolExecutor(max_workers=workers) if not local else nullcontext() as pool:
            args = [job for _, job in jobs]
            decoded = (
                map(_decode_segment, args) if pool is None else pool.map(_decode_segment, args)
            )
            for (k, job), words in zip(jobs, decoded, strict=True):
                outs[k].extend(Word(w, ms) for w, ms in words)
                done += job[2]
                progress(done / total)
    for out in outs:
        out.sort(key=lambda w: w.start_ms)
    return outs
