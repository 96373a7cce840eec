"""Audio signal (I/O): the only module that imports pydub (which runs ffmpeg).

Finds where speech begins and ends, so that estimates are not thrown off by silence or
an intro; the threshold adapts to the noise floor (a fixed -40 dBFS fails on noisy audio).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydub import AudioSegment
from pydub.exceptions import CouldntDecodeError

from podpub.errors import AudioError
from podpub.timing import SpeechRegion

FRAME_MS = 50
ANALYSIS_RATE = 8000


def speech_region(path: Path, duration_ms: int) -> SpeechRegion:
    """First and last stretch of sustained sound above the adaptive threshold."""
    try:
        segment = AudioSegment.from_file(
            path, parameters=["-ac", "1", "-ar", str(ANALYSIS_RATE)]
        ).set_channels(1)
    except (CouldntDecodeError, OSError, IndexError) as exc:
        raise AudioError(
            f"ffmpeg cannot decode the audio: {str(exc).strip()[:200]}",
            path,
            None,
            "check that the file is a complete audio file",
        ) from None
    samples = np.asarray(segment.get_array_of_samples(), dtype=np.float64)
    per_frame = segment.frame_rate * FRAME_MS // 1000
    frames = len(samples) // per_frame
    if frames < 3:
        return SpeechRegion(0, duration_ms)
    blocks = samples[: frames * per_frame].reshape(frames, per_frame)
    rms = np.sqrt(np.mean(blocks**2, axis=1)) + 1e-9
    level = 20 * np.log10(rms / float(1 << (8 * segment.sample_width - 1)))
    threshold = float(np.percentile(level, 5)) + 10.0
    loud = level > threshold
    # sustained: 4 of 6 consecutive frames (300 ms) above the threshold
    window = np.convolve(loud.astype(np.int32), np.ones(6, dtype=np.int32), mode="valid")
    sustained = np.nonzero(window >= 4)[0]
    if len(sustained) == 0:
        return SpeechRegion(0, duration_ms)
    start_ms = int(sustained[0]) * FRAME_MS
    end_ms = min(duration_ms, (int(sustained[-1]) + 6) * FRAME_MS)
    return SpeechRegion(start_ms, max(end_ms, start_ms + 1))
