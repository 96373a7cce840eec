#!/usr/bin/env python3
"""Mastering benchmark (issue #16): a long stereo 48 kHz WAV master published as MP3 with
Opus and M4A alternates, at -16 LUFS, between an intro and an outro.

Prints, each measured in this run on this machine:
- podpub's build of the episode (a fresh process): wall time and peak memory (podpub's
  own process plus three times its largest ffmpeg child, one per output encoded side by
  side: an upper bound of what was resident at once);
- the plain ffmpeg command lines that do the same by hand with the same filters: one
  measurement (the EBU R128 meter), then one encode per output with the gain (and the
  limiter, where podpub needs one), one after another, each reading the master again --
  the target's baseline; the stricter baseline of one ffmpeg
  process writing all three outputs; and the usual two-pass loudnorm recipe; the ratio
  of podpub's wall time to each.

Targets: peak memory <= 500 MB; wall time <= 1.3x the plain ffmpeg command lines.

usage: python bench/bench_audio.py [--hours 3] [--work DIR] [--no-loudnorm]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SLUG = "long-master"
RUN_BUILD = """
import resource, sys, time, json
from pathlib import Path
from podpub.build import build
t = time.perf_counter()
build(Path(sys.argv[1]), align=False)
wall = time.perf_counter() - t
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "rss_kb": own, "child_rss_kb": kids}))
"""
PODCAST_YAML = """title: Long Master Bench
description: One very long episode, mastered.
author: Bench
owner: {name: Bench, email: bench@example.org}
language: en
categories: [Technology]
explicit: false
image: artwork.png
base_url: https://example.org/bench/
link: https://example.org/
audio:
  loudness: -16
  intro: jingles/intro.wav
  outro: jingles/outro.wav
  alternates: [opus, m4a]
"""
EPISODE_YAML = """title: A long master
published: 2024-05-01T09:00:00+00:00
guid: 7e0c1f7a-3b7e-4d55-9d0e-5c1b7c9f2a11
chapters:
  - {title: Opening, start: 0}
  - {title: Middle, start: "1:00:00"}
  - {title: Ending, start: "2:00:00"}
