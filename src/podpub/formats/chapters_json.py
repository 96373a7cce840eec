"""Podcasting 2.0 JSON chapters (pure): version 1.2.0, sorted by startTime. A chapter
carries its image, link and place when episode.yaml gives them; a silent one (shown in
no table of contents: an artwork change) is written with ``"toc": false``."""

from __future__ import annotations

import json
from typing import Any

from podpub.model import Chapter, Episode
from podpub.timecode import seconds


def _chapter(c: Chapter) -> dict[str, Any]:
    entry: dict[str, Any] = {"startTime": seconds(c.start_ms), "endTime": seconds(c.end_ms)}
    if c.title or c.toc:
        entry["title"] = c.title
    extras = c.extras
    if extras.img:
        entry["img"] = extras.img
    if extras.url:
        entry["url"] = extras.url
    if not extras.toc:
        entry["toc"] = False
    if extras.location:
        place = extras.location
        entry["location"] = {"name": place.name, "geo": place.geo}
        if place.osm:
            entry["location"]["osm"] = place.osm
    return entry


def render(episode: Episode) -> str:
    chapters = [_chapter(c) for c in sorted(episode.chapters, key=lambda c: c.start_ms)]
    doc = {"version": "1.2.0", "title": episode.title, "chapters": chapters}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
