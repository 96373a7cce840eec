#!/usr/bin/env python3
"""Synthesise the bundled show's intro and outro: short chimes, no third-party music.

Each jingle is a few bell-like notes (a sine with two inharmonic partials and an
exponential decay) written as a 48 kHz 16-bit mono WAV. The same notes every time, so the
files are byte-identical between runs. podcast.yaml's ``audio:`` block names them; they
are generated (``make audio``), never committed.

usage: python scripts/make_jingles.py [SHOW_DIR]
"""

from __future__ import annotations

import sys
import wave
from pathlib import Path

import numpy as np

RATE = 48_000
FOLDER = "jingles"
# (start s, frequency Hz, length s) of each note: a rising motif in, a falling one out
INTRO = [(0.0, 523.25, 1.2), (0.35, 659.25, 1.2), (0.7, 783.99, 1.6), (1.2, 1046.5, 2.0)]
OUTRO = [(0.0, 1046.5, 1.4), (0.4, 783.99, 1.4), (0.8, 659.25, 1.6), (1.3, 523.25, 2.2)]


def bell(frequency: float, seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    tone = (
        np.sin(2 * np.pi * frequency * t)
        + 0.4 * np.sin(2 * np.pi * frequency * 2.76 * t)
        + 0.2 * np.sin(2 * np.pi * frequency * 5.40 * t)
    )
    attack = np.minimum(t / 0.005, 1.0)  # 5 ms: no click
    return np.asarray(tone * attack * np.exp(-3.0 * t / seconds), dtype=np.float64)


def jingle(notes: list[tuple[float, float, float]]) -> np.ndarray:
    end = max(start + length for start, _, length in notes)
    out = np.zeros(int(end * RATE) + 1)
    for start, frequency, length in notes:
        note = bell(frequency, length)
        at = int(start * RATE)
        out[at : at + len(note)] += note
    out *= 0.5 / np.max(np.abs(out))  # -6 dBFS peak: the build sets the loudness
    return out


def write_wav(path: Path, samples: np.ndarray) -> None:
    pcm = np.round(samples * 32767).astype("<i2").tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_bytes()[44:] == pcm:
        return  # unchanged: keep its time stamp (the build's fingerprint uses it)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes(pcm)


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path(".")
    write_wav(root / FOLDER / "intro.wav", jingle(INTRO))
    write_wav(root / FOLDER / "outro.wav", jingle(OUTRO))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
