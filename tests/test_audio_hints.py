"""Transcript markers of audio the transcript does not hold ("[AD]", "[Music]", "(ad
break)"): set aside as not spoken, kept as hints between paragraphs, and used by the
aligner, which looks for the paragraph after a marker after the unscripted audio there.

The episode is made here with espeak-ng (two voices unlike the aligner's own) and ffmpeg,
with a 15-second sponsor read the transcript leaves out, marked "[AD]".
"""

from __future__ import annotations

import json
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
from showkit import FIRST, copy_show, tiny_source_fixture  # noqa: F401

from podpub.align import align_sentences
from podpub.cli import main
from podpub.transcripts import read_transcript
from podpub.transcripts.hints import is_audio_marker

RATE = 22050
VOICES = [("en-gb+f3", 140, 75), ("en-us+m7", 190, 30)]
PARAGRAPHS = (
    "Welcome back to the show, it is good to have you here with us again.",
    "Today we talk about rivers, bridges and the towns that grew up beside them.",
    "Our guest has walked the whole length of the river twice, in two different years.",
    "What did you learn on the second walk that you had missed on the first one?",
    "Mostly that the water never looks the same from one week to the next.",
)
AD_BEFORE = 3  # the sponsor read comes before this paragraph
AD = (
    "This episode is brought to you by Hearth and Kettle, fresh coffee beans delivered to "
    "your door every single week, roasted the day before they ship. Go to hearth and "
    "kettle dot com slash show and use the code show for twenty percent off your first "
    "order. That is hearth and kettle dot com slash show."
)


@pytest.mark.parametrize(
    "line",
    ["[AD]", "[Ad break]", "[Ad Break]", "[Advertisement]", "[Sponsor]", "[Music]",
     "[MUSIC PLAYING]", "(ad break)", "[Sponsor message]", "[mid-roll]"],
)  # fmt: skip
def test_ad_and_music_markers_are_hints(line: str) -> None:
    assert is_audio_marker(line)


@pytest.mark.parametrize(
    "line", ["[laughter]", "(laughs)", "[inaudible]", "(12:34)", "[Adam]", "Ad break", "[Ads for"]
)
def test_other_annotations_and_text_are_not(line: str) -> None:
    assert not is_audio_marker(line)


def test_a_marker_is_set_aside_and_placed_before_the_next_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "transcript.txt"
    path.write_text(
        "Episode Three\n\nOne paragraph is said here first.\n\nAnother follows it.\n\n"
        "[Ad Break]\n\nAfter the break we go on.\n\n[laughter]\n\nAnd we end.\n\n[Music]\n",
        "utf-8",
    )
    transcript = read_transcript(path)
    texts = [p.text for p in transcript.paragraphs]
    assert texts == [
        "One paragraph is said here first.",
        "Another follows it.",
        "After the break we go on.",
        "And we end.",
    ]
    assert [(s.line, s.text) for s in transcript.set_aside if s.reason == "annotation"] == [
        (7, "[Ad Break]"),
        (11, "[laughter]"),
        (15, "[Music]"),
    ]
    # the marker after the last paragraph marks nothing to look for; laughter is no hint
    assert [(h.line, h.text, texts[h.paragraph]) for h in transcript.hints] == [
        (7, "[Ad Break]", "After the break we go on.")
    ]


# ------------------------------------------------------------------ a real episode


