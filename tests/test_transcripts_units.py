"""Unit tests for the transcript readers' building blocks, and real parsers as oracles."""

from __future__ import annotations

from pathlib import Path

import pytest
import srt
import webvtt

from podpub.model import ChapterOverride, Cue, Paragraph, Section, Transcript
from podpub.transcripts import read_transcript
from podpub.transcripts.captions import parse_srt, parse_vtt
from podpub.transcripts.chapterlist import parse_chapter_list
from podpub.transcripts.detect import READERS, detect_format
from podpub.transcripts.labelled import parse_labelled
from podpub.transcripts.labels import is_plausible_speaker, looks_like_name_list, match_label
from podpub.transcripts.language import transcript_language
from podpub.transcripts.lines import block_reason, classify_line
from podpub.transcripts.markdown import parse_markdown
from podpub.transcripts.markup import split_heading_time
from podpub.transcripts.podcast_json import parse_podcast_json
from podpub.transcripts.speaker_map import apply_speaker_map

CASES = Path(__file__).resolve().parent / "data" / "transcripts"

# --- line classifiers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("[Music]", "annotation"),
        ("[MUSIC PLAYING]", "annotation"),
        ("(laughs)", "annotation"),
        ("♪ ♪", "annotation"),
        ("[inaudible 00:12:03]", "annotation"),
        ("Skip to content", "navigation"),
        ("Home › Podcasts › Episode 12", "navigation"),
        ("« Previous episode", "navigation"),
        ("Share on Facebook", "navigation"),
        ("Subscribe on Apple Podcasts", "promo"),
        ("Listen on Spotify", "promo"),
        ("Follow us on Instagram for behind-the-scenes photos", "promo"),
        ("Photo: AFP/Jane Roe", "caption"),
        ("The harbour at dawn. ©AFP/Lillian Example", "caption"),
        ("A pruning saw. Photo by Jon Hale on Unsplash", "caption"),
        ("Transcript", "transcript-header"),
        ("Full transcript:", "transcript-header"),
        ("This transcript was machine-generated and may contain errors.", "transcript-header"),
        ("By Jane Doe", "byline"),
        ("Posted on March 3, 2024", "byline"),
        ("© 2024 Orchard Year Media. All rights reserved.", "footer"),
        ("Privacy Policy", "footer"),
        ("Links:", "links"),
        ("Mentioned in this episode:", "links"),
        ("Show notes", "links"),
        ("Credits", "credits"),
        ("Produced by Ana Lee", "credits"),
        ("Music: Kevin Example", "credits"),
        ("Sponsors:", "sponsor"),
        ("This episode is sponsored by Acme Rope.", "sponsor"),
        ("About the author", "bio"),
    ],
)
def test_classify_line_sets_aside_page_furniture(line: str, reason: str) -> None:
    assert classify_line(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "Welcome to the show. Today we talk about tides.",
        "So I said to him: that's not how a lighthouse works.",
        "Don't forget, the sea is always there.",
        "Next, we went to the harbour and met the fishermen there at dawn.",
        "(12:34)",
        "(continued)",
        "[laughter] and then we left.",
        "I subscribe to the idea that every coast has its own voice, really.",
        "Yes, Absolutely.",
        "Transcripts of old radio shows fascinate me, and I read them for fun all the time",
        "My father kept it before me.",
    ],
)
def test_classify_line_keeps_speech(line: str) -> None:
    assert classify_line(line) is None


def test_block_reason_opens_blocks_only_for_headings() -> None:
    assert block_reason("Links") == "links"
    assert block_reason("Resources:") == "links"
    assert block_reason("About the host") == "bio"
    assert block_reason("The links between tides and the moon are old news.") is None


