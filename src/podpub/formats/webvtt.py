"""WebVTT transcript (pure): ``<v Speaker>`` voice spans, lines <= 65 characters.

Podcast namespace, transcripts.md: speaker names in a voice span at the start of a cue;
lines of at most 65 characters. WebVTT: UTF-8, ``HH:MM:SS.mmm`` times.
"""

from __future__ import annotations

from podpub.model import Episode
from podpub.sentences import wrap_words
from podpub.timecode import format_vtt
from podpub.timing import CUE_LINE_CHARS


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(episode: Episode) -> str:
    blocks = ["WEBVTT"]
    for cue in episode.cues:
        tag = f"<v {_escape(cue.speaker)}>" if cue.speaker else ""
        # the voice span counts towards the first line's 65 characters
        lines = wrap_words(_escape(cue.text), CUE_LINE_CHARS, CUE_LINE_CHARS - len(tag))
        lines[0] = tag + lines[0]
        timing = f"{format_vtt(cue.start_ms)} --> {format_vtt(cue.end_ms)}"
        blocks.append("\n".join([timing, *lines]))
    return "\n\n".join(blocks) + "\n"
