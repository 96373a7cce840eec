#!/usr/bin/env python3
"""Build benchmark: a synthetic network-sized show, measured against baselines in one run.

Prints, each measured in this run on this machine:
- full build time; the feed stage vs bare feedgen emitting the same items (ratio);
- no-op rebuild / full build; one-episode change / full build;
- audio tagging vs a plain copy of the same bytes (ratio);
- peak RSS of a full build at N = 100 and at N (default 1,000).

Targets (issue #6): no-op <= 2 %, one change <= 5 %, feed stage <= 1.2x bare feedgen,
tagging <= 1.5x plain copy, peak RSS at N within 10 % of N = 100.

usage: python bench/bench_build.py [--episodes N] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_show import make_clip, make_show  # noqa: E402

from podpub.audio import TagSet, write_tagged_copy  # noqa: E402
from podpub.feed import render_feed  # noqa: E402
from podpub.load import load_show  # noqa: E402
from podpub.model import Chapter, FeedItem  # noqa: E402
from podpub.state import ItemStore, load_state  # noqa: E402

# each episode's audio: long enough for its transcript (up to ~960 words; podpub refuses
# more than 15 words a second of audio as a transcript of another episode)
CLIP_SECONDS = 80.0

RUN_BUILD = """
import resource, sys, time, json
from pathlib import Path
from podpub.build import build
t = time.perf_counter()
build(Path(sys.argv[1]), align=False)
wall = time.perf_counter() - t
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "rss_kb": own, "workers_rss_kb": kids}))
"""


def run_build(root: Path) -> dict[str, float]:
    """A build in a fresh process: wall time inside it, and its peak memory."""
    out = subprocess.run(
        [sys.executable, "-c", RUN_BUILD, str(root)], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def bare_feedgen(items: list[FeedItem]) -> bytes:
    """The baseline for the feed stage: feedgen alone emitting the same items, element for
    element (the podcast:/psc: tags added with lxml in a bare extension, the show notes as
    one f-string), without podpub's records, validation or renderers."""
    from feedgen.ext.base import BaseEntryExtension, BaseExtension
    from feedgen.feed import FeedGenerator
    from lxml import etree

    pc = "{https://podcastindex.org/namespace/1.0}"
    psc = "{http://podlove.org/simple-chapters}"

    class Ext(BaseExtension):  # type: ignore[misc]
        def extend_ns(self) -> dict[str, str]:
            return {"podcast": pc[1:-1], "psc": psc[1:-1]}

    class EntryExt(BaseEntryExtension):  # type: ignore[misc]
        def __init__(self) -> None:
            self.item: FeedItem | None = None

        def extend_rss(self, entry: object) -> object:
            item = self.item
            assert item is not None
            sub = etree.SubElement
            sub(entry, "{http://www.itunes.com/dtds/podcast-1.0.dtd}explicit").text = "false"
            for name, url in item.file_urls:
                if name.startswith("transcript."):
                    attrs = {"url": url, "type": "text/plain", "language": "en"}
                    if name.endswith((".vtt", ".srt")):
                        attrs["rel"] = "captions"
                    sub(entry, pc + "transcript", attrs)
                else:
                    sub(entry, pc + "chapters", {"url": url, "type": "application/json"})
            if item.number is not None:
                sub(entry, pc + "episode").text = str(item.number)
            for person in item.persons:
                sub(
                    entry, pc + "person", {"role": person.role, "group": person.group}
                ).text = person.name
            chapters = sub(entry, psc + "chapters", {"version": "1.2"})
            for c in item.chapters:
                h, rest = divmod(c.start_ms, 3_600_000)
                m, rest = divmod(rest, 60_000)
                start = f"{h:02d}:{m:02d}:{rest // 1000:02d}.{rest % 1000:03d}"
                sub(chapters, psc + "chapter", {"start": start, "title": c.title})
            return entry

    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("bare", Ext, EntryExt, atom=False)
    fg.title("Benchmark Show")
    fg.description("A synthetic show for podpub's build benchmark.")
    fg.link(href="https://example.org/bench/feed.xml", rel="self")
    fg.link(href="https://example.org/bench/", rel="alternate")
    fg.language("en")
    for item in sorted(items, key=lambda i: i.published, reverse=True):
        fe = fg.add_entry(order="append")
        fe.title(item.title)
        fe.guid(item.guid, permalink=False)
        fe.published(item.published)
        fe.description(item.summary or item.title)
        notes = "<br/>".join(f"{c.start_ms // 1000} {c.title}" for c in item.chapters)
        fe.content(f"<p>{item.summary}</p><p>{notes}</p>", type="CDATA")
        fe.enclosure(item.audio_url, str(item.audio_bytes), item.mime_type)
        fe.podcast.itunes_duration(str(round(item.duration_ms / 1000)))
        fe.podcast.itunes_episode_type(item.episode_type)
        if item.number:
            fe.podcast.itunes_episode(item.number)
        fe.bare.item = item
    data: bytes = fg.rss_str(pretty=True)
    return data