@pytest.mark.parametrize(
    ("line", "speaker", "start_ms", "text"),
    [
        ("Alice: hi there", "Alice", None, "hi there"),
        ("ALICE:", "ALICE", None, ""),
        ("SPEAKER_1: ok", "SPEAKER_1", None, "ok"),
        ("**Alice:** hi", "Alice", None, "hi"),
        ("**Alice**: hi", "Alice", None, "hi"),
        ("Alice (01:10): text", "Alice", 70_000, "text"),
        ("Alice [1:02:03.5]", "Alice", 3_723_500, ""),
        ("(01:42): text", None, 102_000, "text"),
        ("[00:01:02] Bob Jones: yes", "Bob Jones", 62_000, "yes"),
        ("[00:01:02] just text", None, 62_000, "just text"),
        ("Maya Ortiz  59:58", "Maya Ortiz", 3_598_000, ""),
        ("0:00:03.4 **Priya Shah**", "Priya Shah", 3_400, ""),
        ("0:00:03.4 **Priya Shah** Hello.", "Priya Shah", 3_400, "Hello."),
        ("00:01:02", None, 62_000, ""),
        ("Alice (Host): Hello", "Alice (Host)", None, "Hello"),
    ],
)
def test_match_label_styles(
    line: str, speaker: str | None, start_ms: int | None, text: str
) -> None:
    label = match_label(line)
    assert label is not None
    assert (label.speaker, label.start_ms, label.text) == (speaker, start_ms, text)


@pytest.mark.parametrize(
    "line", ["Meeting at 10:30 went well", "https://example.org", "(12:34) Topic", "12:34 Intro"]
)
def test_match_label_ignores_text(line: str) -> None:
    assert match_label(line) is None


@pytest.mark.parametrize(
    "name",
    [
        "Alice",
        "ALICE",
        "Dr. Jane Goodall",
        "SPEAKER_1",
        "Speaker 2",
        "Q",
        "Host",
        "Mu Sochua",
        "José da Silva",
        "王小明",
    ],
)
def test_plausible_speakers(name: str) -> None:
    assert is_plausible_speaker(name)


@pytest.mark.parametrize(
    "name",
    [
        "Links",
        "Note",
        "Sponsor",
        "Sponsored by",
        "So here's the thing",
        "12",
        "Chapter 3",
        "Photo",
        "Episode",
        "Show notes",
        "what I said was",
        "",
    ],
)
def test_implausible_speakers(name: str) -> None:
    assert not is_plausible_speaker(name)


def test_name_lists() -> None:
    assert looks_like_name_list("Alice Smith, Bob Jones and Carol White")
    assert looks_like_name_list("Ana, Ben, and Cleo")
    assert not looks_like_name_list("Yes, Absolutely.")
    assert not looks_like_name_list("Alice went home, and Bob stayed.")


def test_split_heading_time() -> None:
    assert split_heading_time("[00:12:30] Topic") == ("Topic", 750_000)
    assert split_heading_time("Topic (12:30)") == ("Topic", 750_000)
    assert split_heading_time("12:30 – Topic") == ("Topic", 750_000)
    assert split_heading_time("Topic") == ("Topic", None)


# --- readers: details the data cases do not pin ------------------------------------------


def test_caption_cues_keep_exact_times() -> None:
    text = "1\n00:00:01,001 --> 00:00:02,999\nA: one\n\n2\n00:00:02,999 --> 00:00:04,5\ntwo\n"
    t = parse_srt(text, Path("t.srt"))
    (para,) = t.paragraphs
    assert [(c.start_ms, c.end_ms, c.speaker, c.source) for c in para.cues] == [
        (1001, 2999, "A", "given"),
        (2999, 4500, "A", "given"),
    ]
    assert para.text == "one two"


def test_caption_speaker_carries_over_and_gap_splits_paragraphs() -> None:
    text = (
        "WEBVTT\n\n00:00.000 --> 00:01.000\nNina: First.\n\n"
        "00:01.000 --> 00:02.000\nSecond.\n\n00:09.000 --> 00:10.000\nThird.\n"
    )
    t = parse_vtt(text, Path("t.vtt"))
    assert [(p.speaker, p.text) for p in t.paragraphs] == [
        ("Nina", "First. Second."),
        ("Nina", "Third."),
    ]


def test_labelled_paragraph_end_is_next_start() -> None:
    text = "[00:00:01] A: one\n[00:00:04] B: two\n[00:00:09] A: three four\n"
    t = parse_labelled(text, Path("t.txt"))
    ends = [p.cues[0].end_ms for p in t.paragraphs]
    assert ends[:2] == [4000, 9000]
    assert ends[2] > 9000  # estimated from the word count


