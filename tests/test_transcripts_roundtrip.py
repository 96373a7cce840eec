"""Round trips: reading podpub's own VTT, SRT and JSON output gives back the same cues."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from podpub.formats import subrip, transcript_json, webvtt
from podpub.model import AudioFacts, Cue, Episode, EpisodeSource, Transcript
from podpub.transcripts.captions import parse_srt, parse_vtt
from podpub.transcripts.podcast_json import parse_podcast_json

SPEAKERS = ["Maya Ortiz", "Jonas", "SPEAKER_1", "Dr. Ines Varga"]
WORDS = st.from_regex(r"[A-Za-z][a-z]{0,9}[,.?!]?", fullmatch=True)


@st.composite
def cue_lists(draw: st.DrawFn) -> list[Cue]:
    count = draw(st.integers(1, 12))
    named = draw(st.booleans())
    cues = []
    t = draw(st.integers(0, 5_000_000))
    for _ in range(count):
        t += draw(st.integers(0, 4000))
        length = draw(st.integers(1, 9000))
        # Several words per cue: a cue of one word each would read as a word-level JSON.
        words = draw(st.lists(WORDS, min_size=2, max_size=12))
        speaker = draw(st.sampled_from(SPEAKERS)) if named else None
        cues.append(Cue(t, t + length, " ".join(words), speaker, "given"))
        t += length
    return cues


def _episode(cues: list[Cue]) -> Episode:
    source = EpisodeSource(
        slug="ep",
        folder=Path("episodes/ep"),
        guid="guid",
        published=datetime(2024, 1, 1, tzinfo=UTC),
        audio=Path("episodes/ep/audio.mp3"),
        transcript=Path("episodes/ep/transcript.txt"),
    )
    return Episode(
        source=source,
        title="Episode",
        transcript=Transcript(title=None, sections=()),
        audio=AudioFacts(duration_ms=cues[-1].end_ms, mime_type="audio/mpeg", extension=".mp3"),
        chapters=(),
        paragraphs=(),
        cues=tuple(cues),
    )


def _read_back(t: Transcript) -> list[tuple[int, int, str, str | None]]:
    return [(c.start_ms, c.end_ms, c.text, c.speaker) for p in t.paragraphs for c in p.cues]


def _expected(cues: list[Cue]) -> list[tuple[int, int, str, str | None]]:
    return [(c.start_ms, c.end_ms, c.text, c.speaker) for c in cues]


@settings(max_examples=150, deadline=None)
@given(cue_lists())
def test_webvtt_round_trip(cues: list[Cue]) -> None:
    text = webvtt.render(_episode(cues))
    assert _read_back(parse_vtt(text, Path("transcript.vtt"))) == _expected(cues)


@settings(max_examples=150, deadline=None)
@given(cue_lists())
def test_subrip_round_trip(cues: list[Cue]) -> None:
    """SRT cards hold two lines of 32 characters: a longer cue comes back as several
    cards, which together give its text, its start, its end and its speaker."""
    text = subrip.render(_episode(cues))
    cards = _read_back(parse_srt(text, Path("transcript.srt")))
    regrouped: list[tuple[int, int, str, str | None]] = []
    k = 0
    for cue in cues:
        start, end, words, speaker = cards[k]
        k += 1
        while words != cue.text and k < len(cards):
            assert cards[k][3] == speaker
            words += " " + cards[k][2]
            end = cards[k][1]
            k += 1
        regrouped.append((start, end, words, speaker))
    assert k == len(cards)
    assert regrouped == _expected(cues)


@settings(max_examples=150, deadline=None)
@given(cue_lists())
def test_json_round_trip(cues: list[Cue]) -> None:
    text = transcript_json.render(_episode(cues))
    assert _read_back(parse_podcast_json(text, Path("transcript.json"))) == _expected(cues)
