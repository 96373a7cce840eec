"""Malformed transcripts: a TranscriptError naming the file and line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from podpub.errors import TranscriptError
from podpub.transcripts import read_transcript
from podpub.transcripts.captions import parse_srt, parse_vtt
from podpub.transcripts.chapterlist import parse_chapter_list
from podpub.transcripts.markdown import parse_markdown
from podpub.transcripts.podcast_json import parse_podcast_json


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # a single-dash arrow
        ("1\n00:00:01,000 -> 00:00:02,000\nHello.\n", 2),
        # a letter in the seconds
        ("1\n00:00:01,000 --> 00:00:0x,000\nHello.\n", 2),
        # the second cue is broken, the first is fine
        ("1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n2\n00:00:03,000 --> 00:00:04;000\nHo.\n", 6),
        # ends before it starts
        ("1\n00:00:05,000 --> 00:00:02,000\nHello.\n", 2),
        # a cue number with no time line at all
        ("1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n2\nHo.\n", 6),
        # minutes beyond 59 inside an H:MM:SS time
        ("1\n00:75:01,000 --> 00:75:02,000\nHello.\n", 2),
    ],
)
def test_broken_srt_time_line(tmp_path: Path, text: str, line: int) -> None:
    path = _write(tmp_path, "transcript.srt", text)
    with pytest.raises(TranscriptError) as info:
        read_transcript(path)
    assert info.value.path == path
    assert info.value.line == line
    assert info.value.hint
    assert f"{path}:{line}:" in str(info.value)


def test_broken_vtt_time_line(tmp_path: Path) -> None:
    text = "WEBVTT\n\n00:00.000 --> 00:02.000\n<v A>Hi.\n\n00:02.000 --> 00:0a.000\nHo.\n"
    path = _write(tmp_path, "transcript.vtt", text)
    with pytest.raises(TranscriptError) as info:
        read_transcript(path)
    assert (info.value.path, info.value.line) == (path, 6)


def test_vtt_identifier_followed_by_bad_arrow() -> None:
    text = "WEBVTT\n\nintro\n00:00.000 => 00:02.000\nHi.\n"
    with pytest.raises(TranscriptError) as info:
        parse_vtt(text, Path("t.vtt"))
    assert info.value.line == 4


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('{"title": "An episode", "chapters_missing": true}', 1, "segments"),
        ("[1, 2, 3]", 1, "list"),
        ('{"version": "1.2.0", "chapters": [{"startTime": 0}]}', 1, "chapters"),
        ('{"version": "1.0.0",\n "segments": [\n', 3, "JSON"),
        ('{"segments": "nope"}', 1, "segments"),
    ],
)
def test_json_that_is_not_a_transcript(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = _write(tmp_path, "transcript.json", text)
    with pytest.raises(TranscriptError) as info:
        read_transcript(path)
    assert info.value.path == path
    assert info.value.line == line
    assert words.lower() in (str(info.value)).lower()


def test_json_segment_errors_name_the_segment_line() -> None:
    text = (
        '{"version": "1.0.0", "segments": [\n'
        '  {"speaker": "A", "startTime": 0, "endTime": 1, "body": "Hi."},\n'
        '  {"speaker": "B", "startTime": 1, "endTime": 2}\n'
        "]}\n"
    )
    with pytest.raises(TranscriptError) as info:
        parse_podcast_json(text, Path("t.json"))
    assert info.value.line == 3
    assert "segment 2" in info.value.message


@pytest.mark.parametrize(
    "segment",
    [
        '{"startTime": "soon", "body": "x"}',
        '{"startTime": -1, "body": "x"}',
        '{"startTime": 5, "endTime": 2, "body": "x"}',
        '{"startTime": 1e400, "body": "x"}',
        '{"startTime": true, "body": "x"}',
        '"just a string"',
    ],
)
def test_json_bad_segment_values(segment: str) -> None:
    with pytest.raises(TranscriptError):
        parse_podcast_json('{"segments": [' + segment + "]}", Path("t.json"))


def test_markdown_front_matter_yaml_error_has_line() -> None:
    text = "---\ntitle: ok\nbad: [unclosed\n---\n\n# Title\n\nA: hi\n"
    with pytest.raises(TranscriptError) as info:
        parse_markdown(text, Path("t.md"))
    assert info.value.line is not None and 2 <= info.value.line <= 4
    assert "front matter" in info.value.message


def test_chapters_json_errors() -> None:
    with pytest.raises(TranscriptError):
        parse_chapter_list('{"version": "1.2.0", "chapters": [{"title": "No time"}]}')
    with pytest.raises(TranscriptError):
        parse_chapter_list('{"version": "1.2.0", "segments": []}')
    with pytest.raises(TranscriptError) as info:
        parse_chapter_list('{\n"chapters": [\n', Path("chapters.json"))
    assert info.value.path == Path("chapters.json")
    assert info.value.line == 3


def test_srt_error_line_counts_crlf_and_cr_newlines() -> None:
    text = "1\r\n00:00:01,000 --> 00:00:02,000\r\nHi.\r\n\r\n2\r\n00:00:03,000 --> xx\r\nHo.\r\n"
    with pytest.raises(TranscriptError) as info:
        parse_srt(text, Path("t.srt"))
    assert info.value.line == 6
