"""Podcasting 2.0 JSON chapters (pure): version 1.2.0, sorted by startTime."""

from __future__ import annotations

import json

from podpub.model import Episode
from podpub.timecode import seconds


def render(episode: Episode) -> str:
    chapters = [
        {"startTime": seconds(c.start_ms), "endTime": seconds(c.end_ms), "title": c.title}
        for c in sorted(episode.chapters, key=lambda c: c.start_ms)
    ]
    doc = {"version": "1.2.0", "title": episode.title, "chapters": chapters}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
