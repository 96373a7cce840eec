#!/usr/bin/env python3
"""Generate a synthetic show of N episodes for the build benchmark.

Each episode gets an episode.yaml, a plain transcript with a title, three section
headings and a few paragraphs, and a short MP3 (one generated clip, copied). Output is
deterministic for a given N and seed.

usage: python bench/make_show.py OUT_DIR [--episodes N] [--seconds S]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS = (
    "the parliament election democracy rights people country region members policy voice "
    "women workers land community support freedom speech assembly justice court history "
    "future together change action report mechanism information conversation"
).split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 16))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))


def make_clip(path: Path, seconds: float) -> None:
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"anoisesrc=d={seconds}:c=pink:r=22050:a=0.2",
            "-ac",
            "1",
            "-b:a",
            "32k",
            "-map_metadata",
            "-1",
            "-fflags",
            "+bitexact",
            "-flags:a",
            "+bitexact",
            str(path),
        ],
        check=True,
    )


def make_show(out: Path, episodes: int, seconds: float, seed: int = 7) -> Path:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "episodes").mkdir(parents=True)
    shutil.copy(REPO / "artwork.png", out / "artwork.png")
    (out / "podcast.yaml").write_text(
        "title: Benchmark Show\n"
        "description: A synthetic show for podpub's build benchmark.\n"
        "author: Bench\n"
        "owner: {name: Bench, email: bench@example.org}\n"
        "language: en\n"
        'categories: ["News/Politics"]\n'
        "explicit: false\n"
        "image: artwork.png\n"
        "base_url: https://example.org/bench/\n"
        "link: https://example.org/bench/\n"
    )
    clip = out / "clip.mp3"
    make_clip(clip, seconds)
    for n in range(1, episodes + 1):
        slug = f"ep-{n:05d}"
        folder = out / "episodes" / slug
        folder.mkdir()
        guid = uuid.UUID(int=rng.getrandbits(128), version=4)
        day = 1 + (n % 28)
        month = 1 + (n // 28) % 12
        year = 2000 + n // 336
        (folder / "episode.yaml").write_text(
            f"published: {year}-{month:02d}-{day:02d}T09:00:00+00:00\n"
            f"guid: {guid}\n"
            f"number: {n}\n"
            f"summary: Episode {n} of the benchmark show.\n"
            "persons:\n  - {name: Ann Host, role: host}\n  - {name: Bo Guest, role: guest}\n"
        )
        lines = [f"Episode {n}: {sentence(rng)[:-1]}", ""]
        for heading in ("Opening Remarks", "The Main Topic", "Looking Ahead"):
            if heading != "Opening Remarks":
                lines += [heading, ""]
            for _ in range(rng.randint(2, 4)):
                lines += [paragraph(rng), ""]
        (folder / "transcript.txt").write_text("\n".join(lines))
        shutil.copy(clip, folder / "audio.mp3")
    clip.unlink()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=80.0)
    args = parser.parse_args()
    make_show(args.out, args.episodes, args.seconds)
    print(f"wrote {args.episodes} episodes to {args.out}")


if __name__ == "__main__":
    main()
