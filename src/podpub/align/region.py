"""Where speech begins and ends (I/O: ffmpeg), for times estimated without alignment.

The audio is streamed from ffmpeg as 8 kHz mono and reduced to one level per 50 ms frame
on the fly, so memory stays small whatever the episode's length. The threshold adapts to
the noise floor (5th percentile of frame levels + 10 dB): a fixed -40 dBFS fails on
noisy audio.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np

from podpub.errors import AudioError
from podpub.timing import SpeechRegion

FRAME_MS = 50
ANALYSIS_RATE = 8000
_SAMPLES_PER_FRAME = ANALYSIS_RATE * FRAME_MS // 1000
_CHUNK_FRAMES = 1200  # one minute of audio per read


def frame_levels_db(path: Path) -> np.ndarray:
    """Level (dBFS) of every 50 ms frame of the audio."""
    if shutil.which("ffmpeg") is None:
        raise AudioError("ffmpeg is not installed", path, None, "install ffmpeg (make feed does)")
    command = [
        "ffmpeg",
        "-v",
        "error",
        "-nostdin",
        "-threads",
        "1",  # episodes are decoded in parallel already
        "-i",
        str(path),
        "-ac",
        "1",
        "-ar",
        str(ANALYSIS_RATE),
        "-f",
        "s16le",
        "-",
    ]
    levels: list[np.ndarray] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        chunk_bytes = _CHUNK_FRAMES * _SAMPLES_PER_FRAME * 2
        while True:
            data = proc.stdout.read(chunk_bytes)
            if not data:
                break
            samples = np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2")
            frames = len(samples) // _SAMPLES_PER_FRAME
            if frames == 0:
                continue
            blocks = samples[: frames * _SAMPLES_PER_FRAME].astype(np.float32)
            blocks = blocks.reshape(frames, _SAMPLES_PER_FRAME)
            rms = np.sqrt(np.mean(blocks * blocks, axis=1)) + 1e-3
            levels.append(20 * np.log10(rms / 32768.0))
        error = proc.stderr.read().decode("utf-8", "replace").strip()
    if proc.returncode != 0:
        raise AudioError(
            f"ffmpeg cannot decode the audio: {error[:200]}",
            path,
            None,
            "check that the file is a complete audio file",
        )
    return np.concatenate(levels) if levels else np.zeros(0, np.float32)


def speech_region(path: Path, duration_ms: int) -> SpeechRegion:
    """First and last stretch of sustained sound above the adaptive threshold."""
    level = frame_levels_db(path)
    if len(level) < 6:
        return SpeechRegion(0, duration_ms)
    # above the noise floor, and below the typical level (audio with almost no pauses)
    threshold = min(float(np.percentile(level, 5)) + 10.0, float(np.median(level)) - 10.0)
    loud = (level > threshold).astype(np.int32)
    # sustained: 4 of 6 consecutive frames (300 ms) above the threshold
    window = np.convolve(loud, np.ones(6, dtype=np.int32), mode="valid")
    sustained = np.nonzero(window >= 4)[0]
    if len(sustained) == 0:
        return SpeechRegion(0, duration_ms)
    first = int(sustained[0])
    first += int(np.argmax(loud[first : first + 6]))  # the first loud frame of the run
    last = int(sustained[-1]) + 6
    start_ms = first * FRAME_MS
    end_ms = min(duration_ms, last * FRAME_MS)
    return SpeechRegion(start_ms, max(end_ms, start_ms + 1))
