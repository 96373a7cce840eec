"""Every transcript podpub writes, read back as an input, gives what was written: the
same paragraphs (speaker turns), speakers and given times, and headings where the
format has them. The written files of a built show are read with format detection,
as a podcaster moving their show to podpub would hand them over."""

from __future__ import annotations

from pathlib import Path

import pytest
from showkit import FIRST, tiny_built_fixture, tiny_source_fixture  # noqa: F401

from podpub.episode import load_sources, prepare_episode
from podpub.model import Transcript
from podpub.transcripts import read_transcript

TIMED = {"json", "vtt", "srt", "html"}
WITH_HEADINGS = {"txt", "html"}


def _turns(t: Transcript) -> list[tuple[str | None, str]]:
    """Speaker turns: consecutive paragraphs of one speaker joined (caption formats cut
    turns into cues, and cues into cards)."""
    turns: list[tuple[str | None, str]] = []
    for p in t.paragraphs:
        if turns and turns[-1][0] == p.speaker:
            turns[-1] = (p.speaker, turns[-1][1] + " " + p.text)
        else:
            turns.append((p.speaker, p.text))
    return turns


@pytest.mark.parametrize("extension", ["txt", "json", "vtt", "srt", "html"])
def test_written_transcripts_read_back(tiny_built: Path, extension: str) -> None:
    show, sources = load_sources(tiny_built)
    episode = prepare_episode(show, sources[0], align=False)
    written = episode.transcript
    back = read_transcript(tiny_built / "feed" / FIRST / f"transcript.{extension}")
    assert _turns(back) == _turns(written)
    assert back.speakers == written.speakers
    if extension in TIMED:
        starts = {p.paragraph.text[:40]: p.start_ms for p in episode.paragraphs}
        matched = 0
        for p in back.paragraphs:
            if p.text[:40] in starts:  # a turn's first paragraph: its start was written
                assert p.given_start_ms == starts[p.text[:40]], p.text
                matched += 1
        assert matched >= len(_turns(written))  # every turn's start was compared
    if extension in WITH_HEADINGS:
        assert [s.title for s in back.sections] == [s.title for s in written.sections]
        assert back.title == episode.title