def test_labelled_role_label_with_speech_is_a_speaker() -> None:
    t = parse_labelled("HOST: Welcome to the show.\nGUEST: Thanks for having me.\n", Path("t"))
    assert t.speakers == ("HOST", "GUEST")


def test_markdown_heading_time_from_first_paragraph() -> None:
    text = "# T\n\n## Topic\n\n**A** (00:02:00): Hello.\n"
    t = parse_markdown(text, Path("t.md"))
    assert t.sections[0].title == "Topic"
    assert t.sections[0].given_start_ms == 120_000


def test_json_times_are_exact_decimals() -> None:
    text = (
        '{"version": "1.0.0", "segments": [{"startTime": 0.001, "endTime": 12.345, "body": "x"}]}'
    )
    (para,) = parse_podcast_json(text, Path("t.json")).paragraphs
    assert (para.cues[0].start_ms, para.cues[0].end_ms) == (1, 12345)


def test_heading_without_text_is_dropped_with_warning() -> None:
    t = parse_markdown("## Empty\n\n## Full\n\nA: hi\n", Path("t.md"))
    assert [s.title for s in t.sections] == ["Full"]
    assert any("Empty" in w for w in t.warnings)


# --- chapter lists ---------------------------------------------------------------------


def test_chapter_list_needs_two_timed_lines() -> None:
    assert parse_chapter_list("00:00 Intro\nno time here\n") == ()
    assert parse_chapter_list("") == ()


def test_chapter_list_forms() -> None:
    text = "\n".join(
        [
            "1. 00:00 - Intro",
            "2. [02:03] Second",
            "* **04:05** | Third",
            "Fourth (1:00:00)",
            "  - 1:10:00 to 1:20:00: Fifth",
        ]
    )
    assert parse_chapter_list(text) == (
        ChapterOverride("Intro", 0),
        ChapterOverride("Second", 123_000),
        ChapterOverride("Third", 245_000),
        ChapterOverride("Fourth", 3_600_000),
        ChapterOverride("Fifth", 4_200_000),
    )


def test_chapter_list_ignores_times_of_day_and_scores() -> None:
    assert parse_chapter_list("We met at 10:30 am\nDoors open 7:30 pm\nFinal 3:2\n") == ()


# --- detection, languages, speaker map ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "fmt"),
    [
        ("transcript.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n", "vtt"),
        ("transcript.txt", "WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n", "vtt"),
        ("transcript.srt", "1\n00:00:00,000 --> 00:00:01,000\nHi\n", "srt"),
        ("transcript.txt", "1\n00:00:00,000 --> 00:00:01,000\nHi\n", "srt"),
        ("transcript.vtt", "1\n00:00:00,000 --> 00:00:01,000\nHi\n", "vtt"),
        ("transcript.json", '{"segments": []}', "podcast-json"),
        ("transcript.txt", '{"version": "1.0.0", "segments": []}', "podcast-json"),
        ("transcript.json", "not json at all", "podcast-json"),
        ("transcript.md", "Alice: hi\nBob: ho\n", "markdown"),
        ("transcript.txt", "---\ntitle: x\n---\n\nAlice: hi\n", "markdown"),
        ("transcript.txt", "Alice: hi\nBob: ho\nAlice: well\n", "labelled"),
        ("transcript.txt", "Alice Smith  0:00\nHello.\n\nBob Jones  0:05\nHi.\n", "labelled"),
        ("transcript.txt", "# Title\n\nSome words here.\n\n## Part\n\nMore.\n", "markdown"),
        ("transcript.txt", "A title\n\nA paragraph of text.\n\nAnother one.\n", "plain"),
        ("transcript", "A title\n\nA paragraph of text.\n", "plain"),
    ],
)
def test_detect_format(name: str, text: str, fmt: str) -> None:
    assert detect_format(Path(name), text) == fmt


