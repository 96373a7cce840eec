"""Forced alignment (podpub.align): a short synthetic clip with known sentence onsets.

The clip is made here with espeak-ng in another voice, pitch and speed than the aligner's
own, after a tone intro and with uneven pauses. espeak-ng and ffmpeg are required (CI
installs them): a missing one fails with a message instead of skipping.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from podpub.align import (
    ALIGNER_VERSION,
    Alignment,
    AlignmentUnavailable,
    SentenceSpan,
    align_sentences,
    espeak_voice,
)
from podpub.align.repair import Word

RATE = 22050
SENTENCES = (
    "Welcome back to the show, it is good to have you here.",
    "Today we talk about rivers, bridges and the towns that grew beside them.",
    "Our guest has walked the whole length of the river twice.",
    "What did you learn on the second walk that you missed on the first?",
    "Mostly that the water never looks the same from one week to the next.",
)


def _require(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is not installed: apt-get install {tool} (CI installs it)")


def _speak(text: str, voice: str, speed: int, pitch: int, out: Path) -> np.ndarray:
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", str(out), text],
        check=True,
        capture_output=True,
    )
    with wave.open(str(out), "rb") as w:
        assert w.getframerate() == RATE
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
    loud = np.nonzero(np.abs(x) > 300)[0]
    return x[loud[0] : loud[-1] + 1] / 32768.0


VOICES = [("en-gb+f3", 140, 75), ("en-us+m7", 190, 30)]


def _episode(
    path: Path,
    lead_in: np.ndarray,
    rng: np.random.Generator,
    max_gap_s: float,
    before: dict[int, np.ndarray] | None = None,
) -> list[int]:
    """Write a WAV: ``lead_in``, then the sentences in two alternating voices with random
    pauses (and ``before[n]`` ahead of sentence n's pause), a second of silence and a
    little noise (about 30 dB SNR). Returns each sentence's true start (ms)."""
    pieces = [lead_in]
    cursor = lead_in.size
    starts = []
    for n, sentence in enumerate(SENTENCES):
        if before and n in before:
            pieces.append(before[n])
            cursor += before[n].size
        gap = np.zeros(int(rng.uniform(0.3, max_gap_s) * RATE))
        pieces.append(gap)
        cursor += gap.size
        voice, speed, pitch = VOICES[n % 2]
        speech = _speak(sentence, voice, speed, pitch, path.parent / f"s{n}.wav")
        starts.append(round(cursor * 1000 / RATE))
        pieces.append(speech)
        cursor += speech.size
    pieces.append(np.zeros(RATE))
    signal = np.concatenate(pieces)
    signal += rng.normal(0.0, 0.003, signal.size)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(signal, -1, 1) * 32767).astype("<i2").tobytes())
    return starts


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    """A WAV: 4 s of tones, then the sentences in two alternating voices with pauses."""
    _require("espeak-ng")
    _require("ffmpeg")
    path = tmp_path_factory.mktemp("align") / "episode.wav"
    t = np.arange(int(4.0 * RATE)) / RATE
    intro = (
        0.15
        * (np.sin(2 * np.pi * 220 * t) + 0.5 * np.sin(2 * np.pi * 330 * t))
        * np.exp(-((t % 1.0) * 2.0))
    )
    return path, _episode(path, intro, np.random.default_rng(7), 1.2)


def test_sentence_starts_within_300_ms(clip: tuple[Path, list[int]]) -> None:
    path, truth = clip
    seen: list[float] = []
    result = align_sentences(path, SENTENCES, "en", progress=seen.append)
    assert isinstance(result, Alignment)
    assert result.engine.startswith("espeak-ng+mfcc+dtw")
    assert len(result.spans) == len(SENTENCES)
    errors = [abs(span.start_ms - t) for span, t in zip(result.spans, truth, strict=True)]
    assert max(errors) <= 300, f"onset errors (ms): {errors}"
    for span in result.spans:
        assert isinstance(span, SentenceSpan)
        assert span.end_ms > span.start_ms
        assert 0.0 <= span.confidence <= 1.0
    starts = [s.start_ms for s in result.spans]
    assert starts == sorted(starts)
    assert seen and all(0.0 <= f <= 1.0 for f in seen)
    assert seen == sorted(seen)
    assert seen[-1] == 1.0


def test_unspeakable_sentence_keeps_order(clip: tuple[Path, list[int]]) -> None:
    path, truth = clip
    sentences = [SENTENCES[0], "—", *SENTENCES[1:]]
    result = align_sentences(path, sentences, "en-US")
    assert len(result.spans) == len(sentences)
    assert result.spans[1].start_ms == result.spans[2].start_ms
    assert abs(result.spans[2].start_ms - truth[1]) <= 300


def test_unsupported_language() -> None:
    _require("espeak-ng")
    with pytest.raises(AlignmentUnavailable, match="no voice"):
        align_sentences(Path("missing.wav"), SENTENCES, "tlh")


def test_nothing_to_speak(tmp_path: Path) -> None:
    _require("espeak-ng")
    with pytest.raises(AlignmentUnavailable):
        align_sentences(tmp_path / "missing.wav", ["...", "—"], "en")


def test_undecodable_audio(tmp_path: Path) -> None:
    _require("espeak-ng")
    _require("ffmpeg")
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"this is not audio")
    with pytest.raises(AlignmentUnavailable):
        align_sentences(bad, SENTENCES[:1], "en")


def test_silent_audio(tmp_path: Path) -> None:
    _require("espeak-ng")
    _require("ffmpeg")
    path = tmp_path / "silence.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x00\x00" * 16000 * 3)
    with pytest.raises(AlignmentUnavailable, match="no speech"):
        align_sentences(path, SENTENCES[:2], "en")


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en-us"),
        ("en_GB", "en-gb"),
        ("EN-us", "en-us"),
        ("fr", "fr-fr"),
        ("pt-BR", "pt-br"),
        ("de-AT", "de"),
    ],
)
def test_language_to_voice(tag: str, expected: str) -> None:
    _require("espeak-ng")
    assert espeak_voice(tag) == expected


def test_version_is_a_string() -> None:
    assert isinstance(ALIGNER_VERSION, str) and ALIGNER_VERSION


def test_words_as_a_recogniser_spells_them() -> None:
    from podpub.align.words import words_of

    assert words_of("In 2017, the CNRP’s 3 MPs left.") == [
        "in",
        "twenty",
        "seventeen",
        "the",
        "c",
        "n",
        "r",
        "p's",
        "three",
        "m",
        "p's",
        "left",
    ]
    assert words_of("From 1998 to 2004, 120 people") == [
        "from",
        "nineteen",
        "ninety",
        "eight",
        "to",
        "two",
        "thousand",
        "four",
        "one",
        "hundred",
        "twenty",
        "people",
    ]


def test_anchors_override_only_where_dtw_disagrees() -> None:
    from podpub.align.anchors import anchored_starts
    from podpub.align.repair import Word

    sentences = [
        "This is the first sentence here.",
        "And then a second one follows.",
        "A third sentence ends it.",
    ]
    heard = [
        Word(w, ms)
        for w, ms in [
            ("this", 1000),
            ("is", 1200),
            ("the", 1350),
            ("first", 1500),
            ("sentence", 1800),
            ("here", 2300),
            ("buy", 3000),
            ("our", 3300),
            ("coffee", 3600),  # an ad: not in the transcript
            ("and", 30000),
            ("then", 30200),
            ("a", 30400),
            ("second", 30500),
            ("one", 30900),
            ("a", 33000),
            ("third", 33200),
            ("sentence", 33500),
        ]
    ]
    dtw = [1050, 3000, 33100]
    anchors = anchored_starts(sentences, heard, dtw)
    assert [a and a.start_ms for a in anchors] == [None, 30000, None]
    assert anchors[1] is not None and anchors[1].run == 5


def test_repair_keeps_good_starts(clip: tuple[Path, list[int]]) -> None:
    path, truth = clip
    result = align_sentences(path, SENTENCES, "en", repair="full")
    assert result.engine == "espeak-ng+mfcc+dtw+pocketsphinx"
    errors = [abs(span.start_ms - t) for span, t in zip(result.spans, truth, strict=True)]
    assert max(errors) <= 300, f"onset errors (ms): {errors}"


def test_repair_is_skipped_for_other_languages(clip: tuple[Path, list[int]]) -> None:
    path, _ = clip
    result = align_sentences(path, SENTENCES[:2], "fr", repair="full")
    assert result.engine == "espeak-ng+mfcc+dtw"


