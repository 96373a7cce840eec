"""Acoustic features for alignment: streaming decode with ffmpeg, mel energies, MFCC.

Pure numpy. Audio is decoded to 16 kHz mono 16-bit by an ffmpeg subprocess and read in
chunks, so a 3-hour episode never sits in memory as samples: only its features do
(40 mel energies per 20 ms frame as float32: about 90 MB for 3 hours).
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import numpy as np
import numpy.typing as npt

from podpub.align.tuning import (
    DECODE_CHUNK_S,
    F_MAX,
    F_MIN,
    HOP_S,
    LEVEL_STRIDE,
    MIN_NOISE_FLOOR,
    MIN_NORMALISE_FRAMES,
    N_CEPS,
    N_MELS,
    NOISE_PERCENTILE,
    NOISE_STRIDE,
    NORMALISE_PERCENTILE,
    NYQUIST_MARGIN_HZ,
    PRE_EMPHASIS,
    SPEECH_PERCENTILE,
    WIN_S,
)

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

AUDIO_RATE = 16_000  # the decoding rate: the recogniser's models are made for it
CHUNK_SAMPLES = AUDIO_RATE * DECODE_CHUNK_S


class DecodeError(Exception):
    """ffmpeg is missing or could not decode the audio."""


@dataclass(frozen=True)
class Features:
    """Mel band energies (linear power, float32, one row per 20 ms) and frame energy in dB.

    Cepstra are taken later (``cepstra``), once the noise floor of the stream is known.
    """

    mel: F32  # (frames, N_MELS)
    energy_db: F32  # (frames,)

    @property
    def frames(self) -> int:
        return int(self.mel.shape[0])


def _dct_matrix() -> F32:
    n = np.arange(N_MELS)
    dct = np.cos(np.pi / N_MELS * (n[None, :] + 0.5) * np.arange(N_CEPS)[:, None])
    out: F32 = (dct.T * np.sqrt(2.0 / N_MELS)).astype(np.float32)  # (mels, ceps)
    return out


def cepstra(mel: F32, floor: F32, chunk: int = 50_000) -> F32:
    """MFCC c0..c12 of mel energies, with a per-band power ``floor`` added before the log
    (so silence looks the same in streams with different noise levels)."""
    dct = _dct_matrix()
    out = np.empty((mel.shape[0], N_CEPS), dtype=np.float32)
    for k in range(0, mel.shape[0], chunk):
        out[k : k + chunk] = np.log(mel[k : k + chunk] + floor) @ dct
    return out


def _mel(hz: F64 | float) -> F64:
    return np.asarray(2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0), dtype=np.float64)


def _mel_inv(mel: F64) -> F64:
    return np.asarray(700.0 * (10.0 ** (mel / 2595.0) - 1.0), dtype=np.float64)


class MelExtractor:
    """Turns a stream of samples at ``rate`` into feature frames (stateful, chunk by chunk)."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.hop = round(rate * HOP_S)
        self.win = round(rate * WIN_S)
        self.nfft = 1 << (self.win - 1).bit_length()
        self.window = np.hamming(self.win).astype(np.float32)
        freqs = np.fft.rfftfreq(self.nfft, 1.0 / rate)
        edges = _mel_inv(
            np.linspace(_mel(F_MIN), _mel(min(F_MAX, rate / 2 - NYQUIST_MARGIN_HZ)), N_MELS + 2)
        )
        bank = np.zeros((N_MELS, freqs.size), dtype=np.float64)
        for m in range(N_MELS):
            left, centre, right = edges[m], edges[m + 1], edges[m + 2]
            rise = (freqs - left) / (centre - left)
            fall = (right - freqs) / (right - centre)
            bank[m] = np.maximum(0.0, np.minimum(rise, fall))
        bank /= np.maximum(bank.sum(axis=1, keepdims=True), 1e-12)
        self.bank = bank.T.astype(np.float32)  # (bins, mels)
        self._buffer = np.zeros(0, dtype=np.float32)
        self._last = 0.0

    def feed(self, samples: F32) -> tuple[F32, F32]:
        """Add samples in [-1, 1]; return the mel energies and energy of every complete
        frame."""
        if samples.size:
            emphasised = np.empty_like(samples)
            emphasised[0] = samples[0] - PRE_EMPHASIS * self._last
            emphasised[1:] = samples[1:] - PRE_EMPHASIS * samples[:-1]
            self._last = float(samples[-1])
            self._buffer = np.concatenate([self._buffer, emphasised])
        size = self._buffer.size
        count = 0 if size < self.win else 1 + (size - self.win) // self.hop
        if count == 0:
            return np.zeros((0, N_MELS), np.float32), np.zeros(0, np.float32)
        view = np.lib.stride_tricks.sliding_window_view(self._buffer, self.win)[:: self.hop]
        mels = np.empty((count, N_MELS), dtype=np.float32)
        energy = np.empty(count, dtype=np.float32)
        for k in range(0, count, 2000):  # bounded temporaries
            frames = view[k : k + 2000] * self.window
            spectrum = np.fft.rfft(frames, self.nfft, axis=1)
            power = (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
            mels[k : k + 2000] = power @ self.bank
            energy[k : k + 2000] = 10.0 * np.log10(np.mean(frames * frames, axis=1) + 1e-10)
        self._buffer = self._buffer[count * self.hop :].copy()
        return mels, energy

    def finish(self) -> tuple[F32, F32]:
        """Pad the tail with silence: emit every frame that starts before the end."""
        if self._buffer.size == 0:
            return np.zeros((0, N_MELS), np.float32), np.zeros(0, np.float32)
        out = self.feed(np.zeros(self.win - 1, dtype=np.float32))
        self._buffer = np.zeros(0, dtype=np.float32)
        return out


def features_of_samples(samples: F32, rate: int) -> Features:
    ex = MelExtractor(rate)
    mels: list[F32] = []
    energies: list[F32] = []
    step = rate * 10
    for k in range(0, samples.size, step):
        m, e = ex.feed(samples[k : k + step])
        mels.append(m)
        energies.append(e)
    m, e = ex.finish()
    mels.append(m)
    energies.append(e)
    return Features(np.concatenate(mels), np.concatenate(energies))


def probe_duration_s(path: Path) -> float | None:
    """The container's duration (for progress only); None if unknown."""
    if shutil.which("ffprobe") is None:
        return None
    try:
        out = subprocess.run(
            [
                "ffprobe",
                "-v",
                "error",
                "-show_entries",
                "format=duration",
                "-of",
                "default=noprint_wrappers=1:nokey=1",
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout.strip()
        return float(out) if out else None
    except (ValueError, OSError, subprocess.SubprocessError):
        return None


def _decoded_chunks(path: Path) -> Iterator[npt.NDArray[np.int16]]:
    if shutil.which("ffmpeg") is None:
        raise DecodeError("ffmpeg is not installed (apt install ffmpeg)")
    cmd = [
        "ffmpeg",
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-i",
        str(path),
        "-vn",
        "-ac",
        "1",
        "-ar",
        str(AUDIO_RATE),
        "-f",
        "s16le",
        "pipe:1",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    try:
        carry = b""
        while True:
            data = proc.stdout.read(CHUNK_SAMPLES * 2)
            if not data:
                break
            data = carry + data
            usable = len(data) - len(data) % 2
            carry = data[usable:]
            yield np.frombuffer(data[:usable], dtype="<i2")
        err = proc.stderr.read().decode("utf-8", "replace").strip()
        if proc.wait() != 0:
            raise DecodeError(f"ffmpeg could not decode {path.name}: {err[-300:]}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


_T = TypeVar("_T")


def read_ahead(chunks: Iterator[_T], depth: int = 4) -> Iterator[_T]:
    """The items of ``chunks``, produced by a thread up to ``depth`` ahead of the consumer:
    ffmpeg keeps decoding while the features of the last chunk are computed (one waits on
    a pipe, the other holds a core). Errors reach the consumer in order."""
    slots: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(message: tuple[str, Any]) -> bool:  # False once the consumer has left
        while not stop.is_set():
            try:
                slots.put(message, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in chunks:
                if not offer(("item", item)):
                    return
            offer(("end", None))
        except BaseException as exc:  # handed over to the consumer, raised there
            offer(("error", exc))
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()  # a generator's own clean-up (ffmpeg stopped)

    worker = threading.Thread(target=produce, daemon=True)
    worker.start()
    try:
        while True:
            kind, value = slots.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        worker.join()


def audio_features(
    path: Path,
    progress: Callable[[float], None] | None = None,
    samples_to: BinaryIO | None = None,
) -> Features:
    """Decode ``path`` with ffmpeg (streamed) and return its features. The decoded samples
    (16 kHz mono, signed 16-bit little-endian) are also written to ``samples_to`` if given,
    for later passes over parts of the audio without decoding it again."""
    duration = probe_duration_s(path)
    ex = MelExtractor(AUDIO_RATE)
    mels: list[F32] = []
    energies: list[F32] = []
    done = 0
    for chunk in read_ahead(_decoded_chunks(path)):
        if samples_to is not None:
            samples_to.write(chunk.tobytes())
        m, e = ex.feed(chunk.astype(np.float32) / 32768.0)
        mels.append(m)
        energies.append(e)
        done += chunk.size
        if progress is not None and duration:
            progress(min(1.0, done / AUDIO_RATE / duration))
    m, e = ex.finish()
    mels.append(m)
    energies.append(e)
    return Features(np.concatenate(mels), np.concatenate(energies))


# ---------------------------------------------------------------------------- normalisation


def _speech_power(feats: Features) -> float:
    """Mean power of the louder frames (the speech level), from the mel energies."""
    e = feats.energy_db[::LEVEL_STRIDE]
    loud = feats.mel[::LEVEL_STRIDE][e >= np.percentile(e, SPEECH_PERCENTILE)]
    return float(loud.sum(axis=1).mean()) + 1e-12


def noise_floor(audio: Features) -> F32:
    """Per-band floor of the episode, relative to its speech power: the mean power of its
    quietest frames (pauses: the noise), but never lower than 60 dB under the speech."""
    speech = _speech_power(audio)
    e = audio.energy_db[::NOISE_STRIDE]
    quiet = audio.mel[::NOISE_STRIDE][e <= np.percentile(e, NOISE_PERCENTILE)]
    noise = quiet.mean(axis=0) / speech
    out: F32 = np.maximum(noise, MIN_NOISE_FLOOR / N_MELS).astype(np.float32)
    return out


def normalise(feats: Features, relative_floor: F32) -> F32:
    """Cepstra c0..c12 with the episode's relative noise floor, then mean and variance
    normalisation over the louder frames (speech). With the same floor on both streams,
    c0 tells silence from speech alike in both."""
    floor = (relative_floor * _speech_power(feats)).astype(np.float32)
    ceps = cepstra(feats.mel, floor)
    e = feats.energy_db
    speech = ceps[e >= np.percentile(e, NORMALISE_PERCENTILE)]
    if speech.shape[0] < MIN_NORMALISE_FRAMES:
        speech = ceps
    mean = speech.mean(axis=0)
    std = speech.std(axis=0) + 1e-6
    return np.ascontiguousarray((ceps - mean) / std, dtype=np.float32)
