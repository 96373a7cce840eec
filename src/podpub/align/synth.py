"""Synthetic speech of the transcript with espeak-ng, and its features.

Sentences are spoken in batches (one espeak-ng process each, batches in parallel),
separated by long SSML breaks, so each sentence's place in the synthetic audio is known.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import subprocess
import wave
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from podpub.align.features import Features, features_of_samples
from podpub.align.records import AlignmentUnavailable
from podpub.align.tuning import (
    ESPEAK_NICENESS,
    HOP_S,
    LOUDNESS_BLOCKS_PER_S,
    PAD_EDGE_S,
    PAD_SENTENCE_S,
    TTS_BATCH,
    TTS_BREAK_MS,
    TTS_GAP_MIN_S,
    TTS_SILENCE,
    TTS_WPM,
)
from podpub.align.words import spell_acronyms

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]

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


def speakable(sentence: str) -> bool:
    return any(ch.isalnum() for ch in sentence)


def _ssml_text(sentence: str) -> str:
    text = " ".join(spell_acronyms(sentence).split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def run_espeak(args: list[str], text: str, out: Path) -> tuple[F32, int]:
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
            # a lower priority: ffmpeg, decoding the audio at the same time, takes longer,
            # and synthesis fills the time it leaves; not the lowest: on a busy machine it
            # would starve
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
    block = max(1, rate // LOUDNESS_BLOCKS_PER_S)
    n = x.size // block
    env = np.abs(x[: n * block]).reshape(n, block).max(axis=1) if n else np.zeros(0)
    return np.asarray(env < TTS_SILENCE), block


def _trim(x: F32, rate: int) -> F32:
    silent, block = _silent_blocks(x, rate)
    loud = np.nonzero(~silent)[0]
    if loud.size == 0:
        return x[:0]
    return x[loud[0] * block : min(x.size, (loud[-1] + 1) * block)]


def _split_batch(x: F32, rate: int, count: int) -> list[F32] | None:
    """Cut one espeak-ng output into ``count`` sentences at the long SSML breaks."""
    silent, block = _silent_blocks(x, rate)
    min_run = int(TTS_GAP_MIN_S * LOUDNESS_BLOCKS_PER_S)
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
    x, rate = run_espeak(args, ssml, workdir / f"batch{key}.wav")
    parts = _split_batch(x, rate, len(sentences))
    if parts is not None:
        return parts, rate
    # The breaks could not be found reliably: one process per sentence.
    out = []
    for n, sentence in enumerate(sentences):
        y, rate = run_espeak(
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


def synthesise(
    voice: str, sentences: Sequence[str], workdir: Path, progress: Callable[[float], None]
) -> Synthetic:
    speak_idx = [i for i, s in enumerate(sentences) if speakable(s)]
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
