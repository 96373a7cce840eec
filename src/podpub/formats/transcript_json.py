"""Podcasting 2.0 JSON transcript (pure): ``{"version", "segments": [...]}``."""

from __future__ import annotations

import json

from podpub.model import Episode
from podpub.timecode import seconds


def render(episode: Episode) -> str:
    segments = []
    for cue in episode.cues:
        segment: dict[str, object] = {}
        if cue.speaker:
            segment["speaker"] = cue.speaker
        segment["startTime"] = seconds(cue.start_ms)
        segment["endTime"] = seconds(cue.end_ms)
        segment["body"] = cue.text
        segments.append(segment)
    doc = {"version": "1.0.0", "segments": segments}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
