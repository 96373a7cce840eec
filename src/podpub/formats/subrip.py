"""SubRip transcript (pure): numbered cards, comma times, ``Name:`` when the speaker changes.

Podcast namespace, transcripts.md: a new card when the speaker changes, written with the
name and a colon; at most two lines of 32 characters a card (the guide's SRT advice: a
cue longer than that is split into cards, its time shared by their lengths).
"""

from __future__ import annotations

from podpub.model import Episode
from podpub.sentences import wrap_blocks
from podpub.timecode import format_srt

SRT_LINE_CHARS = 32
SRT_MAX_LINES = 2

# SubRip has no escapes and players read <b>, <i> and <font> tags in a card: angle
# brackets in the text become their look-alike quotation marks
_NO_TAGS = str.maketrans({"<": "\u2039", ">": "\u203a"})


def render(episode: Episode) -> str:
    cards: list[str] = []
    previous: str | None = None
    for cue in episode.cues:
        text = cue.text.translate(_NO_TAGS)
        if cue.speaker and cue.speaker != previous:
            text = f"{cue.speaker.translate(_NO_TAGS)}: {text}"
        previous = cue.speaker
        blocks = wrap_blocks(text, SRT_LINE_CHARS, SRT_MAX_LINES)
        total = sum(len(" ".join(b)) for b in blocks) or 1
        done = 0
        span = cue.end_ms - cue.start_ms
        for lines in blocks:
            start = cue.start_ms + span * done // total
            done += len(" ".join(lines))
            end = cue.start_ms + span * done // total
            timing = f"{format_srt(start)} --> {format_srt(end)}"
            cards.append("\n".join([str(len(cards) + 1), timing, *lines]))
    return "\n\n".join(cards) + "\n"