"""
TRANSCRIPT = (
    "A long master\n\nOpening\n\nHello and welcome.\n\nMiddle\n\nStill here.\n\n"
    "Ending\n\nGoodbye.\n"
)


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def make_show(root: Path, seconds: int) -> Path:
    """A show whose one episode is a stereo 48 kHz 16-bit WAV master of ``seconds``."""
    episode = root / "episodes" / SLUG
    episode.mkdir(parents=True)
    (root / "podcast.yaml").write_text(PODCAST_YAML, "utf-8")
    shutil.copy(REPO / "artwork.png", root / "artwork.png")
    (episode / "episode.yaml").write_text(EPISODE_YAML, "utf-8")
    (episode / "transcript.txt").write_text(TRANSCRIPT, "utf-8")
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_jingles.py"), str(root)], check=True
    )
    ffmpeg(
        "-filter_complex",
        f"anoisesrc=d={seconds}:c=pink:r=48000:a=0.05:seed=3[n];"
        f"sine=f=180:r=48000:d={seconds}[s];[n][s]amix=inputs=2:weights=1 0.3",
        "-ac", "2", "-c:a", "pcm_s16le", str(episode / "master.wav"),
    )  # fmt: skip
    return root


def run_podpub(root: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", RUN_BUILD, str(root)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


JOIN = (
    "[0:a]aformat=sample_rates=48000:channel_layouts=stereo[a];"
    "[1:a]aformat=sample_rates=48000:channel_layouts=stereo[b];"
    "[2:a]aformat=sample_rates=48000:channel_layouts=stereo[c];"
    "[a][b][c]concat=n=3:v=0:a=1"
)
ENCODERS = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", "128k"],
    "opus": ["-c:a", "libopus", "-b:a", "64k"],
    "m4a": ["-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart"],
}


def _measure(inputs: list[str], recipe: str) -> str:
    """The first pass; returns the gain filter of the second."""
    if recipe == "loudnorm":
        err = subprocess.run(
            ["ffmpeg", "-hide_banner", "-nostats", *inputs, "-filter_complex",
             f"{JOIN},loudnorm=I=-16:TP=-1.5:print_format=json", "-f", "null", "-"],
            capture_output=True, text=True, check=True,
        ).stderr  # fmt: skip
        found = json.loads(err[err.rindex("{") : err.rindex("}") + 1])
        return (
            "loudnorm=I=-16:TP=-1.5:linear=true:print_format=none"
            f":measured_I={found['input_i']}:measured_TP={found['input_tp']}"
            f":measured_LRA={found['input_lra']}:measured_thresh={found['input_thresh']}"
            f":offset={found['target_offset']},aresample=48000,aformat=channel_layouts=stereo"
        )
    err = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", *inputs, "-filter_complex",
         f"{JOIN},ebur128=peak=true:framelog=verbose", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    summary = err[err.rindex("Summary:") :]
    integrated = float(summary.split("I:")[1].split("LUFS")[0])
    peak = float(summary.split("True peak:")[1].split("Peak:")[1].split("dBFS")[0])
    gain = -16 - integrated
    if peak + gain <= -2.0:
        return f"volume={gain:.2f}dB"
    # the same true-peak limiter podpub adds when the gain would take peaks over -2.0 dBTP,
    # after the same pass measuring the loudness the limiter takes, made up in the gain
    limiter = f"alimiter=limit={10 ** (-2.0 / 20):.4f}:level=false:latency=true:attack=5:release=50"
    err = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", *inputs, "-filter_complex",
         f"{JOIN},volume={gain:.2f}dB,{limiter},ebur128=framelog=verbose", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    after = float(err[err.rindex("Summary:") :].split("I:")[1].split("LUFS")[0])
    gain += -16 - after
    return f"volume={gain:.2f}dB,aresample=192000,{limiter},aresample=48000"


def plain_ffmpeg(root: Path, out: Path, *, one_process: bool, recipe: str) -> float:
    """The same work as plain ffmpeg command lines: measure, then encode (separately per
    output, or all outputs from one process); ``recipe`` is podpub's (the EBU R128 meter,
    then a gain) or the usual two-pass loudnorm."""
    inputs = [
        "-i", str(root / "jingles" / "intro.wav"),
        "-i", str(root / "episodes" / SLUG / "master.wav"),
        "-i", str(root / "jingles" / "outro.wav"),
    ]  # fmt: skip
    start = time.perf_counter()
    gain = _measure(inputs, recipe)
    if one_process:
        command = ["ffmpeg", "-v", "error", "-y", *inputs, "-filter_complex",
                   f"{JOIN},{gain},asplit=3[o0][o1][o2]"]  # fmt: skip
        for index, (ext, codec) in enumerate(ENCODERS.items()):
            command += ["-map", f"[o{index}]", *codec, str(out / f"one.{ext}")]
        subprocess.run(command, check=True)
    else:
        for ext, codec in ENCODERS.items():
            subprocess.run(
                ["ffmpeg", "-v", "error", "-y", *inputs, "-filter_complex", f"{JOIN},{gain}",
                 *codec, str(out / f"plain.{ext}")],
                check=True,
            )  # fmt: skip
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hours", type=float, default=3.0)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument(
        "--no-loudnorm", action="store_true", help="skip the (slow) two-pass loudnorm baseline"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="podpub-bench-audio-", dir=args.work))
    try:
        seconds = round(args.hours * 3600)
        root = make_show(work / "show", seconds)
        size_mb = (root / "episodes" / SLUG / "master.wav").stat().st_size / 1e6
        print(f"master: {seconds} s stereo 48 kHz WAV, {size_mb:.0f} MB", flush=True)
        podpub = run_podpub(root)
        # podpub runs one ffmpeg per output at once: its own peak and three times the
        # largest ffmpeg's is an upper bound of what was resident at one time
        peak_mb = (podpub["rss_kb"] + 3 * podpub["child_rss_kb"]) / 1024
        print(
            f"podpub build: {podpub['wall']:.1f} s; peak memory at most {peak_mb:.0f} MB "
            f"(podpub {podpub['rss_kb'] / 1024:.0f} MB + 3 x largest ffmpeg "
            f"{podpub['child_rss_kb'] / 1024:.0f} MB; target <= 500 MB)",
            flush=True,
        )
        out = work / "plain"
        out.mkdir()
        separate = plain_ffmpeg(root, out, one_process=False, recipe="gain")
        print(f"plain ffmpeg, same filters, one command per output: {separate:.1f} s", flush=True)
        together = plain_ffmpeg(root, out, one_process=True, recipe="gain")
        print(f"plain ffmpeg, same filters, one command for all outputs: {together:.1f} s")
        print(
            f"ratio podpub / plain command lines: {podpub['wall'] / separate:.2f} "
            f"(target <= 1.3); / one multi-output command: {podpub['wall'] / together:.2f}",
            flush=True,
        )
        if not args.no_loudnorm:
            loudnorm = plain_ffmpeg(root, out, one_process=False, recipe="loudnorm")
            print(
                f"plain ffmpeg, two-pass loudnorm, one command per output: {loudnorm:.1f} s; "
                f"ratio podpub / these: {podpub['wall'] / loudnorm:.2f}"
            )
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"largest process of the whole run (podpub or ffmpeg): {kids:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
