#!/usr/bin/env python3
"""Transcript reading benchmark: real transcripts stretched to three hours and more.

A three-hour episode is about 27,000 spoken words. Real files of four families (the
bundled web-page text, a Changelog Markdown transcript with labels and time marks, a
whisper.cpp SubRip file, a Podcasting 2.0 JSON transcript) are repeated until each holds
that many words, then read with podpub's reader, format detection included.

Prints, for each family, measured in this run on this machine:
- the time to read the three-hour file (target: under a second);
- the time to read a file four times as long, as a ratio to the three-hour time
  (target: at most 5: reading is linear; a quadratic step would give 16).

usage: python bench/bench_parse.py [--words N]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

from podpub.transcripts import read_transcript

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "realworld"
SOURCES = {
    "web-page text": ROOT / "episodes" / "advocate-mu-sochua" / "transcript.txt",
    "labelled Markdown": CORPUS / "text-changelog-escaped-times" / "source.md",
    "SubRip": CORPUS / "tool-whispercpp-srt-nasa-iss" / "source.srt",
    "Podcasting 2.0 JSON": CORPUS / "tool-podcast-json-buzzcast" / "source.json",
}


def stretched(path: Path, words: int) -> str:
    """The file's text repeated (times shifted for captions) until it has ``words``."""
    text = path.read_text("utf-8-sig").replace("\r\n", "\n")
    count = max(1, len(text.split()))
    copies = -(-words // count)
    if path.suffix == ".json":  # one JSON document: repeat its segments
        head, _, rest = text.partition('"segments"')
        body = rest[rest.index("[") + 1 : rest.rindex("]")].strip().rstrip(",")
        return head + '"segments": [' + ",\n".join([body] * copies) + "]}\n"
    if path.suffix == ".srt":
        last = max(int(h) * 3600 + int(m) * 60 + int(s) for h, m, s in
                   re.findall(r"(\d+):(\d\d):(\d\d),\d+", text)) + 1  # fmt: skip
        parts = [_shift_srt(text, k * last) for k in range(copies)]
        return "\n\n".join(p.strip() for p in parts) + "\n"
    return "\n\n".join([text.strip()] * copies) + "\n"


def _shift_srt(text: str, seconds: int) -> str:
    def shift(m: re.Match[str]) -> str:
        total = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3)) + seconds
        return f"{total // 3600:02d}:{total // 60 % 60:02d}:{total % 60:02d},{m.group(4)}"

    return re.sub(r"(\d+):(\d\d):(\d\d),(\d+)", shift, text)


def timed_read(path: Path) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        read_transcript(path)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=27_000, help="three hours of speech")
    args = parser.parse_args()
    failed = False
    print(f"{'family':22} {'3 h (s)':>8} {'4x (s)':>8} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as work:
        for family, source in SOURCES.items():
            times = []
            for factor in (1, 4):
                path = Path(work) / f"{family.replace(' ', '-')}-{factor}{source.suffix}"
                path.write_text(stretched(source, args.words * factor), "utf-8")
                times.append(timed_read(path))
            ratio = times[1] / times[0]
            ok = times[0] < 1.0 and ratio <= 5.0
            failed |= not ok
            flag = "" if ok else "  MISSED"
            print(f"{family:22} {times[0]:8.3f} {times[1]:8.3f} {ratio:6.2f}{flag}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
