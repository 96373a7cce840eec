"""Forced alignment of a transcript's sentences to the episode audio, offline.

The only module that runs the aligner. Method (see the project's alignment notes):

1. synthesise the sentences with espeak-ng (subprocesses, batches of sentences separated by
   long SSML breaks, so each sentence's place in the synthetic audio is known);
2. decode the episode with ffmpeg to 16 kHz mono, streamed, into mel energies (20 ms); the
   cepstra of both streams get the episode's noise floor, so silence looks alike in both;
3. dynamic time warping of the synthetic frames against the episode's: a full DTW on
   coarse (~0.3 s) frames, then DTW on 20 ms frames in a band around the coarse path, so
   memory stays bounded. The start and end are open (intro music, outro), with a cost per
   skipped frame calibrated from a first, anchored coarse pass; the silences between
   sentences may absorb audio (music, long pauses) at the same price per frame;
4. each sentence's onset in the synthetic audio is mapped through the path, then moved to
   the speech onset (energy) nearby; confidence comes from the local match cost and the
   speaking-rate sanity of the sentence;
5. for English, PocketSphinx (``align_repair``, a language model made from the transcript)
   listens to the doubtful stretches (``repair="targeted"``, the default: around the
   paragraph starts given as ``focus``, and over sentences DTW stretched or matched
   poorly) or to the whole episode (``repair="full"``); sentence starts anchored by
   recognised words override DTW where they disagree. This fixes the sentences after
   unscripted speech (ads, asides), which DTW cannot tell apart from the transcript's.

Everything here is I/O at the edge (subprocesses, temporary files); callers get records.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from podpub import align_repair
from podpub.align_dtw import Path as DtwPath
from podpub.align_dtw import band_from_path, dtw, dtw_in_two
from podpub.align_features import (
    HOP_S,
    N_MELS,
    DecodeError,
    Features,
    audio_features,
    cepstra,
    features_of_samples,
)

ALIGNER_VERSION = "26"  # bump when results change (a cache key for the caller)
ENGINE = "espeak-ng+mfcc+dtw"

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class SentenceSpan:
    start_ms: int  # onset of the first word of the sentence
    end_ms: int
    confidence: float  # 0..1


@dataclass(frozen=True)
class Alignment:
    spans: tuple[SentenceSpan, ...]  # one per input sentence, same order, non-decreasing starts
    engine: str  # e.g. "espeak-ng+mfcc+dtw" (+ "+pocketsphinx" when repaired)


RepairMode = Literal["off", "targeted", "full"]


class AlignmentUnavailable(Exception):
    """Alignment cannot run here (no TTS engine, unsupported language, no speech...). The
    caller falls back to estimates with a warning; message says why."""


# ---------------------------------------------------------------------------- settings

TTS_WPM = 165  # espeak-ng speaking rate
TTS_BREAK_MS = 2000  # SSML break between sentences of one batch
TTS_GAP_MIN_S = 1.2  # a silence this long in espeak-ng's output is a sentence separator
TTS_BATCH = 40  # sentences per espeak-ng process
ESPEAK_NICENESS = 10  # espeak-ng runs at a lower priority (see _run_espeak)
PAD_EDGE_S = 0.4  # silence before the first and after the last synthetic sentence
PAD_SENTENCE_S = 0.24  # silence between synthetic sentences
COARSE = 15  # fine frames (20 ms) per coarse frame: 0.3 s
COARSE_CELL_BUDGET = 150_000_000  # cells of the full coarse DTW (one byte each)
FINE_RADIUS = 25  # fine frames either side of the coarse path
CALIBRATION_BAND = 0.25  # the coarse calibration pass: this share of the audio either side
OPEN_BAND = 0.1  # ... and the open pass this share either side of the anchored path
CALIBRATION_ROWS = 3000  # at least this many rows (60 s) calibrate a finer level
SPLIT_MIN_S = 400.0  # a DTW of this much text runs in two halves at once
SPLIT_OVERLAP_S = 30.0  # ... which overlap by this much: their paths meet there
SKIP_FACTOR = 1.5  # cost of a skipped frame, relative to a typical matched frame
GAP_FACTOR = 1.5  # cost of a frame absorbed by a gap between sentences, relative to typical
ONSET_SEARCH_S = 0.30  # how far the energy refinement may move an onset to a nearby rise
REPAIRED_CONFIDENCE = 0.8
ANCHOR_BEYOND_END_MS = 1000  # how far past DTW's end of a sentence an anchor may move it
LONG_RUN = 5  # ... unless this many recognised words in a row (or in order) anchor it
LEAD_SNAP_MAX_S = 1.0  # how far a start timed from later words may move to a pause
WEAK_START_DB = 3.0  # a weak start ("th", "h") is this much above the pause before it
WEAK_START_RANGE_DB = 20.0  # ... and at most this much below the rise after it
WEAK_START_S = 0.2  # ... and at most this long
ONSET_FORWARD_S = 2.0  # how far an onset mapped into a pause may move to its end
TAIL_BEFORE_S = 0.3  # an onset this far into a sound is on the tail of the one before...
TAIL_AFTER_S = 0.2  # ... when the sound ends within this much after it ...
TAIL_PAUSE_S = 0.3  # ... and a pause at least this long follows
BLIP_S = 0.1  # a sound shorter than this before such a pause is a click or a breath

_ALIASES = {
    "zh": "cmn",
    "zh-cn": "cmn",
    "zh-tw": "cmn",
    "zh-hk": "yue",
    "no": "nb",
    "iw": "he",
    "in": "id",
    "fil": "tl",
    "en": "en-us",
}


# ---------------------------------------------------------------------------- espeak-ng


@functools.lru_cache(maxsize=1)
def _espeak_languages() -> dict[str, str]:
    """Language code (lower case) -> espeak-ng voice argument, for installed voices."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise AlignmentUnavailable("espeak-ng is not installed (apt install espeak-ng)")
    try:
        out = subprocess.run(
            [exe, "--voices"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise AlignmentUnavailable(f"espeak-ng does not run: {exc}") from None
    direct: dict[str, str] = {}
    other: dict[str, tuple[int, str]] = {}
    for line in out.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 5 or fields[4].startswith("mb/"):
            continue  # mbrola voices need separately installed data
        lang = fields[1].lower()
        direct.setdefault(lang, fields[1])
        for code, prio in re.findall(r"\(([\w-]+) (\d+)\)", line):
            key = code.lower()
            if key not in direct and (key not in other or int(prio) < other[key][0]):
                other[key] = (int(prio), fields[1])
    result = {k: v for k, (_, v) in other.items()}
    result.update(direct)
    return result


def espeak_voice(language: str) -> str:
    """The espeak-ng voice for a language tag ("en", "en-US", "fr", "pt_BR")."""
    tag = language.strip().lower().replace("_", "-")
    if not tag:
        raise AlignmentUnavailable("no language given")
    voices = _espeak_languages()
    primary = tag.split("-")[0]
    for candidate in (_ALIASES.get(tag), tag, _ALIASES.get(primary), primary):
        if candidate and candidate in voices:
            return voices[candidate]
    raise AlignmentUnavailable(f"espeak-ng has no voice for language {language!r}")


def _speakable(sentence: str) -> bool:
    return any(ch.isalnum() for ch in sentence)


def _ssml_text(sentence: str) -> str:
    text = " ".join(align_repair.spell_acronyms(sentence).split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _run_espeak(args: list[str], text: str, out: Path) -> tuple[F32, int]:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise AlignmentUnavailable("espeak-ng is not installed (apt install espeak-ng)")
    try:
        with subprocess.Popen(
            [exe, *args, "-w", str(out)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        ) as proc:
            # a lower priority: ffmpeg, decoding the audio at the same time, is the longer
            # of the two, and synthesis fills the time it leaves (measured: the two done
            # 0.4 s sooner in 3, on two cores; 10, not 19: not starved on a busy machine)
            with contextlib.suppress(OSError, AttributeError):
                os.setpriority(os.PRIO_PROCESS, proc.pid, ESPEAK_NICENESS)
            try:
                _, err = proc.communicate(text.encode("utf-8"), timeout=600)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise
            if proc.returncode != 0:
                raise subprocess.CalledProcessError(proc.returncode, exe, stderr=err)
        with wave.open(str(out), "rb") as w:
            rate = w.getframerate()
            data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    except (OSError, subprocess.SubprocessError, wave.Error, EOFError) as exc:
        raise AlignmentUnavailable(f"espeak-ng failed: {exc}") from None
    finally:
        out.unlink(missing_ok=True)
    return data.astype(np.float32) / 32768.0, rate


def _silent_blocks(x: F32, rate: int) -> tuple[npt.NDArray[np.bool_], int]:
    block = max(1, rate // 100)
    n = x.size // block
    env = np.abs(x[: n * block]).reshape(n, block).max(axis=1) if n else np.zeros(0)
    return np.asarray(env < 2e-3), block


def _trim(x: F32, rate: int) -> F32:
    silent, block = _silent_blocks(x, rate)
    loud = np.nonzero(~silent)[0]
    if loud.size == 0:
        return x[:0]
    return x[loud[0] * block : min(x.size, (loud[-1] + 1) * block)]


def _split_batch(x: F32, rate: int, count: int) -> list[F32] | None:
    """Cut one espeak-ng output into ``count`` sentences at the long SSML breaks."""
    silent, block = _silent_blocks(x, rate)
    min_run = int(TTS_GAP_MIN_S * 100)
    cuts: list[tuple[int, int]] = []
    run_start = -1
    loud = np.nonzero(~silent)[0]
    if loud.size == 0:
        return None
    first, last = int(loud[0]), int(loud[-1])
    for k in range(first, last + 1):
        if silent[k]:
            if run_start < 0:
                run_start = k
        elif run_start >= 0:
            if k - run_start >= min_run:
                cuts.append((run_start, k))
            run_start = -1
    if len(cuts) != count - 1:
        return None
    bounds = [first, *[c for cut in cuts for c in cut], last + 1]
    parts = [
        _trim(x[bounds[2 * i] * block : bounds[2 * i + 1] * block], rate) for i in range(count)
    ]
    return parts if all(p.size for p in parts) else None


def _synthesise_batch(
    voice: str,
    sentences: list[str],
    workdir: Path,
    key: int,
) -> tuple[list[F32], int]:
    """Speak sentences with one espeak-ng process; returns one trimmed clip per sentence."""
    args = ["-v", voice, "-s", str(TTS_WPM), "-m", "--stdin"]
    brk = f'<break time="{TTS_BREAK_MS}ms"/>'
    ssml = "<speak>" + f" {brk} ".join(_ssml_text(s) for s in sentences) + "</speak>"
    x, rate = _run_espeak(args, ssml, workdir / f"batch{key}.wav")
    parts = _split_batch(x, rate, len(sentences))
    if parts is not None:
        return parts, rate
    # The breaks could not be found reliably: one process per sentence.
    out = []
    for n, sentence in enumerate(sentences):
        y, rate = _run_espeak(
            args, f"<speak>{_ssml_text(sentence)}</speak>", workdir / f"s{key}_{n}.wav"
        )
        out.append(_trim(y, rate))
    return out, rate


@dataclass(frozen=True)
class Synthetic:
    """Features of the synthetic speech and where each sentence lies in them (frames)."""

    features: Features
    onsets: I64  # first frame of each sentence (-1 for unspeakable sentences)
    ends: I64  # one past the last frame


def _synthesise(
    voice: str, sentences: Sequence[str], workdir: Path, progress: Callable[[float], None]
) -> Synthetic:
    speak_idx = [i for i, s in enumerate(sentences) if _speakable(s)]
    batches = [speak_idx[k : k + TTS_BATCH] for k in range(0, len(speak_idx), TTS_BATCH)]
    onsets = np.full(len(sentences), -1, dtype=np.int64)
    ends = np.full(len(sentences), -1, dtype=np.int64)

    def run(job: tuple[int, list[int]]) -> tuple[list[int], Features, list[int], list[int]]:
        key, idx = job
        clips, rate = _synthesise_batch(voice, [sentences[i] for i in idx], workdir, key)
        hop = round(rate * HOP_S)
        pieces: list[F32] = []
        cursor = 0
        starts: list[int] = []
        stops: list[int] = []

        def silence(seconds: float) -> None:
            nonlocal cursor
            n = round(seconds * rate / hop) * hop
            pieces.append(np.zeros(n, dtype=np.float32))
            cursor += n

        silence(PAD_EDGE_S if key == 0 else PAD_SENTENCE_S)
        for n, clip in enumerate(clips):
            if n:
                silence(PAD_SENTENCE_S)
            starts.append(cursor // hop)
            pieces.append(clip)
            cursor += clip.size
            stops.append(-(-cursor // hop))
        if key == len(batches) - 1:
            silence(PAD_EDGE_S)
        tail = (-cursor) % hop
        pieces.append(np.zeros(tail, dtype=np.float32))
        samples = np.concatenate(pieces)
        return idx, features_of_samples(samples, rate), starts, stops

    done = 0
    results = []
    workers = max(1, min(len(batches), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(run, list(enumerate(batches))):
            results.append(result)
            done += 1
            progress(done / len(batches))
    mels: list[F32] = []
    energies: list[F32] = []
    offset = 0
    for idx, feats, starts, stops in results:
        for i, s, e in zip(idx, starts, stops, strict=True):
            onsets[i] = offset + s
            ends[i] = offset + min(e, feats.frames)
        mels.append(feats.mel)
        energies.append(feats.energy_db)
        offset += feats.frames
    return Synthetic(Features(np.concatenate(mels), np.concatenate(energies)), onsets, ends)


# ---------------------------------------------------------------------------- features


def _speech_power(feats: Features) -> float:
    """Mean power of the louder frames (the speech level), from the mel energies."""
    e = feats.energy_db[::4]
    loud = feats.mel[::4][e >= np.percentile(e, 60)]
    return float(loud.sum(axis=1).mean()) + 1e-12


def _noise_floor(audio: Features) -> F32:
    """Per-band floor of the episode, relative to its speech power: the mean power of its
    quietest frames (pauses: the noise), but never lower than 60 dB under the speech."""
    speech = _speech_power(audio)
    e = audio.energy_db[::2]
    quiet = audio.mel[::2][e <= np.percentile(e, 15)]
    noise = quiet.mean(axis=0) / speech
    out: F32 = np.maximum(noise, 1e-6 / N_MELS).astype(np.float32)
    return out


def _normalise(feats: Features, relative_floor: F32) -> F32:
    """Cepstra c0..c12 with the episode's relative noise floor, then mean and variance
    normalisation over the louder frames (speech). With the same floor on both streams,
    c0 tells silence from speech alike in both."""
    floor = (relative_floor * _speech_power(feats)).astype(np.float32)
    ceps = cepstra(feats.mel, floor)
    e = feats.energy_db
    speech = ceps[e >= np.percentile(e, 40)]
    if speech.shape[0] < 10:
        speech = ceps
    mean = speech.mean(axis=0)
    std = speech.std(axis=0) + 1e-6
    return np.ascontiguousarray((ceps - mean) / std, dtype=np.float32)


def _pool(x: F32, factor: int) -> F32:
    """Average ``factor`` consecutive frames (the last block may be shorter)."""
    if factor == 1:
        return x
    n = -(-x.shape[0] // factor)
    pad = n * factor - x.shape[0]
    padded = np.concatenate([x, np.repeat(x[-1:], pad, axis=0)]) if pad else x
    return np.ascontiguousarray(padded.reshape(n, factor, x.shape[1]).mean(axis=1))


# ---------------------------------------------------------------------------- alignment


def _levels(n: int, m: int) -> list[int]:
    """Frame sizes of the DTW levels, coarse to fine (in 20 ms frames)."""
    coarse = COARSE
    while (n / coarse) * (m / coarse) > COARSE_CELL_BUDGET:
        coarse += COARSE
    levels = [coarse]
    if coarse > COARSE:
        levels.append(COARSE)
    levels.append(1)
    return levels


def _pool_mask(mask: npt.NDArray[np.bool_], factor: int) -> npt.NDArray[np.bool_]:
    """A pooled row is marked when any of its rows is."""
    n = -(-mask.size // factor)
    padded = np.concatenate([mask, np.zeros(n * factor - mask.size, dtype=bool)])
    return np.asarray(padded.reshape(n, factor).any(axis=1))


@dataclass(frozen=True)
class Warp:
    """The fine path, the typical distance of a matched fine frame, and the speaking-rate
    ratio (audio frames per text frame over the whole speech)."""

    path: DtwPath
    typical: float
    speaking_ratio: float


def _speaking_ratio(path: DtwPath, speech_rows: I64) -> float:
    """Audio frames per text frame between the first and the last speech row."""
    if speech_rows.size < 2:
        return 1.0
    r0, r1 = int(speech_rows[0]), int(speech_rows[-1])
    span = int(path.first[r1]) - int(path.first[r0])
    if r1 <= r0 or span <= 0:
        return 1.0
    return float(np.clip(span / (r1 - r0), 0.25, 4.0))


def _warp(
    a: F32, b: F32, gap_rows: npt.NDArray[np.bool_], progress: Callable[[float], None]
) -> Warp:
    """``_warp_levels``, with a second process for the long DTWs when there is a core to
    spare (the DTW runs on one)."""
    if (os.cpu_count() or 1) < 2 or a.shape[0] * HOP_S < SPLIT_MIN_S:
        return _warp_levels(a, b, gap_rows, progress, None)
    with ProcessPoolExecutor(max_workers=1) as pool:
        return _warp_levels(a, b, gap_rows, progress, pool)


def _warp_levels(
    a: F32,
    b: F32,
    gap_rows: npt.NDArray[np.bool_],
    progress: Callable[[float], None],
    pool: ProcessPoolExecutor | None,
) -> Warp:
    """The fine path of ``a`` (text frames) against ``b`` (audio frames).

    The coarsest level is a full DTW, first anchored at both ends (the typical distance of
    a matched frame, which prices a skipped frame), then with an open start and end. Each
    finer level runs in a band around the coarser path, twice: the first pass calibrates
    the typical distance at that level. ``gap_rows`` (the silences between sentences) may
    absorb audio that is not in the text at ``GAP_FACTOR`` times the typical distance.
    """
    levels = _levels(a.shape[0], b.shape[0])
    path: DtwPath | None = None
    typical = 0.0
    share = 1.0 / (len(levels) + 1)
    prev_factor = levels[0]
    for k, factor in enumerate(levels):
        ca, cb = _pool(a, factor), _pool(b, factor)
        level_gap = np.where(_pool_mask(gap_rows, factor), GAP_FACTOR, np.inf)

        def part(f: float, _base: float = (k + 1) * share) -> None:
            progress(_base + share * f)

        final_part: Callable[[float], None] = part
        if path is None:
            # the anchored pass only calibrates: a band around the diagonal holds its path
            # (measured: within 2 % of the audio's length of it) at half the cost
            dlo, dhi = _diagonal_band(ca.shape[0], cb.shape[0], CALIBRATION_BAND)
            anchored = _banded_dtw(
                ca,
                cb,
                dlo,
                dhi,
                factor,
                None,
                None,
                None,
                lambda f: progress(share * f),
                None,
                split=False,  # a wide band: halves with different starts need not meet
            )
            typical = float(np.median(anchored.cost))
            # the open pass stays near the anchored path (which absorbs an intro or outro
            # as a stretch of its first or last rows): a band of OPEN_BAND either side
            lo, hi = band_from_path(
                anchored, 1, ca.shape[0], cb.shape[0], max(50, round(OPEN_BAND * cb.shape[0]))
            )
            del anchored
        else:
            ratio = prev_factor // factor
            radius = FINE_RADIUS if factor == 1 else 5 * ratio
            lo, hi = band_from_path(path, ratio, ca.shape[0], cb.shape[0], radius)
            rows = np.arange(ca.shape[0])
            cols = np.clip(
                path.first[np.minimum(rows // ratio, path.first.size - 1)] * ratio,
                0,
                cb.shape[0] - 1,
            )
            diff = ca - cb[cols]
            typical = float(np.median(np.sqrt(np.einsum("ij,ij->i", diff, diff))))
            del diff
            # the distances along the coarser path overrate a matched frame at this level:
            # calibrate the skip and gap costs from a first pass over a part of the rows
            # (a third, at least CALIBRATION_ROWS): the typical match is the same throughout
            rows_used = min(ca.shape[0], max(CALIBRATION_ROWS, ca.shape[0] // 3))
            first = _calibrated_dtw(
                ca[:rows_used],
                cb,
                lo[:rows_used],
                hi[:rows_used],
                typical,
                level_gap[:rows_used],
                lambda f: part(0.25 * f),
                pool,
                factor,
                split=factor == 1,
            )
            typical = float(np.median(first.cost))
            del first
            final_part = functools.partial(_rescaled, part, 0.25)

        # only the finest level runs in halves: its band is narrow, and paths from different
        # starts meet within seconds (measured: identical paths on every benchmark episode)
        path = _calibrated_dtw(
            ca, cb, lo, hi, typical, level_gap, final_part, pool, factor, split=factor == 1
        )
        prev_factor = factor
    assert path is not None
    speaking = _speaking_ratio(path, np.nonzero(~gap_rows)[0])
    return Warp(path, float(np.median(path.cost)), speaking)


def _diagonal_band(n: int, m: int, share: float) -> tuple[I64, I64]:
    """Columns within ``share`` of ``m`` of the straight line from (0, 0) to (n-1, m-1)."""
    diagonal = np.arange(n) * (m - 1) / max(1, n - 1)
    half = max(share * m, 50.0)
    lo = np.clip(np.floor(diagonal - half), 0, m - 1).astype(np.int64)
    hi = np.clip(np.ceil(diagonal + half) + 1, 1, m).astype(np.int64)
    lo[0], hi[-1] = 0, m
    return lo, hi


def _rescaled(progress: Callable[[float], None], base: float, f: float) -> None:
    progress(base + (1.0 - base) * f)


def _speech_onset(loud: npt.NDArray[np.bool_], energy: F32, frame: int) -> int:
    """Move a mapped onset to the speech onset: out of a pause to the first loud frame
    after it, or to a rise after a pause of at least 0.1 s nearby; then back over a weak
    start (a breathy or fricative sound, quieter than the threshold but above the pause)."""
    n = loud.size
    if not 0 <= frame < n:
        return frame
    quiet_run = round(0.1 / HOP_S)
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
            return _weak_start(loud, energy, _after_tail(loud, rise))
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
    return _weak_start(loud, energy, best)


def _after_tail(loud: npt.NDArray[np.bool_], frame: int) -> int:
    """An onset mapped onto the last moments of a sound that began well before it (the
    previous sentence's last word), or onto a click or breath, that a long pause follows:
    the rise after the pause (measured: a 0.9 s pause before "Thank you" in a 32 kbit/s
    encoding; a 40 ms click 0.8 s before it); else ``frame``."""
    n = loud.size
    blip_frames = round(BLIP_S / HOP_S)
    began = frame
    while began > 0 and loud[began - 1] and frame - began < blip_frames:
        began -= 1
    before = loud[max(0, frame - round(TAIL_BEFORE_S / HOP_S)) : frame]
    tail = before.size == round(TAIL_BEFORE_S / HOP_S) and before.mean() >= 0.8
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


def _weak_start(loud: npt.NDArray[np.bool_], energy: F32, rise: int) -> int:
    """The first frame of a rise: walk back (at most ``WEAK_START_S``) while the energy
    stays clearly above the pause before it (measured: the soft "th" of "the", "then",
    "that" put paragraph starts 0.12 s late with a 6 dB margin and 0.16 s at most)."""
    if rise < 1 or not loud[rise] or loud[rise - 1]:
        return rise
    reach = round(WEAK_START_S / HOP_S)
    pause = energy[max(0, rise - reach - 12) : rise - reach]  # before the farthest reach
    if pause.size < 5:
        return rise
    low = max(float(np.median(pause)) + WEAK_START_DB, float(energy[rise]) - WEAK_START_RANGE_DB)
    k = rise
    while k > max(0, rise - reach) and not loud[k - 1] and energy[k - 1] > low:
        k -= 1
    return k


def _calibrated_dtw(
    ca: npt.NDArray[np.float32],
    cb: npt.NDArray[np.float32],
    lo: npt.NDArray[np.int64],
    hi: npt.NDArray[np.int64],
    typical: float,
    level_gap: npt.NDArray[np.float64],
    progress: Callable[[float], None],
    pool: ProcessPoolExecutor | None = None,
    factor: int = 1,
    *,
    split: bool = False,
) -> DtwPath:
    """A banded DTW whose open start/end and gap costs scale with a typical match."""
    skip = SKIP_FACTOR * typical
    gap = level_gap * typical
    return _banded_dtw(ca, cb, lo, hi, factor, skip, skip, gap, progress, pool, split=split)


def _banded_dtw(
    ca: npt.NDArray[np.float32],
    cb: npt.NDArray[np.float32],
    lo: npt.NDArray[np.int64],
    hi: npt.NDArray[np.int64],
    factor: int,
    skip_start: float | None,
    skip_end: float | None,
    row_gap: npt.NDArray[np.float64] | None,
    progress: Callable[[float], None],
    pool: ProcessPoolExecutor | None,
    *,
    split: bool,
) -> DtwPath:
    """``dtw`` of frames ``factor`` x 20 ms; with ``split``, a long one in two halves (at
    once when a ``pool``, a second core, is given; one after the other here otherwise:
    the same path on any machine), the whole DTW where the halves do not meet."""
    frame_s = factor * HOP_S
    if split and ca.shape[0] * frame_s >= SPLIT_MIN_S:
        # the halves did not meet (ValueError), or the second process broke: the whole
        # DTW, here
        with contextlib.suppress(Exception):
            return dtw_in_two(
                ca,
                cb,
                lo,
                hi,
                skip_start=skip_start,
                skip_end=skip_end,
                row_gap=row_gap,
                overlap=round(SPLIT_OVERLAP_S / frame_s),
                run_apart=pool.submit if pool is not None else _run_here,
                progress=progress,
            )
    return dtw(
        ca, cb, lo, hi, skip_start=skip_start, skip_end=skip_end, row_gap=row_gap, progress=progress
    )


def _run_here(fn: Callable[..., DtwPath], *args: Any, **kwargs: Any) -> Future[DtwPath]:
    """An executor's ``submit`` that runs ``fn`` at once, here."""
    done: Future[DtwPath] = Future()
    done.set_result(fn(*args, **kwargs))
    return done


def align_sentences(
    audio_path: Path,
    sentences: Sequence[str],
    language: str,
    *,
    repair: RepairMode = "targeted",
    focus: Sequence[int] = (),
    progress: Callable[[float], None] | None = None,
) -> Alignment:
    """Place each sentence of the transcript in the audio.

    ``repair``: "targeted" (the default) runs speech recognition on the doubtful stretches
    only: around the ``focus`` sentences (paragraph starts: chapters and paragraphs start
    there) and around sentences whose DTW match looks stretched or poor; "full" on the
    whole episode (slower, and also repairs sentences inside paragraphs); "off" never.

    Raises ``AlignmentUnavailable`` when alignment cannot run here (no espeak-ng or ffmpeg,
    a language espeak-ng lacks, no speech in the audio, nothing speakable in the text).
    """

    reported = [0.0]

    def report(f: float) -> None:  # fractions 0..1, never going back
        if progress is not None:
            reported[0] = max(reported[0], min(1.0, f))
            progress(reported[0])

    voice = espeak_voice(language)
    if not any(_speakable(s) for s in sentences):
        raise AlignmentUnavailable("the transcript has no speakable text")
    report(0.0)
    # with repair, recognition takes most of the time: DTW reports 0..0.2, recognition the rest
    dtw_share = {"off": 1.0, "targeted": 0.6, "full": 0.2}[repair]
    # numpy's BLAS threads only spin on these small products, and take the cores from
    # espeak-ng, ffmpeg and the recogniser (measured: 0.8 s of 11 s on two cores)
    with (
        threadpool_limits(limits=1, user_api="blas"),
        tempfile.TemporaryDirectory(prefix="podpub-align-") as tmp,
    ):
        samples = Path(tmp) / "samples.raw"  # the decoded audio, for the recogniser
        warp, synthetic, audio, loud = _warped(
            voice, sentences, Path(audio_path), samples, dtw_share, report
        )
        spans = _spans(warp, synthetic, audio, loud, len(sentences))
        engine = ENGINE
        if repair != "off":
            try:
                align_repair.available(language)
            except align_repair.RepairUnavailable:
                pass  # the DTW result stands; the engine name says no repair was made
            else:
                # a third-party recogniser (or its dictionary) failing never fails a
                # build: the DTW result stands, unrepaired
                with contextlib.suppress(Exception):
                    spans, engine = _repair(
                        spans,
                        sentences,
                        synthetic,
                        warp,
                        audio,
                        loud,
                        samples,
                        repair,
                        focus,
                        lambda f: report(dtw_share + (1 - dtw_share) * f),
                    )
    report(1.0)
    return Alignment(spans, engine)


def _warped(
    voice: str,
    sentences: Sequence[str],
    audio_path: Path,
    samples: Path,
    share: float,
    report: Callable[[float], None],
) -> tuple[Warp, Synthetic, Features, npt.NDArray[np.bool_]]:
    """Synthesise the sentences and decode the audio (at the same time: one waits on
    espeak-ng processes, the other on ffmpeg), then warp one onto the other. The decoded
    samples are written to ``samples``. Also returns which audio frames are loud (speech
    level, not the pauses between)."""
    done = [0.0, 0.0]  # synthesis, decoding

    def part(k: int, f: float) -> None:
        done[k] = f
        report(share * (0.15 * done[0] + 0.25 * done[1]))

    with ThreadPoolExecutor(max_workers=1) as pool:
        speech = pool.submit(_synthesise, voice, sentences, samples.parent, lambda f: part(0, f))
        try:
            with samples.open("wb") as out:
                audio = audio_features(audio_path, lambda f: part(1, f), out)
        except DecodeError as exc:
            speech.cancel()
            raise AlignmentUnavailable(str(exc)) from None
        except OSError as exc:  # no room for the decoded audio in the temporary folder
            speech.cancel()
            raise AlignmentUnavailable(f"cannot keep the decoded audio: {exc}") from None
        synthetic = speech.result()
    if audio.frames < 10:
        raise AlignmentUnavailable("the audio is too short to align")
    floor = float(np.percentile(audio.energy_db, 5))
    level = float(np.percentile(audio.energy_db, 95))
    if level < -60.0 or level - floor < 10.0:
        raise AlignmentUnavailable("no speech found in the audio")
    relative_floor = _noise_floor(audio)
    a = _normalise(synthetic.features, relative_floor)
    b = _normalise(audio, relative_floor)
    gaps = np.ones(a.shape[0], dtype=bool)  # between sentences: where audio may be inserted
    for s, e in zip(synthetic.onsets, synthetic.ends, strict=True):
        if s >= 0:
            gaps[s:e] = False
    warp = _warp(a, b, gaps, lambda f: report(share * (0.4 + 0.6 * f)))
    loud = audio.energy_db >= floor + 0.3 * (level - floor)
    return warp, synthetic, audio, loud


def _repair(
    spans: tuple[SentenceSpan, ...],
    sentences: Sequence[str],
    synthetic: Synthetic,
    warp: Warp,
    audio: Features,
    loud: npt.NDArray[np.bool_],
    samples: Path,
    repair: RepairMode,
    focus: Sequence[int],
    progress: Callable[[float], None],
) -> tuple[tuple[SentenceSpan, ...], str]:
    """DTW's spans with the starts recognised words anchor elsewhere, and the engine name;
    DTW's spans as they are when the recogniser fails."""
    duration_s = audio.frames * HOP_S
    doubts = _doubts(spans, synthetic, warp)
    # targeted: first the first seconds of each doubtful paragraph start (mostly DTW is
    # right there, and its words confirm it), then further around the ones not settled
    windows = (
        [(0.0, duration_s)]
        if repair == "full"
        else _doubtful_windows(spans, doubts, focus, duration_s, TARGET_CONFIRM_S)
    )
    placed = [(sp.start_ms, sp.end_ms) for sp in spans]
    try:
        heard = align_repair.recognise(samples, windows, sentences, progress, placed=placed)
    except Exception:  # a failing recogniser (a third-party library) never fails a build
        return spans, ENGINE  # the DTW result stands, unrepaired
    doubtful = doubts.head | doubts.span
    anchors = _anchors(spans, sentences, heard)
    repaired = _repaired(spans, sentences, heard, loud, audio.energy_db, doubtful, anchors)
    if repair == "targeted":
        heard_windows = list(windows)

        def hear_more(more_windows: list[tuple[float, float]]) -> bool:
            nonlocal heard
            if not more_windows:
                return False
            heard_windows.extend(more_windows)
            try:
                more = align_repair.recognise(
                    samples, more_windows, sentences, lambda f: None, placed=placed
                )
            except Exception:  # as above: what was heard so far stands
                return False
            heard = sorted([*heard, *more], key=lambda w: w.start_ms)
            return bool(more)

        def settled_of(
            anchors: Sequence[align_repair.Anchor | None], repaired: Sequence[SentenceSpan]
        ) -> list[bool]:
            # confirmed, or moved by its own words (not pushed along by an earlier one)
            return [
                a is not None and (a.agrees or r.start_ms != sp.start_ms)
                for a, r, sp in zip(anchors, repaired, spans, strict=True)
            ]

        settled = settled_of(anchors, repaired)
        if hear_more(_farther_windows(spans, settled, doubts, focus, windows)):
            anchors = _anchors(spans, sentences, heard)
            repaired = _repaired(spans, sentences, heard, loud, audio.energy_db, doubtful, anchors)
            settled = settled_of(anchors, repaired)
        # a paragraph start pushed along by the sentence before it (moved later by its own
        # words) is looked for after that one's new start, as far as DTW had between them
        pushed = _pushed_windows(spans, repaired, settled, focus)
        extra = align_repair.uncovered(
            [(a / 1000.0, b / 1000.0) for a, b in pushed.values()], heard_windows
        )
        if hear_more(extra):
            # where DTW's span is known wrong, its words are looked for (and a start is
            # judged against) where it was pushed to, up to the window's end
            looked = tuple(
                SentenceSpan(*pushed[i], sp.confidence) if i in pushed else sp
                for i, sp in enumerate(spans)
            )
            doubtful[list(pushed)] = True
            out = _repaired(looked, sentences, heard, loud, audio.energy_db, doubtful)
            repaired = tuple(
                _pushed_span(spans[i], looked[i], r) if i in pushed else r
                for i, r in enumerate(out)
            )
    return repaired, ENGINE + "+pocketsphinx"


def _pushed_span(dtw: SentenceSpan, looked: SentenceSpan, out: SentenceSpan) -> SentenceSpan:
    """A pushed sentence's span after the look for it: its own words moved it (DTW's
    end, or just past its new start) or it stays pushed, less sure (as any pushed start)."""
    if out.start_ms != looked.start_ms:
        return SentenceSpan(out.start_ms, max(dtw.end_ms, out.start_ms + 1), out.confidence)
    return SentenceSpan(out.start_ms, max(dtw.end_ms, out.start_ms), dtw.confidence * 0.5)


def _spoken_before(spans: Sequence[SentenceSpan], i: int) -> int:
    """The sentence before sentence ``i``, skipping unspeakable ones (no span of their
    own: they end where the next starts); -1 when there is none."""
    before = i - 1
    while before >= 0 and spans[before].end_ms >= spans[i].start_ms:
        before -= 1
    return before


def _pushed_windows(
    spans: Sequence[SentenceSpan],
    repaired: Sequence[SentenceSpan],
    settled: Sequence[bool],
    focus: Sequence[int],
) -> dict[int, tuple[int, int]]:
    """Focus sentences that nothing settled but the repair pushed later (the sentence
    before moved past their DTW start): where to look for them (ms), from where they were
    pushed to, as far again as DTW put them after the sentence before, and
    ``TARGET_AFTER_S`` more."""
    out = {}
    for i in sorted(set(focus)):
        if 0 < i < len(spans) and not settled[i] and repaired[i].start_ms > spans[i].start_ms:
            before = max(0, _spoken_before(spans, i))
            lo = repaired[i].start_ms
            after = max(0, spans[i].start_ms - spans[before].start_ms)
            out[i] = (lo, lo + after + round(TARGET_AFTER_S * 1000))
    return out


TARGET_BEFORE_S = 1.5  # recognised audio before a doubtful sentence's DTW start
TARGET_FAR_S = 6.0  # a second look, this far before, where the first found nothing
TARGET_GAP_S = 20.0  # ... or back to the end of the sentence before, up to this far
TARGET_AFTER_S = 8.0  # ... and after it (a sentence after an aside of several seconds)
TARGET_CONFIRM_S = 3.0  # a first look goes only this far after it
STRETCH_DOUBT = 1.4  # a sentence this much slower than the episode's rate is doubtful
CONFIDENCE_DOUBT = 0.6
HEAD_S = 1.0  # a sentence's head: its first second of synthetic speech
HEAD_STRETCH_DOUBT = 1.4  # a head this much slower than the episode's rate is doubtful
HEAD_COST_DOUBT = 1.2  # ... or matched this much worse than a typical frame
LONG_HEAD_S = 3.0  # ... or its first 3 s of synthetic speech ...
LONG_HEAD_STRETCH_DOUBT = 1.6  # ... this much slower (an aside a few seconds in)


def _row_costs(path: DtwPath) -> tuple[F64, I64]:
    """Per synthetic row: the summed local distance of its path cells, and their count."""
    row_cost = np.zeros(path.first.size)
    np.add.at(row_cost, path.rows, path.cost)
    return row_cost, np.bincount(path.rows, minlength=path.first.size)


def _head_doubts(synthetic: Synthetic, warp: Warp) -> tuple[F64, F64, F64]:
    """Per sentence, how its first second matched: audio frames per synthetic frame
    (relative to the episode's speaking rate) and mean distance (relative to a typical
    match); and the audio frames per synthetic frame of its first ``LONG_HEAD_S``.
    Unscripted audio before a sentence shows as a stretched or poorly matched head; an
    aside DTW matched partly to the first words shows as a stretch a few seconds in."""
    path = warp.path
    count = synthetic.onsets.size
    stretch = np.ones(count)
    cost = np.ones(count)
    long_stretch = np.ones(count)
    row_cost, row_n = _row_costs(path)

    def stretch_of(s: int, k: int) -> float:  # rows s .. s + k - 1
        frames = int(path.last[s + k - 1]) + 1 - int(path.first[s])
        return frames / k / warp.speaking_ratio

    head = round(HEAD_S / HOP_S)
    long_head = round(LONG_HEAD_S / HOP_S)
    for i in range(count):
        s, e = int(synthetic.onsets[i]), int(synthetic.ends[i])
        if s < 0:
            continue
        k = max(1, min(e - s, head))
        stretch[i] = stretch_of(s, k)
        cost[i] = row_cost[s : s + k].sum() / max(1, row_n[s : s + k].sum()) / warp.typical
        long_stretch[i] = stretch_of(s, max(1, min(e - s, long_head)))
    return stretch, cost, long_stretch


@dataclass(frozen=True)
class Doubts:
    """Per sentence: whether DTW's start (its first second, or its first 3 s) or its whole
    span looks doubtful. Unscripted audio before a sentence shows as a stretched or poorly
    matched head; inside it, as a stretched sentence or a poor match."""

    head: npt.NDArray[np.bool_]
    span: npt.NDArray[np.bool_]


def _doubts(spans: Sequence[SentenceSpan], synthetic: Synthetic, warp: Warp) -> Doubts:
    head_stretch, head_cost, long_stretch = _head_doubts(synthetic, warp)
    head = (
        (head_stretch > HEAD_STRETCH_DOUBT)
        | (head_cost > HEAD_COST_DOUBT)
        | (long_stretch > LONG_HEAD_STRETCH_DOUBT)
    )
    span = np.zeros(len(spans), dtype=bool)
    for i, sp in enumerate(spans):
        s, e = int(synthetic.onsets[i]), int(synthetic.ends[i])
        if s < 0:
            head[i] = False
            continue
        stretch = (sp.end_ms - sp.start_ms) / 1000.0 / max(HOP_S, (e - s) * HOP_S)
        span[i] = stretch > STRETCH_DOUBT * warp.speaking_ratio or sp.confidence < CONFIDENCE_DOUBT
    return Doubts(head, span)


def _doubtful_windows(
    spans: Sequence[SentenceSpan],
    doubts: Doubts,
    focus: Sequence[int],
    duration_s: float,
    after_s: float = TARGET_AFTER_S,
) -> list[tuple[float, float]]:
    """Stretches of the audio (seconds) worth recognising: around the start of each focus
    sentence whose head DTW matched doubtfully (up to ``after_s`` after it), and over each
    doubtful sentence."""
    out: list[tuple[float, float]] = []
    for i in sorted(set(focus)):
        if 0 <= i < len(spans) and doubts.head[i]:
            t = spans[i].start_ms / 1000.0
            # back over the gap DTW left before it (music, a long pause): the sentence
            # may have started in it
            before_i = _spoken_before(spans, i)
            gap_start = spans[before_i].end_ms / 1000.0 if before_i >= 0 else 0.0
            before = min(t - TARGET_BEFORE_S, max(gap_start, t - TARGET_GAP_S))
            out.append((before, t + after_s))
    for i, span in enumerate(spans):
        if doubts.span[i]:
            end = max(span.end_ms / 1000.0, span.start_ms / 1000.0 + TARGET_AFTER_S)
            out.append((span.start_ms / 1000.0 - TARGET_BEFORE_S, end + 0.5))
    return [(max(0.0, a), min(duration_s, b)) for a, b in out if b > a]


def _farther_windows(
    spans: Sequence[SentenceSpan],
    settled: Sequence[bool],
    doubts: Doubts,
    focus: Sequence[int],
    heard_windows: Sequence[tuple[float, float]],
) -> list[tuple[float, float]]:
    """For each doubtful focus sentence that the first recognition did not settle (its
    words neither confirmed DTW's start nor moved it), the audio from ``TARGET_FAR_S``
    before its DTW start to ``TARGET_AFTER_S`` after it, where not yet heard: DTW may have
    put it late (after an ad) or early (before an aside); and for each doubtful sentence
    not settled, ``TARGET_FAR_S`` after its DTW end."""
    out = []
    for i in sorted(set(focus)):
        if 0 <= i < len(spans) and doubts.head[i] and not settled[i]:
            t = spans[i].start_ms / 1000.0
            out.append((max(0.0, t - TARGET_FAR_S), t + TARGET_AFTER_S))
    for i, span in enumerate(spans):
        if doubts.span[i] and not settled[i]:
            # DTW may have given most of it to unscripted audio and squeezed the sentence
            # itself into its last moments: its words go on after DTW's end
            end = span.end_ms / 1000.0
            out.append((end, end + TARGET_FAR_S))
    return align_repair.uncovered(out, heard_windows)


CONFIDENCE_WINDOW = 12  # sentences either side that a sentence's match is judged against
MATCH_TOLERANCE = 2.0  # a sentence may cost this many times its neighbours' median


def _spans(
    warp: Warp, synthetic: Synthetic, audio: Features, loud: npt.NDArray[np.bool_], count: int
) -> tuple[SentenceSpan, ...]:
    frame_ms = HOP_S * 1000.0
    path, typical = warp.path, warp.typical
    starts = np.full(count, -1, dtype=np.int64)
    stops = np.full(count, -1, dtype=np.int64)
    confidence = np.zeros(count)
    mean_costs = np.zeros(count)
    sanity = np.ones(count)
    speakable = np.nonzero(synthetic.onsets >= 0)[0]
    row_cost, row_count = _row_costs(path)
    for i in speakable.tolist():
        s, e = int(synthetic.onsets[i]), max(int(synthetic.ends[i]), int(synthetic.onsets[i]) + 1)
        j0 = int(path.first[s])
        j1 = int(path.last[e - 1]) + 1
        j0r = _speech_onset(loud, audio.energy_db, j0)
        starts[i] = j0r
        stops[i] = max(j1, j0r + 1)
        mean_costs[i] = float(row_cost[s:e].sum() / max(1, row_count[s:e].sum()))
        slope = (j1 - j0) / max(1, e - s) / warp.speaking_ratio
        sanity[i] = 1.0 if 0.5 <= slope <= 2.0 else float(np.exp(-abs(np.log(max(slope, 1e-3)))))
    # A sentence's match is judged against the sentences around it, not the whole episode:
    # one speaker's voice can sit farther from the synthetic voice than another's all
    # through an episode, which says nothing about where the sentences were placed.
    for i in speakable.tolist():
        window = speakable[max(0, i - CONFIDENCE_WINDOW) : i + CONFIDENCE_WINDOW + 1]
        window = window[(window >= i - CONFIDENCE_WINDOW) & (window <= i + CONFIDENCE_WINDOW)]
        local = float(np.median(mean_costs[window])) if window.size else typical
        reference = max(min(local, 2.0 * typical), typical, 1e-6)
        # voices differ: only a match far worse than its neighbours' lowers confidence
        match = float(np.exp(-max(0.0, mean_costs[i] / reference - MATCH_TOLERANCE) * 2.0))
        confidence[i] = max(0.0, min(1.0, match * sanity[i]))
    # unspeakable sentences take the next sentence's start (or the previous end)
    next_start = int(audio.frames)
    for i in range(count - 1, -1, -1):
        if starts[i] < 0:
            starts[i] = next_start
            stops[i] = next_start
        else:
            next_start = int(starts[i])
    starts = np.maximum.accumulate(starts)
    stops = np.maximum(stops, starts)
    return tuple(
        SentenceSpan(
            round(int(starts[i]) * frame_ms),
            round(int(stops[i]) * frame_ms),
            round(float(confidence[i]), 3),
        )
        for i in range(count)
    )


def _after_longest_pause(loud: npt.NDArray[np.bool_], frame: int, radius: int) -> int:
    """The rise within ``radius`` frames of ``frame`` that follows the longest quiet run
    (at least 0.1 s; the closest of equals); ``frame`` itself when there is none."""
    n = loud.size
    lo, hi = max(1, frame - radius), min(n, frame + radius + 1)
    if lo >= hi:
        return frame
    longest = round(1.0 / HOP_S)
    rises = [k for k in range(lo, hi) if loud[k] and not loud[k - 1]]
    best, best_key = frame, (round(0.1 / HOP_S) - 1, 1)
    for k in rises:
        before = loud[max(0, k - longest) : k][::-1]
        quiet = int(np.argmax(before)) if before.any() else before.size
        key = (quiet, -abs(k - frame))
        if key > best_key:
            best, best_key = k, key
    return best


def _anchors(
    spans: Sequence[SentenceSpan],
    sentences: Sequence[str],
    heard: Sequence[align_repair.Word],
) -> list[align_repair.Anchor | None]:
    """The recognised words' anchor for each sentence, agreeing with DTW's start or not."""
    return align_repair.anchored_starts(
        sentences,
        heard,
        [s.start_ms for s in spans],
        align_repair.vocabulary(),
        keep_agreeing=True,
    )


def _repaired(
    spans: tuple[SentenceSpan, ...],
    sentences: Sequence[str],
    heard: Sequence[align_repair.Word],
    loud: npt.NDArray[np.bool_],
    energy: F32,
    doubtful: npt.NDArray[np.bool_] | None = None,
    anchors: Sequence[align_repair.Anchor | None] | None = None,
) -> tuple[SentenceSpan, ...]:
    """Sentence starts overridden where recognised words anchor them elsewhere. A start
    estimated from words later in the sentence (the first ones were not recognised)
    overrides only a ``doubtful`` DTW start: fillers and pauses make such estimates
    rough. ``anchors``: ``_anchors`` of these heard words, when the caller has them."""
    frame_ms = HOP_S * 1000.0
    if anchors is None:
        anchors = _anchors(spans, sentences, heard)
    out = list(spans)
    for i, anchor in enumerate(anchors):
        if anchor is None:
            continue
        start = anchor.start_ms
        is_doubtful = doubtful is None or bool(doubtful[i])
        if anchor.lead_ms and not is_doubtful:
            continue
        # a start timed from later words is rough, and agrees with DTW's within a wider
        # tolerance than a heard first word; not with a doubtful DTW start that lies
        # earlier (DTW starts a sentence early on the music or aside before it)
        if anchor.agrees and not (
            is_doubtful
            and anchor.lead_ms
            and start - spans[i].start_ms > align_repair.FIRST_WORD_TOLERANCE_MS
        ):
            continue
        # DTW may start a sentence too early (on unscripted audio before it) or a little
        # late, and its end and the previous sentence's start mostly bound where it can be:
        # a short run outside is likely a repeated phrase matched elsewhere; only a long
        # run may move a sentence DTW put entirely inside unscripted audio
        earliest = spans[i - 1].start_ms if i else 0
        bounded = earliest < start < spans[i].end_ms + ANCHOR_BEYOND_END_MS
        if not bounded and anchor.support < LONG_RUN:
            continue
        if abs(start - spans[i].start_ms) > align_repair.MAX_MOVE_MS:
            continue
        frame = round(start / frame_ms)
        if anchor.lead_ms:
            # timed from words later in the sentence: within its uncertainty (or between
            # the heard words around it), the sentence starts after the longest pause; with
            # no pause there (speech over music) the estimate stands rather than jump to a
            # rise in the music
            if anchor.bounds is not None:
                lo, hi = (round(t / frame_ms) for t in anchor.bounds)
                centre, radius = (lo + hi) // 2, max(0, (hi - lo) // 2)
            else:
                centre = frame
                radius = round(min(LEAD_SNAP_MAX_S, 0.2 + 0.3 * anchor.lead_ms / 1000.0) / HOP_S)
            snapped = _after_longest_pause(loud, centre, radius)
            if snapped != centre:
                frame = _speech_onset(loud, energy, snapped)
        else:
            frame = _speech_onset(loud, energy, frame)
        new_start = round(frame * frame_ms)
        out[i] = SentenceSpan(
            new_start,
            max(spans[i].end_ms, new_start + 1),
            max(spans[i].confidence, REPAIRED_CONFIDENCE),
        )
    # keep starts non-decreasing: a repaired start moves the later, unrepaired ones with it
    latest = 0
    for i, span in enumerate(out):
        if span.start_ms < latest:
            out[i] = SentenceSpan(latest, max(span.end_ms, latest), span.confidence * 0.5)
        latest = out[i].start_ms
    return tuple(out)
