"""Composing pieces (I/O): the only module that imports pydub.

The show's intro and outro are short, so pydub holds them whole: each is decoded, checked
(not silent, not absurdly long), brought to the rate and channels of the episode and
written as a PCM WAV piece for ffmpeg to join with the master. The master itself is
never loaded here: hours of audio stream through ffmpeg (``podpub.encode``).
"""

from __future__ import annotations

import math
from pathlib import Path

from pydub import AudioSegment
from pydub.exceptions import CouldntDecodeError

from podpub.errors import AudioError

MAX_PIECE_MS = 5 * 60 * 1000  # an intro or outro, not an episode
SILENT_DBFS = -70.0


def render_piece(source: Path, target: Path, channels: int, sample_rate: int) -> int:
    """Write ``source`` as a 16-bit WAV at ``sample_rate`` with ``channels``; return its
    length in milliseconds (exact at that rate)."""
    try:
        segment = AudioSegment.from_file(source)
    except (CouldntDecodeError, OSError, IndexError, ValueError) as exc:
        raise AudioError(
            f"cannot read the intro/outro: {str(exc).strip().splitlines()[-1][:200]}",
            source,
            None,
            "give a WAV, FLAC or MP3 file",
        ) from None
    if len(segment) == 0:
        raise AudioError("the intro/outro has no duration (0 s)", source)
    if len(segment) > MAX_PIECE_MS:
        raise AudioError(
            f"the intro/outro is {len(segment) / 1000:.0f} s long; at most "
            f"{MAX_PIECE_MS // 1000} s are taken for one",
            source,
            None,
            "check that 'intro:'/'outro:' names the short piece, not an episode",
        )
    loudness = segment.dBFS
    if math.isinf(loudness) or loudness < SILENT_DBFS:
        raise AudioError("the intro/outro is silent", source, None, "export it again")
    segment = segment.set_frame_rate(sample_rate).set_channels(channels).set_sample_width(2)
    try:
        segment.export(target, format="wav")
    except OSError as exc:
        raise AudioError(f"cannot write the audio piece: {exc.strerror}", target) from None
    frames = int(segment.frame_count())
    return round(frames * 1000 / sample_rate)
