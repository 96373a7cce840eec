#!/usr/bin/env python3
"""Synthesise a stand-in narration for an episode that has no recording.

The bundled ADVOCATE episode has a transcript but no audio. This script reads the
episode's spoken paragraphs (through podpub's parser, which finds who speaks) and voices
them with espeak-ng, one voice for the host and another for the guest, with short pauses
between paragraphs, then writes an MP3 next to the transcript. It does nothing when the
episode already has an audio file. podpub itself does not know how the audio was made.

A timed transcript is spoken at its given times. Next to the audio it writes
``audio.truth.json``: where each paragraph (or cue) really starts, to score alignment.

usage: python scripts/synthesize_narration.py EPISODE_DIR... [--root SHOW_DIR]
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pydub import AudioSegment

from podpub.episode import parse_transcript
from podpub.load import load_episode, load_show
from podpub.media import AUDIO_EXTENSIONS
from podpub.model import EpisodeSource, Show

HOST_VOICE = ["-v", "en-us+f3", "-s", "168", "-p", "60"]
GUEST_VOICE = ["-v", "en+m3", "-s", "150", "-p", "38"]
OTHER_VOICE = ["-v", "en-us+m1", "-s", "160", "-p", "50"]
LEAD_IN_MS = 1500
PAUSE_MS = 700
SAMPLE_RATE = 22050


def speak(text: str, voice: list[str]) -> AudioSegment:
    wav = subprocess.run(
        ["espeak-ng", *voice, "--stdout", text], capture_output=True, check=True
    ).stdout
    segment: AudioSegment = AudioSegment.from_wav(io.BytesIO(wav))
    return segment.set_frame_rate(SAMPLE_RATE).set_channels(1)


def narrate(show: Show, source: EpisodeSource, out: Path) -> None:
    transcript = parse_transcript(source, show)
    persons = source.persons or show.persons
    hosts = {p.name for p in persons if p.role == "host"}
    guests = {p.name for p in persons if p.role == "guest"}

    def voice_for(speaker: str | None) -> list[str]:
        if speaker in hosts:
            return HOST_VOICE
        if speaker in guests:
            return GUEST_VOICE
        return OTHER_VOICE

    paragraphs = transcript.paragraphs
    # a timed transcript is spoken at its given times: one clip per cue, placed there
    pieces = [
        (cue.start_ms if p.cues else None, cue.text if p.cues else p.text, p.speaker)
        for p in paragraphs
        for cue in (p.cues or (None,))
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        clips = list(pool.map(lambda piece: speak(piece[1], voice_for(piece[2])), pieces))
    audio = AudioSegment.silent(LEAD_IN_MS, SAMPLE_RATE)
    onsets: list[int] = []
    for (start_ms, _, _), clip in zip(pieces, clips, strict=True):
        if start_ms is not None and len(audio) < start_ms:
            audio += AudioSegment.silent(start_ms - len(audio), SAMPLE_RATE)
        onsets.append(len(audio))
        audio += clip + AudioSegment.silent(PAUSE_MS, SAMPLE_RATE)
    # where each piece (paragraph, or cue of a timed transcript) really starts: the truth
    # against which alignment can be scored
    truth = out.with_name(out.stem + ".truth.json")
    truth.write_text(json.dumps({"onsets_ms": onsets}) + "\n")
    tmp = out.with_suffix(".part")
    audio.export(tmp, format="mp3", bitrate="48k", parameters=["-ac", "1", "-map_metadata", "-1"])
    tmp.replace(out)
    print(f"wrote {out} ({len(audio) / 1000:.0f} s, {len(paragraphs)} paragraphs)")


def synthesize(folder: Path, root: Path | None, out: Path | None) -> None:
    folder = folder.resolve()
    root = (root or folder.parent.parent).resolve()
    existing = [p for p in folder.iterdir() if p.suffix.lower() in AUDIO_EXTENSIONS]
    if existing and out is None:
        print(f"{folder.name}: has audio ({existing[0].name}); nothing to do")
        return
    out = out or folder / "audio.mp3"
    show = load_show(root)
    # the audio does not exist yet: point the loader at the file we are about to write
    out.touch()
    try:
        source = load_episode(root, folder)
        narrate(show, source, out)
    except BaseException:
        out.unlink(missing_ok=True)
        raise


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("episodes", type=Path, nargs="+")
    parser.add_argument("--root", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None, help="with one episode only")
    args = parser.parse_args()
    if args.out is not None and len(args.episodes) != 1:
        parser.error("--out needs exactly one episode")
    if shutil.which("espeak-ng") is None:
        print("espeak-ng is not installed (apt-get install espeak-ng)", file=sys.stderr)
        return 1
    for folder in args.episodes:
        synthesize(folder, args.root, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
