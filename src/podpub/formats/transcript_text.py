"""Plain-text transcript (pure): ``# title``, ``## heading`` and ``Speaker: text``
paragraphs (the title marked, so that reading the file back does not take it for a
speaker's line)."""

from __future__ import annotations

from podpub.model import Episode


def render(episode: Episode) -> str:
    out = [f"# {episode.title}", ""]
    for section in episode.transcript.sections:
        if section.title:
            out += [f"## {section.title}", ""]
        for paragraph in section.paragraphs:
            text = f"{paragraph.speaker}: {paragraph.text}" if paragraph.speaker else paragraph.text
            out += [text, ""]
    return "\n".join(out).rstrip("\n") + "\n"