def test_transcript_language_model_loads_in_pocketsphinx(tmp_path: Path) -> None:
    from pocketsphinx import Decoder

    from podpub.align.repair import transcript_model
    from podpub.align.words import lexicon

    sentences = ["The party was dissolved in 2017.", "Zyxwvut said nothing, and left."]
    model = transcript_model(sentences, lexicon())
    assert model is not None
    arpa, dictionary = model
    words = {line.split()[0].split("(")[0] for line in dictionary.splitlines()}
    # the transcript's words the lexicon knows, numbers spelled out; unknown names left out
    assert {"party", "dissolved", "twenty", "seventeen", "said", "left"} <= words
    assert "zyxwvut" not in words and "coffee" not in words
    assert "ngram 2=" in arpa and "<s> the" in arpa
    (tmp_path / "t.lm").write_text(arpa)
    (tmp_path / "t.dict").write_text(dictionary)
    decoder = Decoder(lm=str(tmp_path / "t.lm"), dict=str(tmp_path / "t.dict"), loglevel="FATAL")
    decoder.start_utt()
    decoder.process_raw(bytes(32000), full_utt=True)
    decoder.end_utt()  # silence: no crash, at most a few words


def test_acronyms_said_letter_by_letter_are_spelled_for_both_engines() -> None:
    from podpub.align.words import spell_acronyms, words_of

    assert spell_acronyms("APHR and the CNRP met ASEAN and NATO.") == (
        "A P H R and the C N R P met ASEAN and NATO."
    )
    # the recogniser's dictionary says "NGOs" letter by letter already: left as it is
    assert spell_acronyms("Two NGOs, the UN.") == "Two NGOs, the U N."
    assert words_of("APHR has done it") == ["a", "p", "h", "r", "has", "done", "it"]


def test_recognition_windows_are_merged_and_cut() -> None:
    from podpub.align.repair import segments
    from podpub.align.tuning import SEGMENT_S

    assert segments([(10.0, 20.0), (-3.0, 2.0), (15.0, 30.0), (40.0, 41.0)]) == [
        (0.0, 2.0),
        (10.0, 30.0),
        (40.0, 41.0),
    ]
    long = segments([(0.0, 2.5 * SEGMENT_S)])
    assert len(long) == 3 and long[-1] == (2 * SEGMENT_S, 2.5 * SEGMENT_S)


def test_names_the_recogniser_cannot_hear_do_not_break_a_run() -> None:
    from podpub.align.anchors import anchored_starts
    from podpub.align.repair import Word

    sentences = ["We came back.", "Thank you, Sochua, for that introduction.", "Thank you, Sochua."]
    heard = [
        Word(w, ms)
        for w, ms in [
            ("we", 1000),
            ("came", 1200),
            ("back", 1500),
            ("thank", 9000),
            ("you", 9300),
            ("for", 10100),
            ("that", 10300),
            ("introduction", 10500),
            ("thank", 20000),
            ("you", 20300),
        ]
    ]
    dtw = [1000, 5000, 17000]
    known = {"we", "came", "back", "thank", "you", "for", "that", "introduction"}
    anchors = anchored_starts(sentences, heard, dtw, known)
    assert [a and a.start_ms for a in anchors] == [None, 9000, 20000]
    # without the vocabulary, "sochua" breaks the short sentence's run: nothing anchors it
    assert anchored_starts(sentences, heard, dtw)[2] is None


def test_homophones_the_recogniser_writes_still_anchor() -> None:
    from podpub.align.anchors import anchored_starts
    from podpub.align.repair import Word

    sentences = ["You're now listening to the show.", "There is more."]
    heard = [Word("your", 5000), Word("now", 5300), Word("listening", 5500), Word("to", 6000)]
    anchors = anchored_starts(sentences, heard, [3000, 9000])
    assert anchors[0] is not None and anchors[0].start_ms == 5000 and anchors[0].lead_ms == 0


def test_a_start_timed_from_later_words_moves_to_the_longest_pause() -> None:
    from podpub.align.onsets import after_longest_pause

    # frames: speech, a 0.12 s comma pause, speech, a 0.6 s pause, speech
    loud = np.array([True] * 50 + [False] * 6 + [True] * 20 + [False] * 30 + [True] * 40)
    assert after_longest_pause(loud, 80, 40) == 106  # not the comma's rise at 56
    assert after_longest_pause(loud, 58, 3) == 56  # only the comma's rise is within reach
    assert after_longest_pause(loud, 20, 5) == 20  # no rise nearby: unchanged


def test_a_passage_said_twice_is_not_matched_across_the_episode() -> None:
    from podpub.align.anchors import anchored_starts
    from podpub.align.repair import Word
    from podpub.align.tuning import MAX_MOVE_MS

    said = "And that is why we keep coming back to this question."
    sentences = [said, "Something else entirely happens in between.", said]
    far = 2 * MAX_MOVE_MS
    words = ["and", "that", "is", "why", "we", "keep", "coming", "back"]
    # only the second telling was recognised, 1.5 s after DTW put it
    heard = [Word(w, far + 1500 + 250 * n) for n, w in enumerate(words)]
    anchors = anchored_starts(sentences, heard, [1000, 6000, far])
    assert anchors[0] is None  # not moved to the other telling
    assert anchors[2] is not None and anchors[2].start_ms == far + 1500


def test_one_word_heard_wrong_does_not_break_a_run() -> None:
    from podpub.align.anchors import anchored_starts
    from podpub.align.repair import Word

    sentences = ["You are now listening to the show by us.", "That was it."]
    heard = [
        Word(w, ms)
        for w, ms in [
            ("a", 5100),
            ("now", 5400),
            ("listening", 5600),
            ("each", 6000),  # "to", heard wrong
            ("the", 6200),
            ("show", 6400),
        ]
    ]
    anchors = anchored_starts(sentences, heard, [3000, 9000])
    # the run "now listening [to] the show" starts at "now": the start is timed from it
    assert anchors[0] is not None and anchors[0].run == 5 and anchors[0].lead_ms > 0
    assert 4500 < anchors[0].start_ms < 5400


ASIDE = (
    "Before we go on, a word from our sponsor: fresh coffee beans delivered to your door "
    "every single week, roasted the day before they ship."
)