def best_of(n: int, fn: object) -> float:
    assert callable(fn)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def feed_stage(root: Path) -> tuple[float, float]:
    show = load_show(root)
    cache = root / ".podpub-cache"
    store = ItemStore(cache)
    loaded = [store.load(slug, st.key) for slug, st in load_state(cache).episodes.items()]
    items = [item for item in loaded if item is not None]
    ours = best_of(3, lambda: render_feed(show, items, show.base_url + "artwork.png"))
    bare = best_of(3, lambda: bare_feedgen(items))
    return ours, bare


def tagging_vs_copy(work: Path, copies: int = 10) -> tuple[float, float, int]:
    """Tag a ~30-minute MP3 vs copy the same bytes."""
    source = work / "long.mp3"
    make_clip(source, 1800.0)
    artwork = (HERE.parent / "artwork.png").read_bytes()
    chapters = [Chapter(f"Chapter {k}", k * 300_000, (k + 1) * 300_000, "given") for k in range(6)]
    tags = TagSet(
        "Title", "Artist", "Album", "2024-01-01", "Comment", 1, 1_800_000, chapters, artwork
    )
    out = work / "out.mp3"

    def tag() -> None:
        write_tagged_copy(source, out, tags)

    def copy() -> None:
        shutil.copyfile(source, out)

    tag()  # warm the page cache
    tagged = best_of(copies, tag)
    copied = best_of(copies, copy)
    return tagged, copied, source.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="podpub-bench-"))
    n = args.episodes
    print(
        f"machine: {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GiB RAM"
    )

    small = make_show(work / "show-100", 100, CLIP_SECONDS)
    small_full = run_build(small)
    big = make_show(work / f"show-{n}", n, CLIP_SECONDS)
    full = run_build(big)
    noop = run_build(big)
    transcript = big / "episodes" / f"ep-{n // 2:05d}" / "transcript.txt"
    transcript.write_text(transcript.read_text() + "\nOne more spoken sentence here.\n")
    one = run_build(big)
    ours, bare = feed_stage(big)
    tagged, copied, size = tagging_vs_copy(work)

    def line(name: str, value: str, target: str) -> None:
        print(f"{name:<44} {value:>22}   target {target}")

    seconds = f"{CLIP_SECONDS:.0f} s"
    print(f"\nsynthetic show: {n} episodes of {seconds} audio, 3 headings each (align off)")
    line("full build", f"{full['wall']:.2f} s", "-")
    line("no-op rebuild / full", f"{noop['wall'] / full['wall']:.1%}", "<= 2 %")
    line("one changed episode / full", f"{one['wall'] / full['wall']:.1%}", "<= 5 %")
    line(
        f"feed stage ({n} items) vs bare feedgen",
        f"{ours:.3f} s / {bare:.3f} s = {ours / bare:.2f}x",
        "<= 1.2x",
    )
    line(
        f"tagging vs plain copy ({size / 2**20:.1f} MiB MP3)",
        f"{tagged * 1000:.1f} / {copied * 1000:.1f} ms = {tagged / copied:.2f}x",
        "<= 1.5x",
    )
    rss_small = max(small_full["rss_kb"], small_full["workers_rss_kb"]) / 1024
    rss_big = max(full["rss_kb"], full["workers_rss_kb"]) / 1024
    line("peak RSS, N=100", f"{rss_small:.0f} MiB", "-")
    line(f"peak RSS, N={n}", f"{rss_big:.0f} MiB ({rss_big / rss_small - 1:+.1%})", "within 10 %")
    print("\nalignment of a ~30-minute episode: see `python bench/bench_align.py`")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
