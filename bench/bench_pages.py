#!/usr/bin/env python3
"""Pages benchmark: the website's share of a full build, measured in one run.

A synthetic show of N episodes (bench/make_show.py) is built in full, in a fresh process
(as bench_build.py does); then, in another fresh process, every episode is parsed and
timed once more (not measured) and the measured part renders and writes what the build
adds for the website: each episode page and the show page. Prints the pages' time as a
share of the full build.

Target (issue #17): the pages of a 1,000-episode show in <= 10 % of its full build.

usage: python bench/bench_pages.py [--episodes N] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_build import CLIP_SECONDS, run_build  # noqa: E402
from make_show import make_show  # noqa: E402

RUN_PAGES = """
import json, sys, time
from pathlib import Path
from podpub.build import artwork_name
from podpub.episode import prepare_episode
from podpub.load import load_episode, load_show
from podpub.site import pages
from podpub.state import ItemStore, load_state

root, out = Path(sys.argv[1]), Path(sys.argv[2])
show = load_show(root)
cache = root / ".podpub-cache"
store = ItemStore(cache)
state = load_state(cache)
items = {slug: store.load(slug, st.key) for slug, st in state.episodes.items()}
episodes = [
    prepare_episode(show, load_episode(root, folder), align=False, root=root)
    for folder in sorted((root / "episodes").iterdir())
]
newest_first = sorted(items.values(), key=lambda i: (i.published, i.slug), reverse=True)
image = artwork_name(show)
t = time.perf_counter()
for episode in episodes:
    folder = out / episode.slug
    folder.mkdir(parents=True, exist_ok=True)
    html = pages.render_episode(show, episode, items[episode.slug], image)
    (folder / pages.EPISODE_PAGE).write_bytes(html.encode("utf-8"))
(out / pages.SHOW_PAGE).write_bytes(pages.render_show(show, newest_first, image).encode("utf-8"))
wall = time.perf_counter() - t
print(json.dumps({"wall": wall, "pages": len(episodes) + 1}))
"""


def run_pages(root: Path, out: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", RUN_PAGES, str(root), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="podpub-bench-pages-"))
    n = args.episodes
    print(f"machine: {os.cpu_count()} cores")
    show = make_show(work / f"show-{n}", n, CLIP_SECONDS)
    full = run_build(show)
    pages = run_pages(show, work / "pages")
    share = pages["wall"] / full["wall"]
    print(f"\nsynthetic show: {n} episodes of {CLIP_SECONDS:.0f} s audio (align off)")
    print(f"{'full build':<44} {full['wall']:>10.2f} s")
    print(f"{'pages (' + str(int(pages['pages'])) + ' files)':<44} {pages['wall']:>10.2f} s")
    print(f"{'pages / full build':<44} {share:>10.1%}   target <= 10 %")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