@pytest.fixture(scope="module")
def clip_with_aside(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    """Like ``clip``, with an unscripted sponsor read before sentence 3."""
    _require("espeak-ng")
    path = tmp_path_factory.mktemp("aside") / "aside.wav"
    # the same speaker, unscripted: DTW cannot tell it from the next sentence
    aside = _speak(ASIDE, *VOICES[1], path.parent / "aside-read.wav")
    before = {3: np.concatenate([np.zeros(int(0.4 * RATE)), aside])}
    lead_in = np.zeros(int(1.5 * RATE))
    return path, _episode(path, lead_in, np.random.default_rng(11), 0.8, before)


def test_recognition_puts_a_paragraph_start_back_after_an_unscripted_aside(
    clip_with_aside: tuple[Path, list[int]],
) -> None:
    path, truth = clip_with_aside
    focus = [0, 3]  # paragraph starts
    dtw_alone = align_sentences(path, SENTENCES, "en", repair="off", focus=focus)
    # the clip's point: DTW alone starts sentence 3 on the aside, seconds early
    assert truth[3] - dtw_alone.spans[3].start_ms > 2000
    result = align_sentences(path, SENTENCES, "en", focus=focus)
    assert result.engine == "espeak-ng+mfcc+dtw+pocketsphinx"
    errors = [abs(span.start_ms - t) for span, t in zip(result.spans, truth, strict=True)]
    assert errors[3] <= 500, f"onset errors (ms): {errors}"
    assert max(errors) <= 500, f"onset errors (ms): {errors}"


def test_the_longer_nearer_run_wins_when_words_are_heard_twice() -> None:
    from podpub.align.anchors import anchored_starts
    from podpub.align.repair import Word

    sentences = [
        "We start the show today with the news.",
        "Thank you for listening to our show tonight.",
    ]
    heard = [Word(w, 1000 + 300 * n) for n, w in enumerate("we start the show today".split())]
    promo = "thank you for listening to our show".split()  # unscripted, 100 s earlier
    heard += [Word(w, 100_000 + 300 * n) for n, w in enumerate(promo)]
    heard += [Word(w, 200_500 + 300 * n) for n, w in enumerate([*promo, "tonight"])]
    anchors = anchored_starts(sentences, heard, [1000, 200_000])
    assert anchors[1] is not None and anchors[1].start_ms == 200_500


def test_a_start_estimated_before_the_audio_is_clamped() -> None:
    from podpub.align.anchors import anchored_starts
    from podpub.align.repair import Word

    sentences = ["Well, hello there, my friends of the radio.", "Next."]
    heard = [Word(w, 300 + 200 * n) for n, w in enumerate("friends of the radio".split())]
    anchors = anchored_starts(sentences, heard, [2500, 9000])
    assert anchors[0] is not None and anchors[0].start_ms == 0


def test_a_doubtful_paragraph_start_is_listened_for_back_over_the_gap() -> None:
    from podpub.align.doubts import Doubts, doubtful_windows

    # music from 10 s to 40 s; sentence 1 is an unspeakable divider ("* * *")
    spans = [SentenceSpan(0, 10_000, 0.9), SentenceSpan(40_000, 40_000, 0.0)]
    spans.append(SentenceSpan(40_000, 45_000, 0.9))
    doubts = Doubts(np.array([False, False, True]), np.array([False, False, False]))
    # the confident start of sentence 0 is not heard: no recognised word moves it
    assert doubtful_windows(spans, doubts, [0, 2], 100.0) == [(20.0, 48.0)]
    calm = Doubts(np.array([False, False, False]), np.array([False, False, False]))
    assert doubtful_windows(spans, calm, [0, 2], 100.0) == []
    stretched = Doubts(np.array([False, False, False]), np.array([True, False, False]))
    assert doubtful_windows(spans, stretched, [0, 2], 100.0) == [(0.0, 10.5)]


def test_capitals_for_emphasis_are_not_spelled() -> None:
    from podpub.align.words import spell_acronyms

    assert spell_acronyms("It was NOT okay, I said NO, FIRST.") == (
        "It was NOT okay, I said NO, FIRST."
    )
    assert spell_acronyms("The FBI and the US") == "The FBI and the U S"


def test_a_second_look_covers_only_what_was_not_heard() -> None:
    from podpub.align.doubts import Doubts, farther_windows
    from podpub.align.repair import uncovered

    assert uncovered([(0.0, 10.0), (20.0, 30.0)], [(2.0, 4.0), (8.0, 22.0)]) == [
        (0.0, 2.0),
        (4.0, 8.0),
        (22.0, 30.0),
    ]
    spans = [SentenceSpan(0, 9_000, 0.9), SentenceSpan(30_000, 35_000, 0.9)]
    spans.append(SentenceSpan(60_000, 65_000, 0.9))
    doubts = Doubts(np.array([False, True, True]), np.zeros(3, dtype=bool))
    settled = [False, False, True]  # sentence 2's words confirmed or moved its start
    heard = [(28.5, 33.0), (58.5, 63.0)]  # the first look: 1.5 s before to 3 s after
    # sentence 1 was doubtful and nothing settled it: from 6 s before its start to 8 s
    # after, less what was heard
    assert farther_windows(spans, settled, doubts, [0, 1, 2], heard) == [
        (24.0, 28.5),
        (33.0, 38.0),
    ]
    # a doubtful sentence (DTW stretched it) nothing settled: 6 s past its DTW end too
    stretched = Doubts(np.array([False, True, True]), np.array([False, False, True]))
    assert farther_windows(spans, [False, False, False], stretched, [0, 1, 2], heard) == [
        (24.0, 28.5),
        (33.0, 38.0),
        (54.0, 58.5),
        (63.0, 68.0),
        (65.0, 71.0),
    ]


def test_an_anchor_that_agrees_with_dtw_is_kept_only_when_asked() -> None:
    from podpub.align.anchors import anchored_starts
    from podpub.align.repair import Word
    from podpub.align.words import words_of

    sentences = ["We met the minister in the morning.", "Then we went home."]
    heard = [Word(w, 10_000 + 300 * k) for k, w in enumerate(words_of(sentences[0]))]
    assert anchored_starts(sentences, heard, [10_100, 20_000]) == [None, None]
    kept = anchored_starts(sentences, heard, [10_100, 20_000], keep_agreeing=True)
    assert kept[0] is not None and kept[0].agrees and kept[0].start_ms == 10_000
    assert kept[1] is None  # nothing heard of it
    moved = anchored_starts(sentences, heard, [12_000, 20_000], keep_agreeing=True)
    assert moved[0] is not None and not moved[0].agrees


def test_each_piece_is_heard_with_the_sentences_placed_near_it() -> None:
    from podpub.align.repair import nearby
    from podpub.align.tuning import LOCAL_TEXT_MS

    step = LOCAL_TEXT_MS // 2
    placed = [(k * step, k * step + 5_000) for k in range(10)]  # one sentence a minute
    chosen = nearby(placed, 5 * step / 1000.0, 5 * step / 1000.0 + 10.0)
    assert chosen == (3, 4, 5, 6, 7)
    assert nearby(placed, 0.0, 1.0) == (0, 1, 2)


def test_a_start_timed_from_later_words_stays_put_over_music() -> None:
    from podpub.align.repair import Word
    from podpub.align.repaired import repaired

    sentences = ["You are now listening to the show tonight.", "And that is all."]
    words = ["now", "listening", "to", "the", "show", "tonight"]
    heard = [Word(w, 5400 + 300 * n) for n, w in enumerate(words)]
    spans = (SentenceSpan(3000, 7500, 0.9), SentenceSpan(9000, 10_000, 0.9))
    doubtful = np.array([True, False])
    energy = np.zeros(600, dtype=np.float32)
    music = np.ones(600, dtype=bool)  # loud: no pause marks the onset...
    music[222:228] = False  # ... only a beat's gap in the music, 0.4 s before it
    start = repaired(spans, sentences, heard, music, energy, doubtful)[0].start_ms
    assert 4700 <= start < 5400  # the estimate from the run, not the rise after the gap
    paused = np.ones(600, dtype=bool)
    paused[230:251] = False  # a 0.42 s pause ending at 5.02 s
    assert repaired(spans, sentences, heard, paused, energy, doubtful)[0].start_ms == 5020


def test_a_start_timed_from_later_words_goes_back_to_a_long_pause_within_the_leads_reach() -> None:
    # "You fool, [0.34 s] they simply grew dim ...": the run's rate times "You fool" as
    # 0.4 s before "they", inside its sound; the sentence starts after the 1.1 s pause
    from podpub.align.repair import Word
    from podpub.align.repaired import repaired

    sentences = ["We left.", "You fool, they simply grew dim when they got to this door."]
    words = "they simply grew dim when they got to this door".split()
    heard = [Word(w, 7_640 + 250 * n) for n, w in enumerate(words)]
    loud = np.zeros(600, dtype=bool)
    loud[100:279] = True  # unscripted audio until 5.58 s
    loud[336:365] = True  # "You fool," 6.72-7.30 s
    loud[382:520] = True  # "they simply ..." from 7.64 s
    energy = _energy(loud)
    spans = (SentenceSpan(0, 1_000, 0.9), SentenceSpan(2_000, 10_400, 0.2))
    out = repaired(spans, sentences, heard, loud, energy, np.array([False, True]))
    assert out[1].start_ms == 6_720


def test_decoding_reads_ahead_in_order_and_hands_over_errors() -> None:
    from podpub.align.features import read_ahead

    assert list(read_ahead(iter(range(100)), depth=2)) == list(range(100))

    def failing() -> Iterator[int]:
        yield 1
        raise ValueError("broken pipe")

    got = []
    with pytest.raises(ValueError, match="broken pipe"):
        for item in read_ahead(failing()):
            got.append(item)
    assert got == [1]

    closed = []

    def endless() -> Iterator[int]:
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed.append(True)

    for item in read_ahead(endless(), depth=2):
        if item == 5:
            break  # the consumer leaves: the producer stops and closes its source
    assert closed == [True]


def test_the_decoded_samples_are_kept_for_the_recogniser(
    clip: tuple[Path, list[int]], tmp_path: Path
) -> None:
    from podpub.align.features import AUDIO_RATE, audio_features

    path, _ = clip
    out = tmp_path / "samples.raw"
    with out.open("wb") as f:
        feats = audio_features(path, None, f)
    samples = np.frombuffer(out.read_bytes(), dtype="<i2")
    with wave.open(str(path), "rb") as w:
        seconds = w.getnframes() / w.getframerate()
    assert abs(samples.size / AUDIO_RATE - seconds) < 0.05
    assert abs(feats.frames * 0.02 - seconds) < 0.05


def test_a_soft_start_belongs_to_the_word() -> None:
    from podpub.align.onsets import weak_start

    # 0.5 s of pause at -60 dB, 0.12 s of a soft "th" at -38 dB, then the vowel at -20 dB
    energy = np.array([-60.0] * 25 + [-38.0] * 6 + [-20.0] * 20, dtype=np.float32)
    loud = energy > -30.0
    assert weak_start(loud, energy, 31) == 25
    # a pause that is only noise a little above its own level is not speech
    energy[22:31] = -59.0
    assert weak_start(loud, energy, 31) == 31


def test_a_misheard_opening_is_timed_by_the_first_word_after_the_previous_sentence() -> None:
    from podpub.align.anchors import anchored_starts
    from podpub.align.repair import Word

    sentences = [
        "He is the president of the senate.",
        "Thank you, Sochua, for that introduction into your background.",
    ]
    said = "he is the president of the senate".split()
    heard = [Word(w, 10_000 + 300 * k) for k, w in enumerate(said)]
    # "thank you sochua" heard as "and to civil", then the run
    heard += [Word("and", 13_000), Word("to", 13_250), Word("civil", 13_500)]
    heard += [Word(w, 14_000 + 300 * k) for k, w in enumerate("for that introduction into".split())]
    anchors = anchored_starts(sentences, heard, [10_000, 12_200])
    second = anchors[1]
    assert second is not None and second.start_ms == 13_000 and second.lead_ms > 0


def test_a_dtw_in_two_halves_finds_the_whole_dtws_path() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from podpub.align.dtw import band_from_path, dtw, dtw_in_two, full_band

    rng = np.random.default_rng(3)
    # the text: 600 frames; the audio: the same, slower in places, with 80 frames of
    # something else inserted, a lead-in and noise
    text = rng.normal(size=(600, 13)).astype(np.float32)
    index = np.repeat(np.arange(600), rng.choice([1, 1, 2], size=600))
    audio = text[index] + rng.normal(scale=0.3, size=(index.size, 13)).astype(np.float32)
    audio = np.concatenate(
        [rng.normal(size=(50, 13)), audio[:400], rng.normal(size=(80, 13)), audio[400:]]
    ).astype(np.float32)
    lo, hi = full_band(text.shape[0], audio.shape[0])
    coarse = dtw(text, audio, lo, hi, skip_start=2.0, skip_end=2.0)
    lo, hi = band_from_path(coarse, 1, text.shape[0], audio.shape[0], 20)
    gap = np.full(text.shape[0], np.inf)
    whole = dtw(text, audio, lo, hi, skip_start=2.0, skip_end=2.0, row_gap=gap)
    with ThreadPoolExecutor(max_workers=1) as pool:
        halves = dtw_in_two(
            text,
            audio,
            lo,
            hi,
            skip_start=2.0,
            skip_end=2.0,
            row_gap=gap,
            overlap=100,
            run_apart=pool.submit,
        )
    assert np.array_equal(halves.rows, whole.rows)
    assert np.array_equal(halves.cols, whole.cols)
    assert np.array_equal(halves.first, whole.first) and np.array_equal(halves.last, whole.last)


def test_an_onset_on_a_tail_or_a_click_before_a_pause_moves_past_the_pause() -> None:
    from podpub.align.onsets import speech_onset

    def energy_of(pattern: str) -> tuple[np.ndarray, np.ndarray]:
        energy = np.array([-20.0 if c == "#" else -70.0 for c in pattern], dtype=np.float32)
        return energy > -40.0, energy

    # the previous sentence's last word (0.4 s), a one-frame dip, its last frames, a 0.6 s
    # pause, then the sentence: mapped onto the dip, the onset is the rise after the pause
    loud, energy = energy_of("#" * 20 + "." + "###" + "." * 30 + "#" * 20)
    assert speech_onset(loud, energy, 20) == 54
    # a 40 ms click 0.7 s before the sentence, in a pause
    loud, energy = energy_of("." * 20 + "##" + "." * 35 + "#" * 20)
    assert speech_onset(loud, energy, 19) == 57
    # a short first word ("So,") and a pause after it: the word is the start
    loud, energy = energy_of("." * 20 + "#" * 12 + "." * 20 + "#" * 20)
    assert speech_onset(loud, energy, 21) == 20


def test_a_run_through_the_sentence_before_anchors_the_first_word() -> None:
    from podpub.align.anchors import anchored_starts
    from podpub.align.repair import Word

    sentences = ["We work for human rights.", "Hello, I'm Karina Tehusijarana, media manager."]
    heard = [Word("for", 15_000), Word("human", 15_300), Word("rights", 15_700)]
    heard += [Word("hello", 18_400), Word("h", 19_000), Word("r", 19_300)]
    known = {"we", "work", "for", "human", "rights", "hello", "media", "manager"}
    anchors = anchored_starts(sentences, heard, [11_000, 11_900], known)
    second = anchors[1]
    assert second is not None and second.start_ms == 18_400 and second.lead_ms == 0
    # the same words heard in two windows far apart in time do not run on
    apart = [*heard[:3], Word("hello", 25_000), Word("h", 25_600)]
    assert anchored_starts(sentences, apart, [11_000, 11_900], known)[1] is None


def test_a_run_goes_on_over_a_name_the_recogniser_heard_as_other_words() -> None:
    from podpub.align.anchors import anchored_starts
    from podpub.align.repair import Word

    # "Hello" misheard, "Tehusijarana" (not in the recogniser's vocabulary) heard as
    # five other words: "i'm karina" and "media manager of" are one run
    sentences = ["We talk about it.", "Hello, I'm Karina Tehusijarana, Media Manager of APHR."]
    known = {"we", "talk", "about", "it", "hello", "i'm", "karina", "media", "manager", "of"}
    name = [Word(w, 26_980 + 150 * k) for k, w in enumerate(["that", "years", "into", "on"])]
    heard = [
        Word("good", 25_940),
        Word("i'm", 26_440),
        Word("karina", 26_620),
        *name,
        Word("media", 27_920),
        Word("manager", 28_240),
        Word("of", 28_700),
    ]
    anchor = anchored_starts(sentences, heard, [20_000, 24_640], known)[1]
    assert anchor is not None and anchor.run_ms == 26_440 and anchor.lead_letters == 5
    assert 25_700 < anchor.start_ms < 26_300
    # more words heard there than the name has letters: not the name, and only the
    # later run anchors (timed back over the lead)
    many = [Word("a", 26_700 + 80 * k) for k in range(13)]
    heard_many = [*heard[:3], *many, *heard[-3:]]
    apart = anchored_starts(sentences, heard_many, [20_000, 24_640], known)[1]
    assert apart is not None and apart.run_ms == 27_920
    # a known word left unheard between them is no name: the runs stay apart
    known_all = known | {"tehusijarana"}
    apart = anchored_starts(sentences, heard, [20_000, 24_640], known_all)[1]
    assert apart is not None and apart.run_ms == 27_920


def test_letters_of_an_acronym_count_as_said_by_name() -> None:
    from podpub.align.tuning import SPELLED_LETTER
    from podpub.align.words import spoken_letters, words_of

    sentence = "A year ago I joined APHR, a network."
    words = words_of(sentence)
    assert words == ["a", "year", "ago", "i", "joined", "a", "p", "h", "r", "a", "network"]
    sizes = spoken_letters(sentence)
    assert sizes[5:9] == [SPELLED_LETTER] * 4
    assert sizes[:5] == [1, 4, 3, 1, 6]  # the article and the pronoun stay one letter
    assert sizes[9] == 1


def test_letters_heard_in_music_do_not_anchor_a_sentence() -> None:
    from podpub.align.anchors import anchored_starts
    from podpub.align.repair import Word

    sentences = [
        "You're now listening to Advocate by APHR, ASEAN Parliamentarians for human rights."
    ]
    # music before the speech, heard as letters of the acronym; the speech itself at 17 s
    heard = [Word("a", 8_900), Word("p", 8_960), Word("h", 9_400), Word("for", 10_100)]
    words = "asean parliamentarians for human rights".split()
    heard += [Word(w, 17_700 + 400 * k) for k, w in enumerate(words)]
    anchor = anchored_starts(sentences, heard, [9_000])[0]
    assert anchor is not None and anchor.start_ms > 14_000


def test_a_misheard_opening_is_not_put_on_the_word_before() -> None:
    from podpub.align.repair import Word
    from podpub.align.repaired import repaired

    sentences = ["It is the country of Cambodia.", "Thank you so much for joining us today."]
    # "cambodia" heard at 2.0 s after a 1.2 s pause; "thank you so" heard as "and" at
    # 3.2 s after a 0.6 s pause; DTW put the second sentence at 5 s
    heard = [Word(w, 800 + 250 * k) for k, w in enumerate("it is the country of".split())]
    heard += [Word("cambodia", 2_000), Word("and", 3_200)]
    heard += [Word(w, 3_600 + 250 * k) for k, w in enumerate("much for joining us today".split())]
    frames = np.zeros(400, dtype=bool)
    frames[40:80] = True  # "it is the country of", 0.8-1.6 s
    frames[100:140] = True  # "Cambodia", after a 0.4 s pause
    frames[160:260] = True  # the second sentence, after a 0.4 s pause
    energy = np.where(frames, -20.0, -70.0).astype(np.float32)
    spans = (SentenceSpan(800, 2_800, 0.9), SentenceSpan(5_000, 7_000, 0.4))
    out = repaired(spans, sentences, heard, frames, energy, np.array([False, True]))
    assert out[1].start_ms == 3_200


def test_the_dtw_in_halves_is_the_same_without_a_second_core() -> None:
    from concurrent.futures import ProcessPoolExecutor

    from podpub.align.warp import warp, warp_levels

    rng = np.random.default_rng(5)
    text = rng.normal(size=(22_000, 13)).astype(np.float32)  # 440 s: split in halves
    audio = np.concatenate([rng.normal(size=(300, 13)), text + 0.2 * rng.normal(size=text.shape)])
    audio = audio.astype(np.float32)
    gaps = np.zeros(text.shape[0], dtype=bool)
    gaps[::500] = True
    here = warp_levels(text, audio, gaps, lambda f: None, None)
    with ProcessPoolExecutor(max_workers=1) as pool:
        apart = warp_levels(text, audio, gaps, lambda f: None, pool)
    assert np.array_equal(here.path.cols, apart.path.cols)
    assert np.array_equal(warp(text, audio, gaps, lambda f: None).path.cols, here.path.cols)


def test_espeak_runs_at_the_lowest_priority_and_its_failure_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from podpub.align import synth, tuning

    # a stand-in espeak-ng that records its own niceness, then fails or writes a WAV
    fake = tmp_path / "espeak-ng"
    fake.write_text(
        "#!/bin/sh\n"
        "cat > /dev/null\n"  # the text comes once the priority is set
        f'nice > "{tmp_path}/niceness"\n'
        f'if [ -e "{tmp_path}/fail" ]; then echo broken >&2; exit 3; fi\n'
        "for last; do :; done\n"
        f'cp "{tmp_path}/tone.wav" "$last"\n'
    )
    fake.chmod(0o755)
    with wave.open(str(tmp_path / "tone.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.sin(np.arange(RATE) / 5.0) * 8000).astype("<i2").tobytes())
    monkeypatch.setattr(synth.shutil, "which", lambda name: str(fake))
    x, rate = synth.run_espeak(["--stdin"], "hello", tmp_path / "out.wav")
    assert rate == RATE and x.size == RATE
    assert int((tmp_path / "niceness").read_text()) == tuning.ESPEAK_NICENESS
    (tmp_path / "fail").touch()
    with pytest.raises(AlignmentUnavailable, match="espeak-ng failed"):
        synth.run_espeak(["--stdin"], "hello", tmp_path / "out.wav")


@pytest.mark.parametrize("cells", [400_000, 10])  # one operation a block; row by row
def test_distances_of_a_block_of_rows_are_each_rows_own(
    cells: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from podpub.align import dtw
    from podpub.align.dtw import block_distances, distances
    from podpub.align.tuning import BLOCK_ROWS

    monkeypatch.setattr(dtw, "BLOCK_CELLS", cells)
    rng = np.random.default_rng(5)
    a = rng.normal(size=(100, 13)).astype(np.float32)
    b = rng.normal(size=(500, 13)).astype(np.float32)
    lo = np.sort(rng.integers(0, 400, 100))
    hi = lo + rng.integers(1, 100, 100)
    for i0 in range(0, 100, BLOCK_ROWS):
        block, c0 = block_distances(a, b, lo, hi, i0)
        for i in range(i0, min(100, i0 + BLOCK_ROWS)):
            own = distances(a[i], b[lo[i] : hi[i]]).astype(np.float64)
            assert np.array_equal(block[i - i0, lo[i] - c0 : hi[i] - c0], own)


def test_an_opening_heard_at_a_speaking_rate_before_a_late_run_times_the_sentence() -> None:
    from podpub.align.anchors import anchored_starts
    from podpub.align.repair import Word

    sentences = [
        "You're now listening to Advocate by APHR, ASEAN Parliamentarians for human rights."
    ]
    # "listening to Advocate by APHR" misheard; the run comes 43 letters in: too far to
    # time from its own rate, but the opening was heard 3 s before it
    run = [Word(w, 17_180 + 500 * k) for k, w in enumerate("parliamentarians for human".split())]
    misheard = [Word("c", 14_710), Word("changed", 15_040), Word("h", 15_520)]
    heard = [Word("you're", 14_120), Word("now", 14_320), *misheard, *run]
    anchor = anchored_starts(sentences, heard, [13_400])[0]
    assert anchor is not None and anchor.start_ms == 14_120
    # the same two words heard 10 s before the run: not this sentence's opening
    early = [Word("you're", 7_120), Word("now", 7_320), *misheard, *run]
    assert anchored_starts(sentences, early, [13_400])[0] is None
    # nor a pair of short words heard anywhere
    other = ["And the people of the whole region, ASEAN parliamentarians for human rights."]
    heard = [Word("and", 14_120), Word("the", 14_320), *misheard, *run]
    assert anchored_starts(other, heard, [13_400])[0] is None


def test_an_aside_a_few_seconds_into_a_sentence_makes_its_start_doubtful() -> None:
    from podpub.align.doubts import doubts_of
    from podpub.align.dtw import Path as DtwPath
    from podpub.align.features import Features
    from podpub.align.synth import Synthetic
    from podpub.align.warp import Warp

    def warp_with(aside_at: int | None) -> Warp:
        # two sentences of 250 synthetic frames (5 s), matched frame for frame, except for
        # 100 audio frames (2 s) of an aside at synthetic row ``aside_at``
        rows: list[int] = []
        cols: list[int] = []
        col = 0
        for r in range(500):
            rows.append(r)
            cols.append(col)
            if r == aside_at:
                for _ in range(100):
                    col += 1
                    rows.append(r)
                    cols.append(col)
            col += 1
        r_, c_ = np.array(rows), np.array(cols)
        first = np.array([c_[r_ == r].min() for r in range(500)])
        last = np.array([c_[r_ == r].max() for r in range(500)])
        path = DtwPath(first, last, r_, c_, np.ones(r_.size, dtype=np.float32))
        return Warp(path, 1.0, 1.0)

    features = Features(np.zeros((500, 40), np.float32), np.zeros(500, np.float32))
    synthetic = Synthetic(features, np.array([0, 250]), np.array([250, 500]))
    spans = (SentenceSpan(0, 5000, 1.0), SentenceSpan(5000, 10000, 1.0))
    loud = np.ones(500, dtype=bool)  # running speech: no pause
    assert not doubts_of(spans, synthetic, warp_with(None), loud).head.any()
    # 1.5 s into the second sentence: its first second matched well, its first 3 s not
    doubts = doubts_of(spans, synthetic, warp_with(250 + 75), loud)
    assert doubts.head.tolist() == [False, True]
    # 4 s in: not the start's doubt
    assert not doubts_of(spans, synthetic, warp_with(250 + 200), loud).head.any()


def _sounds(*parts: tuple[bool, int]) -> npt.NDArray[np.bool_]:
    """A loudness mask from (loud?, frames) parts."""
    return np.concatenate([np.full(n, on, dtype=bool) for on, n in parts])


def test_a_word_on_its_own_between_two_pauses_may_begin_the_sentence_after() -> None:
    from podpub.align.onsets import word_between_pauses

    # a sentence; 1 s pause; "two" (0.3 s); 0.5 s pause; "persons under sentence ..."
    loud = _sounds((True, 100), (False, 50), (True, 15), (False, 25), (True, 110))
    assert word_between_pauses(loud, 190, longest=50)
    assert word_between_pauses(loud, 185, longest=50)  # a weak start before the rise
    assert not word_between_pauses(loud, 150, longest=50)  # a whole sentence before
    assert not word_between_pauses(loud, 250, longest=50)  # inside running speech
    assert not word_between_pauses(loud, 190, longest=10)  # longer than a word
    # the pause after the word is the longer one: the word ends the sentence before
    ends = _sounds((True, 100), (False, 25), (True, 15), (False, 50), (True, 110))
    assert not word_between_pauses(ends, 190, longest=50)
    # a dip inside the word is not a pause
    dipped = _sounds((True, 100), (False, 50), (True, 6), (False, 3), (True, 6), (False, 25))
    assert word_between_pauses(np.concatenate([dipped, np.ones(50, bool)]), 190, longest=50)


def test_a_word_on_its_own_is_found_before_a_start() -> None:
    from podpub.align.onsets import lone_word_before

    loud = _sounds((True, 100), (False, 50), (True, 15), (False, 25), (True, 110))
    assert lone_word_before(loud, 190, longest=50) == 150
    assert lone_word_before(loud, 190, longest=10) is None  # longer than a word
    # two pauses longer than LONGEST_PAUSE_S (1 s) around it: equal, found only when
    # asked for (a heading read alone, not a word the doubt is about)
    long_pauses = _sounds((True, 100), (False, 80), (True, 15), (False, 90), (True, 110))
    assert lone_word_before(long_pauses, 285, longest=50) is None
    assert lone_word_before(long_pauses, 285, longest=50, longer=False) == 180


def test_a_start_after_a_word_on_its_own_is_doubtful() -> None:
    from podpub.align.doubts import doubts_of
    from podpub.align.dtw import Path as DtwPath
    from podpub.align.features import Features
    from podpub.align.synth import Synthetic
    from podpub.align.warp import Warp

    # DTW matched frame for frame: its heads are not stretched, nor poorly matched
    rows = np.arange(300)
    path = DtwPath(rows, rows, rows, rows, np.ones(300, dtype=np.float32))
    warp = Warp(path, 1.0, 1.0)
    synthetic = Synthetic(
        Features(np.zeros((300, 40), np.float32), np.zeros(300, np.float32)),
        np.array([0, 190]),
        np.array([165, 300]),
    )
    spans = (SentenceSpan(0, 3300, 1.0), SentenceSpan(3800, 6000, 1.0))
    after_word = _sounds((True, 100), (False, 50), (True, 15), (False, 25), (True, 110))
    assert doubts_of(spans, synthetic, warp, after_word).head.tolist() == [False, True]
    after_sentence = _sounds((True, 165), (False, 25), (True, 110))
    assert not doubts_of(spans, synthetic, warp, after_sentence).head.any()
    # DTW started the second sentence on the word itself: mostly the sentence's own
    # ('"I--I--" stammered the girl'), not doubtful
    on_word = (spans[0], SentenceSpan(3000, 6000, 1.0))
    assert not doubts_of(on_word, synthetic, warp, after_word).head.any()
    # a paragraph's start DTW put inside a sound (0.6 s after a pause), not where one
    # starts: doubtful; a sentence inside a paragraph may follow on without a pause
    inside = (spans[0], SentenceSpan(4_400, 6000, 1.0))
    assert doubts_of(inside, synthetic, warp, after_sentence, focus=[1]).head.tolist() == [
        False,
        True,
    ]
    assert not doubts_of(inside, synthetic, warp, after_sentence).head.any()
    # squeezed by DTW onto the start of the speech after it (20 ms for 2.2 s of text)
    squeezed = (spans[0], SentenceSpan(3800, 3820, 1.0))
    assert doubts_of(squeezed, synthetic, warp, after_sentence).head.tolist() == [False, True]


def test_two_runs_of_a_sentence_that_agree_move_it_out_of_the_intro_music() -> None:
    from podpub.align.anchors import anchored_starts
    from podpub.align.repair import Word
    from podpub.align.repaired import repaired

    sentences = [
        "You're now listening to Advocate by APHR, ASEAN Parliamentarians for Human Rights.",
        "I'm your host.",
    ]
    # DTW put the first sentence in the intro music (5.5-9 s); it was said at 15 s:
    # "now listening to" heard, "Advocate by APHR" not, then "ASEAN ... rights" 2.5 s on
    heard = [Word(w, 15_200 + 300 * k) for k, w in enumerate("now listening to".split())]
    heard += [Word(w, 17_700 + 400 * k) for k, w in enumerate("asean parliamentarians".split())]
    frames = np.zeros(1_200, dtype=bool)
    frames[:700] = True  # music until 14 s
    frames[745:1_100] = True  # speech from 14.9 s
    energy = np.where(frames, -20.0, -70.0).astype(np.float32)
    spans = (SentenceSpan(5_500, 9_000, 0.4), SentenceSpan(14_700, 16_000, 0.9))
    anchor = anchored_starts(sentences, heard, [5_500, 14_700])[0]
    # a run of three: too short alone to move a sentence past DTW's end of it
    assert anchor is not None and anchor.run == 3 and anchor.support == 5
    out = repaired(spans, sentences, heard, frames, energy, np.array([True, True]))
    assert abs(out[0].start_ms - 14_900) <= 100
    # the second run at a rate no one speaks: no support, no move
    fast = [*heard[:3], Word("asean", 16_000), Word("parliamentarians", 16_200)]
    too_fast = anchored_starts(sentences, fast, [5_500, 14_700])[0]
    assert too_fast is not None and too_fast.support == 3
    assert repaired(spans, sentences, fast, frames, energy, np.array([True, True]))[0] == spans[0]


def test_a_long_opening_word_heard_at_a_speaking_rate_times_the_sentence() -> None:
    from podpub.align.anchors import anchored_starts
    from podpub.align.repair import Word

    sentences = [
        "You're now listening to Advocate by APHR, ASEAN Parliamentarians for human rights."
    ]
    # fast speech over the end of the music: "you're now" misheard, "listening" heard
    # alone at 13.4 s, the first run ("for human rights") 50 letters later, at 16.6 s
    heard = [Word("she", 13_020), Word("has", 13_140), Word("listening", 13_420)]
    heard += [Word("changed", 13_840), Word("asean", 15_380), Word("parliament", 15_700)]
    heard += [Word(w, 16_580 + 250 * k) for k, w in enumerate("for human rights".split())]
    anchor = anchored_starts(sentences, heard, [12_200])[0]
    # "you're now" (9 letters) before it, at the rate from "listening" to the run
    assert anchor is not None and abs(anchor.start_ms - 12_850) <= 30 and anchor.lead_ms > 0
    # heard too near the run for the letters between: no anchor
    rushed = [Word("listening", 15_900), *heard[6:]]
    assert anchored_starts(sentences, rushed, [12_200])[0] is None


def test_one_opening_word_heard_moves_only_a_doubtful_start() -> None:
    from podpub.align.anchors import anchored_starts
    from podpub.align.repair import Word
    from podpub.align.repaired import repaired

    sentences = [
        "Yesterday the parliament building in the capital was closed, "
        "said human rights groups today."
    ]
    heard = [Word("yesterday", 12_000)]
    heard += [Word(w, 15_200 + 250 * k) for k, w in enumerate("said human rights groups".split())]
    anchor = anchored_starts(sentences, heard, [11_000])[0]
    assert anchor is not None and anchor.start_ms == 12_000 and anchor.lead_ms > 0
    frames = np.ones(1_000, dtype=bool)
    energy = np.full(1_000, -20.0, dtype=np.float32)
    spans = (SentenceSpan(11_000, 17_000, 0.95),)
    assert repaired(spans, sentences, heard, frames, energy, np.array([False])) == spans
    moved = repaired(spans, sentences, heard, frames, energy, np.array([True]))
    assert moved[0].start_ms == 12_000


def test_a_start_dtw_is_sure_of_is_not_moved_by_an_anchor() -> None:
    # "I—I—" stammered: the first "I" unheard, the second heard as the first word; DTW
    # matched the head at the episode's rate: the recogniser's timing is the rougher
    from podpub.align.repair import Word
    from podpub.align.repaired import repaired

    sentences = ["I, I stammered the girl, and she could say no more about it."]
    words = "i i stammered the girl and she could say no more about it".split()
    heard = [Word(w, 12_700 + 250 * k) for k, w in enumerate(words)]
    frames = np.ones(1_000, dtype=bool)
    energy = np.full(1_000, -20.0, dtype=np.float32)
    spans = (SentenceSpan(12_000, 17_000, 1.0),)
    assert repaired(spans, sentences, heard, frames, energy, np.array([False])) == spans
    moved = repaired(spans, sentences, heard, frames, energy, np.array([True]))
    assert moved[0].start_ms == 12_700


def test_lead_words_heard_in_order_time_a_start_across_a_speakers_pause() -> None:
    # "And so, my fellow Americans, ... ask not": the run's rate would put the start
    # 2 s late, on the pause; the lead's words heard in order time it
    from podpub.align.anchors import anchored_starts
    from podpub.align.repair import Word

    sentences = [
        "And so, my fellow Americans, ask not what your country can do for you, "
        "ask what you can do for your country."
    ]
    run = "your country can do for you ask what you can do for your country".split()
    tail = [Word(w, 37_040 + 250 * k) for k, w in enumerate(run)]
    heard = [Word("and", 31_800), Word("americans", 33_120), Word("that", 34_740), *tail]
    anchor = anchored_starts(sentences, heard, [31_780], keep_agreeing=True)[0]
    assert anchor is not None and abs(anchor.start_ms - 31_800) <= 20 and anchor.agrees
    # "and" heard alone, 5 s before the run: any sentence's "and", not this one's
    alone = [Word("and", 31_800), Word("that", 34_740), *tail]
    anchor = anchored_starts(sentences, alone, [31_780], keep_agreeing=True)[0]
    assert anchor is not None and anchor.start_ms > 33_000


def test_a_heard_word_starts_where_its_sound_does() -> None:
    from podpub.align.repair import Word
    from podpub.align.repaired import said_from

    # "Yes, I": "yes" heard from its rise after a pause up to "I" after the comma's
    # pause keeps its start; "the" heard over a breath in running sound (1.4 s for
    # three letters) starts where it leaves itself the slowest plausible time
    loud = np.zeros(300, dtype=bool)
    loud[100:120] = True  # "yes" 2.0-2.4 s
    loud[138:160] = True  # "I have" from 2.76 s
    heard = [Word("yes", 2_000), Word("i", 2_760), Word("have", 2_900)]
    assert [w.start_ms for w in said_from(heard, loud)] == [2_000, 2_760, 2_900]
    running = np.ones(300, dtype=bool)
    heard = [Word("the", 1_000), Word("man", 2_400), Word("growled", 2_700)]
    assert said_from(heard, running)[0].start_ms == 1_800


def test_a_heard_word_is_not_moved_onto_the_next_words_sound() -> None:
    from podpub.align.repair import Word
    from podpub.align.repaired import said_from, word_pairs

    # "... for Human Rights. [1.1 s] Hello, I'm": "rights" heard from 18.88 s, "hello"
    # from 20.46 s. Over-long for "rights", but the only rise that would leave it its
    # slowest time is "hello"'s own (20.44 s): "rights" keeps its sound
    pairs = word_pairs(["For Human Rights.", "Hello, I'm Karina."])
    loud = np.zeros(1_100, dtype=bool)
    loud[941:966] = True  # "rights" 18.82-19.32 s
    loud[1_022:] = True  # "hello, I'm" from 20.44 s
    heard = [Word("rights", 18_880), Word("hello", 20_460), Word("i'm", 21_200)]
    assert [w.start_ms for w in said_from(heard, loud, pairs)][:2] == [18_880, 20_460]
    # heard in the pause, it starts at the sound after it: the recogniser lets a word
    # begin in the pause before it ("The" of "... obsolete. [1.3 s] The public")
    late = [Word("rights", 19_500), *heard[1:]]
    assert said_from(late, loud, pairs)[0].start_ms == 20_440
    # a word heard over a breath before a pause still moves onto its own sound
    breath = np.zeros(300, dtype=bool)
    breath[50:55] = True  # a breath at 1.0 s
    breath[150:190] = True  # "hello" 3.0-3.8 s
    heard = [Word("hello", 1_000), Word("i'm", 3_900)]
    assert said_from(heard, breath, pairs)[0].start_ms == 3_000


def _heard_from(ms: int, text: str, step: int = 300) -> list[Word]:
    """The words of ``text`` heard one every ``step`` ms from ``ms`` on."""
    return [Word(w, ms + step * k) for k, w in enumerate(text.split())]


# the sentences around a heading in the tests of headings read alone
BEFORE_TEXT = "We all know the people who live here and what they want."
AFTER_TEXT = "When forty winters shall besiege your brow and dig deep trenches."


def _heard_of(ms: int, sentence: str) -> list[Word]:
    """A sentence's words, as the recogniser spells them, heard one every 300 ms."""
    return _heard_from(ms, " ".join(w.strip(".,").lower() for w in sentence.split()))


def _energy(loud: npt.NDArray[np.bool_]) -> npt.NDArray[np.float32]:
    """Frame energies (dB): speech where ``loud``, a quiet pause elsewhere."""
    return np.where(loud, -20.0, -60.0).astype(np.float32)


def test_a_sentence_dtw_gave_no_time_is_placed_by_its_own_word_heard() -> None:
    # a heading read alone ("Two."), then a long pause: DTW squeezed it onto the next
    # sentence's start; its word heard between the sentences around it places it
    from podpub.align.bounds import held_by_heard
    from podpub.align.repair import Word

    sentences = [
        BEFORE_TEXT,
        "Two.",
        AFTER_TEXT,
    ]
    before = _heard_of(1_000, BEFORE_TEXT)
    after = _heard_of(9_000, AFTER_TEXT)
    loud = np.zeros(1_000, dtype=bool)
    loud[50:230] = loud[300:320] = loud[450:800] = True  # "two" from 6.0 s
    energy = _energy(loud)
    spans = (
        SentenceSpan(1_000, 4_600, 1.0),
        SentenceSpan(9_000, 9_020, 1.0),
        SentenceSpan(9_000, 12_400, 1.0),
    )
    placed = held_by_heard(spans, sentences, [*before, Word("to", 6_000), *after], loud, energy)
    assert placed[1].start_ms == 6_000 and placed[2] == spans[2]
    # not heard: on the sound on its own right before the speech DTW put it at
    unheard = held_by_heard(spans, sentences, [*before, *after], loud, energy)
    assert unheard[1].start_ms == 6_000 and unheard[1].confidence >= 0.5
    # nor any such sound there (the speech before the pause is longer than "two" can
    # take): where DTW put it, with low confidence (the build lists it)
    running = loud.copy()
    running[250:320] = True
    energy_running = _energy(running)
    unplaced = held_by_heard(spans, sentences, [*before, *after], running, energy_running)
    assert unplaced[1].start_ms == 9_000 and unplaced[1].confidence < 0.5
    # "to" heard in running speech (an aside 5.0-5.8 s), the heading itself misheard:
    # a chance hearing places nothing, and the start is listed as unsettled
    aside = loud.copy()
    aside[250:290] = True
    energy = _energy(aside)
    heard = [*before, Word("to", 5_400), Word("pity", 6_000), *after]
    chance = held_by_heard(spans, sentences, heard, aside, energy)
    assert chance[1].confidence < 0.5  # said, not guessed


def test_a_sentence_dtw_gave_no_time_is_placed_on_a_word_heard_alone_before_it() -> None:
    # "Two." read 0.5 s after the sentence before, then a long pause: heard as
    # "period", a word no sentence's matched words claim, alone between the two
    # sentences' heard words, where a sound starts after a pause
    from podpub.align.bounds import held_by_heard
    from podpub.align.repair import Word

    sentences = [
        BEFORE_TEXT,
        "Two.",
        AFTER_TEXT,
    ]
    before = _heard_of(1_000, BEFORE_TEXT)
    after = _heard_of(9_000, AFTER_TEXT)
    loud = np.zeros(1_000, dtype=bool)
    loud[50:275] = loud[300:320] = loud[450:800] = True  # "two" from 6.0 s
    energy = _energy(loud)
    spans = (
        SentenceSpan(1_000, 5_500, 1.0),
        SentenceSpan(9_000, 9_020, 1.0),
        SentenceSpan(9_000, 12_400, 1.0),
    )
    placed = held_by_heard(spans, sentences, [*before, Word("period", 6_000), *after], loud, energy)
    assert placed[1].start_ms == 6_000 and placed[1].confidence >= 0.5
    unheard = held_by_heard(spans, sentences, [*before, *after], loud, energy)
    assert unheard[1].start_ms == 9_000 and unheard[1].confidence < 0.5
    # more words heard there than the sentence has (and two): an aside, not the heading
    aside = [Word(w, 6_000 + 100 * k) for k, w in enumerate("period pity might love".split())]
    chance = held_by_heard(spans, sentences, [*before, *aside, *after], loud, energy)
    assert chance[1].start_ms == 9_000 and chance[1].confidence < 0.5
    # speech between that word and where DTW put the heading (the recogniser heard
    # little of it): no word on its own
    talk = loud.copy()
    talk[340:420] = True
    energy_talk = _energy(talk)
    heard = [*before, Word("period", 6_000), *after]
    assert held_by_heard(spans, sentences, heard, talk, energy_talk)[1].confidence < 0.5


def test_a_heading_left_before_more_audio_than_it_takes_goes_to_its_word_heard() -> None:
    # an aside of 4.6 s before "Chapter 1.": DTW spread the heading over the aside and
    # started the next sentence inside it; the bounds move the next sentence after it,
    # and the heading, left with 8 s for two words, goes where its "one" was heard
    from podpub.align.bounds import held_by_heard
    from podpub.align.repair import Word

    sentences = [
        BEFORE_TEXT,
        "Chapter 1.",
        AFTER_TEXT,
    ]
    before = _heard_of(1_000, BEFORE_TEXT)
    aside = _heard_from(5_000, "word for for and youths rose fellow what is fond", step=450)
    after = _heard_of(13_000, AFTER_TEXT)
    heard = [*before, *aside, Word("thirteen", 10_000), Word("one", 10_300), *after]
    loud = np.zeros(1_000, dtype=bool)
    loud[50:230] = loud[250:480] = loud[500:530] = loud[650:800] = True
    energy = _energy(loud)
    spans = (
        SentenceSpan(1_000, 4_600, 1.0),
        SentenceSpan(5_000, 8_000, 0.4),
        SentenceSpan(8_000, 16_000, 0.9),
    )
    held = held_by_heard(spans, sentences, heard, loud, energy)
    assert held[2].start_ms == 13_000
    assert held[1].start_ms == 10_000 and held[1].confidence >= 0.5
    # its words not heard there: left where it was, and flagged
    unheard = [w for w in heard if w.text not in ("thirteen", "one")]
    flagged = held_by_heard(spans, sentences, unheard, loud, energy)
    assert flagged[1].start_ms == 5_000 and flagged[1].confidence < 0.5
    # a heading DTW gave the time it takes, before a long pause: where DTW put it
    said = (spans[0], SentenceSpan(10_000, 10_600, 1.0), SentenceSpan(13_000, 16_000, 0.9))
    assert held_by_heard(said, sentences, heard, loud, energy)[1] == said[1]


def test_a_heading_is_not_placed_on_its_word_heard_in_the_next_sentences_words() -> None:
    # "Three." read alone (heard as "the"), then "The chapel yard was about forty-three
    # feet by twenty-five.": the "three" heard among the next sentence's matched words
    # is that sentence's; the heading is the sound on its own before it
    from podpub.align.bounds import held_by_heard
    from podpub.align.repair import Word

    sentences = [
        BEFORE_TEXT,
        "Three.",
        "The chapel yard was about forty-three feet by twenty-five.",
        AFTER_TEXT,
    ]
    before = _heard_of(1_000, BEFORE_TEXT)
    chapel = _heard_from(7_000, "the chapel yard was of were")
    feet = _heard_from(9_000, "three feet by twenty")
    after = _heard_of(13_000, AFTER_TEXT)
    heard = [*before, Word("the", 6_000), *chapel, *feet, *after]
    loud = np.zeros(1_000, dtype=bool)
    loud[50:230] = loud[300:315] = loud[350:440] = loud[450:550] = loud[650:800] = True
    energy = _energy(loud)
    spans = (
        SentenceSpan(1_000, 4_600, 1.0),
        SentenceSpan(7_000, 7_020, 1.0),  # squeezed onto the next sentence's start
        SentenceSpan(7_000, 11_000, 1.0),
        SentenceSpan(13_000, 16_000, 1.0),
    )
    held = held_by_heard(spans, sentences, heard, loud, energy)
    assert held[1].start_ms == 6_000
    assert held[2].start_ms == 7_000


def test_a_start_moved_by_recognition_is_not_taken_for_a_sentence_dtw_gave_no_time() -> None:
    # recognition moved a start past DTW's end (the span is now 1 ms long): DTW gave
    # the sentence its time, and a word heard far into it places nothing
    from podpub.align.bounds import held_by_heard
    from podpub.align.repair import Word

    sentences = [
        BEFORE_TEXT,
        "Before we get into the situation we would like to hear about you.",
        AFTER_TEXT,
    ]
    before = _heard_of(1_000, BEFORE_TEXT)
    during = _heard_from(6_300, "we get into the situation we would like to hear about you")
    loud = np.ones(1_500, dtype=bool)
    energy = np.full(1_500, -20.0, dtype=np.float32)
    dtw = (
        SentenceSpan(1_000, 4_600, 1.0),
        SentenceSpan(5_000, 9_900, 1.0),
        SentenceSpan(10_000, 14_000, 1.0),
    )
    moved = (dtw[0], SentenceSpan(6_000, 6_001, 0.8), dtw[2])
    heard = [*before, Word("you", 5_400), *during]
    held = held_by_heard(moved, sentences, heard, loud, energy, dtw)
    assert held[1].start_ms == 6_000 and held[1].confidence == 0.8


def test_a_heard_word_with_unheard_words_after_it_keeps_its_start() -> None:
    # "human rights. But as you know, the ...": "but as you know" unheard, "rights" is
    # followed by "the" 2.8 s on; its sound ends at the pause after it, so it is no
    # over-long word to move onto the next sentence; "the man", said one after the
    # other in the text, is moved as before
    from podpub.align.repair import Word
    from podpub.align.repaired import said_from, word_pairs

    pairs = word_pairs(["We fight for human rights.", "But as you know, the man left."])
    loud = np.ones(300, dtype=bool)
    loud[52:60] = False  # the pause after "rights" (1.04-1.2 s)
    loud[125:130] = False  # one between the unheard words (2.5-2.6 s)
    heard = [Word("human", 200), Word("rights", 700), Word("the", 3_500)]
    assert said_from(heard, loud, pairs)[1].start_ms == 700
    # heard on a sound too short to hold it (60 ms): only the text says that its sound
    # ends there; without the text it is over-long, and moves
    short = loud.copy()
    short[38:60] = False
    assert said_from(heard, short, pairs)[1].start_ms == 700
    assert said_from(heard, short)[1].start_ms > 700
    running = np.ones(300, dtype=bool)
    heard = [Word("the", 1_000), Word("man", 2_400), Word("left", 2_700)]
    assert said_from(heard, running, pairs)[0].start_ms == 1_800


def test_a_start_held_only_by_a_later_sentences_words_is_flagged() -> None:
    # none of the middle sentence's words heard: the bounds move its start out of the
    # text before, but where in the gap it starts is a guess, said as such
    from podpub.align.bounds import held_by_heard

    sentences = [
        BEFORE_TEXT,
        "Hello I am Karina Tehusijarana of the group.",
        AFTER_TEXT,
    ]
    heard = _heard_of(1_000, BEFORE_TEXT)
    heard += _heard_of(9_000, AFTER_TEXT)
    loud = np.zeros(1_000, dtype=bool)
    loud[50:230] = loud[300:420] = loud[450:800] = True
    energy = _energy(loud)
    spans = (
        SentenceSpan(1_000, 4_600, 1.0),
        SentenceSpan(2_000, 8_000, 1.0),  # inside the sentence before: too early
        SentenceSpan(9_000, 12_400, 1.0),
    )
    held = held_by_heard(spans, sentences, heard, loud, energy)
    assert held[1].start_ms >= 4_300 and held[1].confidence < 0.5
    assert held[2] == spans[2]


def test_a_start_its_first_word_times_does_not_move_back_over_another_heard_word() -> None:
    # a music note rises 0.3 s before "Printing", with no pause between: the recogniser
    # heard it as "to"; the start stays on the heard first word, not on the note's rise
    from podpub.align.repair import Word
    from podpub.align.repaired import repaired

    sentences = ["Printing, in the only sense with which we are at present concerned."]
    run = _heard_from(
        12_280, "printing in the only sense with which we are at present concerned", 250
    )
    loud = np.zeros(1_000, dtype=bool)
    loud[600:800] = True  # the note from 12.00 s, the speech on through it
    energy = _energy(loud)
    spans = (SentenceSpan(500, 17_000, 1.0),)
    alone = repaired(spans, sentences, run, loud, energy, np.array([True]))
    assert alone[0].start_ms == 12_000  # nothing else heard there: the sound's onset
    heard = [Word("to", 11_980), *run]
    kept = repaired(spans, sentences, heard, loud, energy, np.array([True]))
    assert kept[0].start_ms == 12_280


def test_a_first_word_heard_in_running_speech_does_not_move_a_start_after_a_pause() -> None:
    # the bundled narration: "... in September 2017." then 1.1 s of silence, then "And I
    # have been in post-exile since then": the recogniser heard the first "and" inside
    # the sentence before (a chance hearing), missed the real one; DTW's start, right
    # after the pause, leaves the words before the run the time they take
    from podpub.align.repair import Word
    from podpub.align.repaired import repaired

    sentences = [
        "And that's when I had to flee the country in 2017, in September 2017.",
        "And I have been in post-exile since then, and I am also sentenced to 47 years "
        "in prison for the charges that are so outrageous.",
    ]
    run = _heard_from(8_820, "also sentenced to forty seven years in prison for the charges", 250)
    heard = [
        Word("and", 3_640),
        Word("the", 4_240),
        Word("competed", 5_920),
        Word("since", 7_480),
        Word("then", 8_360),
        *run,
    ]
    loud = np.ones(1_000, dtype=bool)
    loud[227:281] = False  # 4.54 s to 5.62 s
    energy = _energy(loud)
    spans = (SentenceSpan(0, 4_540, 1.0), SentenceSpan(5_620, 14_000, 0.5))
    doubtful = np.array([False, True])
    assert repaired(spans, sentences, heard, loud, energy, doubtful)[1].start_ms == 5_620
    # the same word heard where a sound starts, after a pause: it times the start
    loud[170:182] = False
    paused = repaired(spans, sentences, heard, loud, energy, doubtful)
    assert paused[1].start_ms == 3_640


def test_a_first_word_heard_late_in_running_speech_does_not_move_a_start_after_a_pause() -> None:
    # an espeak-ng voice: "Before we get into the situation" begins at 10.0 s, after a
    # pause; the recogniser timed "before" 0.6 s late, inside the running sound
    from podpub.align.repaired import repaired

    sentences = ["Before we get into the situation in Cambodia, we would like to hear it."]
    heard = _heard_from(
        10_600, "before we get into the situation in cambodia we would like to hear it", 250
    )
    loud = np.ones(1_000, dtype=bool)
    loud[480:500] = False  # 9.6 s to 10.0 s
    energy = _energy(loud)
    spans = (SentenceSpan(10_000, 15_000, 1.0),)
    doubtful = np.array([True])
    assert repaired(spans, sentences, heard, loud, energy, doubtful) == spans
    # heard where a sound starts after a pause, the word times the start
    loud[520:530] = False
    assert repaired(spans, sentences, heard, loud, energy, doubtful)[0].start_ms == 10_600