def test_detect_format_on_the_cases() -> None:
    for path in sorted(CASES.iterdir()):
        if path.name.endswith(".expected.json") or path.name.startswith("chapters_"):
            continue
        expected = {
            "plain": "plain",
            "md": "markdown",
            "labelled": "labelled",
            "srt": "srt",
            "vtt": "vtt",
            "json": "podcast-json",
        }
        prefix = path.name.split("_", 1)[0]
        if prefix in expected:
            assert detect_format(path, path.read_text(encoding="utf-8")) == expected[prefix]


def test_reader_aliases_cover_every_canonical_name() -> None:
    for fmt in ("plain", "markdown", "labelled", "srt", "vtt", "podcast-json"):
        assert fmt in READERS


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("transcript.fr.vtt", "fr"),
        ("transcript.pt-BR.srt", "pt-BR"),
        ("transcript.en_US.json", "en-US"),
        ("transcript.zh-Hant.md", "zh-Hant"),
        ("episodes/x/transcript.de.txt", "de"),
        ("transcript.vtt", None),
        ("transcript.final.srt", None),
        ("transcript.old.srt", None),
        ("transcript.2.srt", None),
        (".fr.vtt", None),
    ],
)
def test_transcript_language(name: str, lang: str | None) -> None:
    assert transcript_language(Path(name)) == lang


def test_language_reaches_the_transcript(tmp_path: Path) -> None:
    path = tmp_path / "transcript.es.srt"
    path.write_text("1\n00:00:00,000 --> 00:00:01,000\nHola.\n", encoding="utf-8")
    assert read_transcript(path).language == "es"


def test_apply_speaker_map() -> None:
    cue = Cue(0, 1000, "Hi.", "SPEAKER_1", "given")
    t = Transcript(
        title=None,
        sections=(
            Section(
                None,
                (
                    Paragraph("Hi.", "SPEAKER_1", 1, (cue,)),
                    Paragraph("Yo.", "speaker_2", 2),
                    Paragraph("Eh.", "Unmapped", 3),
                    Paragraph("Oh.", None, 4),
                ),
            ),
        ),
    )
    mapped = apply_speaker_map(t, {"SPEAKER_1": "Maya Ortiz", "SPEAKER_2": "Jonas Berg"})
    assert [p.speaker for p in mapped.paragraphs] == ["Maya Ortiz", "Jonas Berg", "Unmapped", None]
    assert mapped.paragraphs[0].cues[0].speaker == "Maya Ortiz"
    assert apply_speaker_map(t, {}) is t


# --- real parsers as oracles ---------------------------------------------------------------


def _our_cue_times(t: Transcript) -> set[tuple[int, int]]:
    return {(c.start_ms, c.end_ms) for p in t.paragraphs for c in p.cues}


@pytest.mark.parametrize("name", ["vtt_voices.vtt", "vtt_no_speakers.vtt", "lang_interview.fr.vtt"])
def test_vtt_cue_times_match_webvtt_py(name: str) -> None:
    path = CASES / name
    ours = parse_vtt(path.read_text(encoding="utf-8"), path)
    theirs = webvtt.read(str(path))
    their_times = {(c.start_time.in_milliseconds(), c.end_time.in_milliseconds()) for c in theirs}
    assert _our_cue_times(ours) <= their_times
    set_aside_lines = {a.line for a in ours.set_aside}
    assert len(their_times - _our_cue_times(ours)) <= len(set_aside_lines)
    for caption in theirs:
        if caption.voice:
            start = caption.start_time.in_milliseconds()
            speakers = {c.speaker for p in ours.paragraphs for c in p.cues if c.start_ms == start}
            assert caption.voice in speakers


@pytest.mark.parametrize("name", ["lang_talk.pt-BR.srt", "srt_tags_no_numbers.srt"])
def test_srt_cue_times_match_srt_library(name: str) -> None:
    path = CASES / name
    ours = parse_srt(path.read_text(encoding="utf-8"), path)
    theirs = list(srt.parse(path.read_text(encoding="utf-8"), ignore_errors=True))
    their_times = {
        (s.start // srt.timedelta(milliseconds=1), s.end // srt.timedelta(milliseconds=1))
        for s in theirs
    }
    assert _our_cue_times(ours) == their_times