def _require(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is not installed: apt-get install {tool} (CI installs it)")


def _speak(text: str, voice: tuple[str, int, int], out: Path) -> np.ndarray:
    name, speed, pitch = voice
    subprocess.run(
        ["espeak-ng", "-v", name, "-s", str(speed), "-p", str(pitch), "-w", str(out), text],
        check=True,
        capture_output=True,
    )
    with wave.open(str(out), "rb") as w:
        assert w.getframerate() == RATE
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
    loud = np.nonzero(np.abs(x) > 300)[0]
    return x[loud[0] : loud[-1] + 1] / 32768.0


def _episode_audio(folder: Path) -> tuple[list[int], int]:
    """Write the episode's audio.mp3: the paragraphs in alternating voices with pauses,
    the sponsor read (the same voice as the paragraph after it) before paragraph
    ``AD_BEFORE``. Returns each paragraph's true start and the read's (ms)."""
    rng = np.random.default_rng(5)
    pieces = [np.zeros(int(1.0 * RATE))]
    starts = []
    for n, text in enumerate(PARAGRAPHS):
        if n == AD_BEFORE:
            ad_start = round(sum(p.size for p in pieces) * 1000 / RATE)
            pieces += [_speak(AD, VOICES[n % 2], folder / "ad.wav"), np.zeros(int(0.5 * RATE))]
        pieces.append(np.zeros(int(rng.uniform(0.4, 0.9) * RATE)))
        starts.append(round(sum(p.size for p in pieces) * 1000 / RATE))
        pieces.append(_speak(text, VOICES[n % 2], folder / f"p{n}.wav"))
    pieces.append(np.zeros(RATE))
    signal = np.concatenate(pieces)
    signal += rng.normal(0.0, 0.003, signal.size)
    wav = folder / "episode.wav"
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(signal, -1, 1) * 32767).astype("<i2").tobytes())
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-b:a", "64k", str(folder / "audio.mp3")],
        check=True,
    )
    for made in folder.glob("*.wav"):
        made.unlink()
    return starts, ad_start


@pytest.fixture(scope="module")
def marked_show(
    tiny_source: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[int]]:
    """The tiny show whose episode is the sponsored clip, its transcript with "[AD]" where
    the read is; and the paragraphs' true starts."""
    _require("espeak-ng")
    _require("ffmpeg")
    root = copy_show(tiny_source, tmp_path_factory.mktemp("hinted") / "show")
    folder = root / "episodes" / FIRST
    truth, ad_start = _episode_audio(folder)
    lines = ["Rivers and Bridges", *PARAGRAPHS[:AD_BEFORE], "[AD]", *PARAGRAPHS[AD_BEFORE:]]
    (folder / "transcript.txt").write_text("\n\n".join(lines) + "\n", "utf-8")
    return root, truth, ad_start


def test_the_marker_lets_the_warp_put_the_ad_between_the_paragraphs(
    marked_show: tuple[Path, list[int], int],
) -> None:
    root, truth, _ = marked_show
    audio = root / "episodes" / FIRST / "audio.mp3"
    focus = list(range(len(PARAGRAPHS)))
    # the clip's point: the warp alone draws the paragraph after the read onto it ...
    unmarked = align_sentences(audio, PARAGRAPHS, "en", repair="off", focus=focus)
    assert truth[AD_BEFORE] - unmarked.spans[AD_BEFORE].start_ms > 2000
    # ... and told where the transcript marks it, puts the read in the pause before it
    marked = align_sentences(audio, PARAGRAPHS, "en", repair="off", focus=focus, hinted=[AD_BEFORE])
    errors = [abs(s.start_ms - t) for s, t in zip(marked.spans, truth, strict=True)]
    assert max(errors) <= 500, f"paragraph start errors (ms): {errors}"


def test_the_paragraph_after_a_marked_ad_starts_after_it(
    marked_show: tuple[Path, list[int], int], capsys: pytest.CaptureFixture[str]
) -> None:
    root, truth, ad_start = marked_show
    folder = str(root / "episodes" / FIRST)
    capsys.readouterr()
    assert main(["inspect", folder, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    starts = [p["start_ms"] for p in record["paragraphs"]]
    errors = [abs(s - t) for s, t in zip(starts, truth, strict=True)]
    assert errors[AD_BEFORE] <= 500, f"paragraph start errors (ms): {errors}"
    assert max(errors) <= 500, f"paragraph start errors (ms): {errors}"
    assert record["hints"] == [{"line": 9, "text": "[AD]", "paragraph": AD_BEFORE}]
    # recognition listens before a marked paragraph: the read is heard as unscripted
    [heard] = record["unscripted"]
    assert ad_start - 1000 <= heard["start_ms"] and heard["end_ms"] <= truth[AD_BEFORE]
    assert heard["end_ms"] - heard["start_ms"] >= 8000
    # the text view lists the marker with where the paragraph after it starts
    assert main(["inspect", folder]) == 0
    out = capsys.readouterr().out
    assert "marked in the transcript (audio it does not hold):" in out
    assert f"line 9 [AD], next paragraph at {starts[AD_BEFORE] / 1000:.3f}s" in out
    assert "line 9 annotation: [AD]" in out  # set aside: not spoken text
