"""Transcript reading: rename raw speaker labels to people (pure).

Transcripts label speakers as their tool saw them ("SPEAKER_1", "Speaker 2", "MAYA");
episode.yaml's ``speaker_map`` says who they are. Labels not in the map stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from podpub.model import Transcript


def apply_speaker_map(t: Transcript, mapping: Mapping[str, str]) -> Transcript:
    """Replace each paragraph's and cue's speaker label by the mapped name.

    An exact match wins; otherwise the label matches case-insensitively and with
    surrounding whitespace ignored ("speaker_1" finds "SPEAKER_1").
    """
    if not mapping:
        return t
    folded = {k.strip().casefold(): v for k, v in mapping.items()}

    def rename(label: str | None) -> str | None:
        if label is None:
            return None
        if label in mapping:
            return mapping[label]
        return folded.get(label.strip().casefold(), label)

    sections = tuple(
        replace(
            section,
            paragraphs=tuple(
                replace(
                    p,
                    speaker=rename(p.speaker),
                    cues=tuple(replace(c, speaker=rename(c.speaker)) for c in p.cues),
                )
                for p in section.paragraphs
            ),
        )
        for section in t.sections
    )
    return replace(t, sections=sections)


__all__ = ["apply_speaker_map"]
