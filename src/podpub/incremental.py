"""Incremental builds: what changed since the last build, and what this one leaves.

Each episode's inputs are fingerprinted without reading its audio (YAML and transcripts
by content, other files by size and time); an episode whose fingerprint, outputs in
feed/ and stored feed item are all as the last build left them is reused, not rebuilt.
The record of a build is saved (``podpub.state``) only after it has published.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import overload

from podpub import align, state
from podpub.episode import recogniser_state
from podpub.errors import BuildError, PodpubError
from podpub.load import EPISODE_FILE, SHOW_FILE, load_show
from podpub.media import CACHE_DIR, FEED_DIR, FEED_FILE
from podpub.model import FeedItem, Show
from podpub.site.pages import SHOW_PAGE, template_files
from podpub.state import BuildState, EpisodeState, ItemStore, load_state, save_state
from podpub.yaml_io import read_yaml


def build_mode(align_enabled: bool, repair: bool) -> str:
    """What, beyond the inputs, decides the outputs: alignment on or off, repair, and
    whether this machine can align at all (an episode estimated because espeak-ng was
    missing is rebuilt once it is installed)."""
    if not align_enabled:
        return "no-align"
    engine = "espeak-ng" if shutil.which("espeak-ng") else "no-espeak-ng"
    return (
        f"align {align.ALIGNER_VERSION} {engine} "
        f"repair={'full' if repair else 'targeted'} {recogniser_state('en')}"
    )


@dataclass
class Plan:
    """The last build's record, and this build's fingerprints of the show's inputs."""

    root: Path
    previous: BuildState
    show: Show | None  # podcast.yaml, when it loads (else its errors come with the rest)
    base_key: str
    keys: dict[str, str]  # episode slug -> fingerprint
    reusable: dict[str, EpisodeState]  # episodes left as the last build made them

    @property
    def cache_dir(self) -> Path:
        return self.root / CACHE_DIR

    def feed_key(self, slugs: list[str]) -> str:
        return hashlib.sha256(repr(sorted((s, self.keys[s]) for s in slugs)).encode()).hexdigest()

    def nothing_to_do(self, changed: int, slugs: list[str], feed_dir: Path) -> bool:
        """No episode to build, the same episodes as last time, feed.xml as it was left."""
        return (
            not changed
            and self.previous.feed_key == self.feed_key(slugs)
            and set(self.reusable) == set(slugs)
            and state.outputs_intact(feed_dir, self.previous.extra_outputs)
        )

    def unchanged_outputs(self) -> list[str]:
        return sorted(self.previous.extra_outputs) + sorted(
            name for st in self.reusable.values() for name in st.outputs
        )

    def previous_audio_ms(self, slug: str) -> int | None:
        """How long the episode's own audio was at the last build (None: not built)."""
        st = self.previous.episodes.get(slug)
        item = ItemStore(self.cache_dir).load(slug, st.key) if st is not None else None
        if item is None:
            return None
        return item.duration_ms if item.source_duration_ms is None else item.source_duration_ms

    def reused_warnings(self) -> list[str]:
        return [w for slug in sorted(self.reusable) for w in self.reusable[slug].warnings]


def _episode_pieces(root: Path, folder: Path) -> tuple[Path, ...]:
    """The intro and outro an episode's own ``audio:`` mapping names (they live outside
    its folder, so its fingerprint must look at them too); none when it names none or
    its episode.yaml does not read (the load reports that)."""
    try:
        audio = read_yaml(folder / EPISODE_FILE).data.get("audio")
    except PodpubError:
        return ()
    if not isinstance(audio, dict):
        return ()
    named = (audio.get(k) for k in ("intro", "outro"))
    return tuple(root / v.strip() for v in named if isinstance(v, str) and v.strip() != "none")


def plan(root: Path, mode: str) -> Plan:
    """Fingerprint the inputs and find the episodes the last build left as they are."""
    cache_dir = root / CACHE_DIR
    previous = load_state(cache_dir)
    try:
        show: Show | None = load_show(root)
    except PodpubError:
        show = None  # reported with every other problem when the changed episodes load
    pieces = tuple(p for p in (show.audio.intro, show.audio.outro) if p) if show else ()
    base_key = (
        state.show_key(root / SHOW_FILE, show.image, mode, template_files(root), pieces)
        if show
        else ""
    )
    keys: dict[str, str] = {}
    if (root / "episodes").is_dir():
        for folder in sorted((root / "episodes").iterdir()):
            if folder.is_dir() and not folder.name.startswith("."):
                key = state.episode_key(folder, base_key, _episode_pieces(root, folder))
                keys[folder.name] = key
    feed_dir = root / FEED_DIR
    reusable = {
        slug: st
        for slug, st in previous.episodes.items()
        if base_key
        and previous.show_key == base_key
        and keys.get(slug) == st.key
        and state.outputs_intact(feed_dir, st.outputs)
        and ItemStore(cache_dir).has(slug, st.key)
    }
    return Plan(root, previous, show, base_key, keys, reusable)


class StoredItems(Sequence[FeedItem]):
    """Feed items newest first, loaded from the item store a slice at a time."""

    def __init__(self, store: ItemStore, order: list[tuple[str, str]], latest: datetime | None):
        self.store = store
        self.order = order  # (slug, key), newest first
        self.latest = latest  # the newest episode's date (the feed's lastBuildDate)

    def __len__(self) -> int:
        return len(self.order)

    @overload
    def __getitem__(self, index: int) -> FeedItem: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[FeedItem]: ...

    def __getitem__(self, index: int | slice) -> FeedItem | Sequence[FeedItem]:
        if isinstance(index, slice):
            return [self._load(slug, key) for slug, key in self.order[index]]
        return self._load(*self.order[index])

    def _load(self, slug: str, key: str) -> FeedItem:
        item = self.store.load(slug, key)
        if item is None:
            raise BuildError(
                f"the build cache lost episode {slug!r}",
                self.store.folder,
                None,
                "delete .podpub-cache and build again",
            )
        return item


def feed_items(p: Plan, published: dict[str, datetime]) -> StoredItems:
    """Every episode's feed item (built now or reused), newest first."""
    dates = {slug: st.published for slug, st in p.reusable.items()} | published
    newest_first = sorted(dates, key=lambda slug: (dates[slug], slug), reverse=True)
    return StoredItems(
        ItemStore(p.cache_dir),
        [(slug, p.keys[slug]) for slug in newest_first],
        dates[newest_first[0]] if newest_first else None,
    )


@dataclass(frozen=True)
class Built:
    """One episode built into the stage (by a worker); its FeedItem waits in the store."""

    slug: str
    guid: str
    published: datetime
    audio_url: str
    files: tuple[str, ...]
    warnings: tuple[str, ...]
    summary: str


def save(p: Plan, built: Sequence[Built], slugs: list[str], image_name: str) -> None:
    """Record this build (after it has published): the next one starts from here."""
    feed_dir = p.root / FEED_DIR
    episodes = dict(p.reusable)
    for b in built:
        outputs = state.stamps(feed_dir, list(b.files))
        episodes[b.slug] = EpisodeState(
            p.keys.get(b.slug, ""), b.guid, b.published, b.audio_url, outputs, b.warnings
        )
    ItemStore(p.cache_dir).prune({slug: st.key for slug, st in episodes.items()})
    save_state(
        p.cache_dir,
        BuildState(
            show_key=p.base_key,
            feed_key=p.feed_key(slugs),
            episodes=episodes,
            extra_outputs=state.stamps(feed_dir, [FEED_FILE, SHOW_PAGE, image_name]),
        ),
    )
