"""The feed renderer: batching keeps memory flat and changes no byte."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from podpub import feed
from podpub.build import build
from podpub.load import load_show
from podpub.state import ItemStore, load_state


def test_batched_rendering_equals_one_pass(
    tiny_show: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(tiny_show, align=False)
    show = load_show(tiny_show)
    cache = tiny_show / ".podpub-cache"
    slug, episode = next(iter(load_state(cache).episodes.items()))
    base = ItemStore(cache).load(slug, episode.key)
    assert base is not None
    start = datetime(2020, 1, 1, tzinfo=UTC)
    items = [
        dataclasses.replace(
            base, slug=f"ep-{k:03d}", guid=f"guid-{k}", published=start + timedelta(days=k)
        )
        for k in range(250)
    ]
    batched = feed.render_feed(show, items, "https://example.org/tiny/artwork.png")
    monkeypatch.setattr(feed, "ITEMS_PER_BATCH", 10_000)
    one_pass = feed.render_feed(show, items, "https://example.org/tiny/artwork.png")
    assert batched == one_pass
    parsed = feedparser.parse(batched)
    assert not parsed.bozo and len(parsed.entries) == 250
    assert parsed.entries[0].id == "guid-249"  # newest first
