"""SubRip transcript (pure): numbered cards, comma times, ``Name:`` when the speaker changes.

Podcast namespace, transcripts.md: a new card when the speaker changes, written with the
name and a colon.
"""

from __future__ import annotations

from podpub.model import Episode
from podpub.sentences import wrap_words
from podpub.timecode import format_srt
from podpub.timing import CUE_LINE_CHARS


def render(episode: Episode) -> str:
    cards: list[str] = []
    previous: str | None = None
    for number, cue in enumerate(episode.cues, start=1):
        text = cue.text
        if cue.speaker and cue.speaker != previous:
            text = f"{cue.speaker}: {text}"
        previous = cue.speaker
        lines = wrap_words(text, CUE_LINE_CHARS)
        timing = f"{format_srt(cue.start_ms)} --> {format_srt(cue.end_ms)}"
        cards.append("\n".join([str(number), timing, *lines]))
    return "\n\n".join(cards) + "\n"
