"""The timing ladder and chapter invariants (pure)."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from podpub.model import ChapterOverride, Cue, Paragraph, Section, Transcript
from podpub.timing import SentenceTime, SpeechRegion, spoken_sentences, time_transcript


def transcript(sections: list[list[str]]) -> Transcript:
    return Transcript(
        title="T",
        sections=tuple(
            Section(
                title=None if i == 0 else f"Part {i}",
                paragraphs=tuple(Paragraph(text=t) for t in texts),
            )
            for i, texts in enumerate(sections)
        ),
    )


THREE = transcript([["Hello there. Welcome."], ["First part here.", "More words."], ["Last part."]])


def test_estimate_is_word_proportional_inside_speech_region() -> None:
    timing = time_transcript(
        transcript([["one two three four"], ["five six seven eight"]]),
        10_000,
        SpeechRegion(1_000, 9_000),
    )
    assert [c.start_ms for c in timing.chapters] == [0, 5_000]
    assert timing.paragraphs[0].start_ms == 1_000
    assert {c.source for c in timing.chapters} == {"estimated"}
    assert timing.cues[-1].end_ms == 9_000


def test_aligned_beats_estimate_and_explicit_beats_aligned() -> None:
    n = len(spoken_sentences(THREE))
    aligned = [SentenceTime(1000 + 2000 * k, 1000 + 2000 * k + 1500, 0.9) for k in range(n)]
    timing = time_transcript(THREE, 20_000, SpeechRegion(0, 20_000), aligned=aligned)
    assert [c.source for c in timing.chapters] == ["aligned"] * 3
    assert [c.start_ms for c in timing.chapters] == [0, 5000, 9000]
    override = (ChapterOverride(), ChapterOverride(start_ms=4_000), ChapterOverride(title="End"))
    timing = time_transcript(THREE, 20_000, SpeechRegion(0, 20_000), override, aligned)
    assert [(c.title, c.start_ms, c.source) for c in timing.chapters] == [
        ("Introduction", 0, "aligned"),
        ("Part 1", 4_000, "given"),
        ("End", 9_000, "aligned"),
    ]


def test_given_times_survive_to_the_millisecond() -> None:
    cue = Cue(start_ms=12_345, end_ms=15_678, text="Given words.", speaker="Ann", source="given")
    t = Transcript(
        title="T",
        sections=(
            Section(None, (Paragraph("Untimed start."),)),
            Section("Timed", (Paragraph("Given words.", speaker="Ann", cues=(cue,)),)),
        ),
    )
    aligned = [SentenceTime(500, 900, 0.9)]
    timing = time_transcript(t, 20_000, SpeechRegion(0, 20_000), aligned=aligned)
    assert timing.chapters[1].start_ms == 12_345 and timing.chapters[1].source == "given"
    given_cue = next(c for c in timing.cues if c.source == "given")
    assert (given_cue.start_ms, given_cue.end_ms) == (12_345, 15_678)
    assert timing.cues[0].source == "aligned"


def test_full_replacement_chapters() -> None:
    override = (ChapterOverride("A", 0), ChapterOverride("B", 7_000))
    timing = time_transcript(THREE, 20_000, SpeechRegion(0, 20_000), override)
    assert [(c.title, c.start_ms, c.end_ms) for c in timing.chapters] == [
        ("A", 0, 7_000),
        ("B", 7_000, 20_000),
    ]


words = st.text(alphabet="abcdefgh ", min_size=1, max_size=40).filter(lambda s: s.strip())


@given(
    sections=st.lists(
        st.lists(words.map(lambda s: s + "."), min_size=1, max_size=4), min_size=1, max_size=6
    ),
    duration=st.integers(min_value=1_000, max_value=10_000_000),
    lead=st.integers(min_value=0, max_value=5_000),
)
def test_chapters_sorted_contiguous_from_zero_to_duration(
    sections: list[list[str]], duration: int, lead: int
) -> None:
    region = SpeechRegion(min(lead, duration - 1), duration)
    timing = time_transcript(transcript(sections), duration, region)
    chapters = timing.chapters
    assert chapters[0].start_ms == 0
    assert chapters[-1].end_ms == duration
    for a, b in itertools.pairwise(chapters):
        assert a.end_ms == b.start_ms and a.start_ms < b.start_ms
    starts = [c.start_ms for c in timing.cues]
    assert starts == sorted(starts)
    assert all(c.end_ms > c.start_ms for c in timing.cues)
