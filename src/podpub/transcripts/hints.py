"""Transcript reading: lines that mark audio the transcript does not hold (pure).

"[AD]", "[Ad break]", "[Sponsor]", "[Music]", "[MUSIC PLAYING]", "(ad break)": an
annotation line (set aside as not spoken, like "[laughter]") that names an ad, a sponsor
read or music says the audio holds something between the paragraphs around it that no
transcript text matches. Alignment takes it as a hint (``AudioHint``): the paragraph after
it is looked for after that audio, not drawn onto it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from podpub.model import AudioHint, Transcript

# the marker's first word: an ad, a sponsor read, a break, music
_MARKER = re.compile(
    r"[\[(]\s*(?:ads?|advert\w*|sponsor\w*|commercial\w*|promo\w*|(?:mid|pre|post)-?roll\w*|"
    r"(?:ad|commercial|sponsor|mid-?roll) ?break|break|music\w*|jingle\w*|theme music|"
    r"intro music|outro music)\b[^\[\]()]*[\])]",
    re.IGNORECASE,
)


def is_audio_marker(text: str) -> bool:
    """A whole line marking an ad, a sponsor read, a break or music."""
    return _MARKER.fullmatch(text.strip().strip("*_").strip()) is not None


def with_hints(transcript: Transcript) -> Transcript:
    """The transcript with its audio markers (set aside as annotations) as hints, each
    placed before the first paragraph after its line (a marker after the last paragraph
    marks nothing to look for)."""
    lines = [p.line for p in transcript.paragraphs]
    hints = []
    for aside in transcript.set_aside:
        if aside.reason != "annotation" or not aside.line or not is_audio_marker(aside.text):
            continue
        after = next((k for k, line in enumerate(lines) if line > aside.line), None)
        if after is not None:
            hints.append(AudioHint(aside.line, aside.text, after))
    return replace(transcript, hints=tuple(hints)) if hints else transcript
