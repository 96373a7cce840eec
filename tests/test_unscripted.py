"""Unscripted audio found as such: speech the recogniser heard that matches no transcript
words in order (an ad read) is a stretch; its chance runs of common words anchor nothing."""

from __future__ import annotations

import numpy as np
import pytest

from podpub.align.anchors import anchored_starts
from podpub.align.dtw import Path as DtwPath
from podpub.align.features import Features
from podpub.align.repair import Word
from podpub.align.synth import Synthetic
from podpub.align.unscripted import Explained, unscripted_stretches, without
from podpub.align.warp import Warp

SENTENCES = [
    "Printing in the only sense with which we are at present concerned differs from most arts.",
    "The forms of printed letters should be beautiful and their arrangement reasonable.",
    "That the forms of printed letters should follow those of the written character closely.",
]


def _said(sentence: str, start_ms: int, step_ms: int = 300) -> list[Word]:
    words = [w.strip(".,").lower() for w in sentence.split()]
    return [Word(w, start_ms + k * step_ms) for k, w in enumerate(words)]


def _ad(start_ms: int) -> list[Word]:
    """What a recogniser bound to the transcript's words makes of 15 s of an ad read:
    its words out of order, with one chance run of three ("the forms of")."""
    jumble = (
        "printed most years arts which sense with letters character beautiful follow "
        "closely differs written the forms of those reasonable at which printing present "
        "only concerned be arrangement should their most with in we"
    ).split()
    return [Word(w, start_ms + k * 500) for k, w in enumerate(jumble)]


def test_an_ad_read_is_one_unscripted_stretch_and_anchors_nothing() -> None:
    heard = [*_said(SENTENCES[0], 0), *_ad(6000), *_said(SENTENCES[1], 24000)]
    starts = [0, 10000, 30000]  # DTW put the second sentence inside the ad
    stretches = unscripted_stretches(heard, [(0.0, 40.0)], SENTENCES, starts)
    assert len(stretches) == 1
    stretch = stretches[0]
    assert 6000 <= stretch.start_ms <= 6500
    assert 20000 <= stretch.end_ms <= 24000  # ends before the transcript goes on
    assert not stretch.open
    # all words heard: the chance run inside the ad may anchor the second sentence there;
    # without the stretch's words, only its own words (at 24 s) do
    anchors = anchored_starts(SENTENCES, without(heard, stretches), starts, keep_agreeing=True)
    assert anchors[1] is not None and anchors[1].start_ms == 24000


def test_transcript_speech_heard_well_holds_no_stretch() -> None:
    heard = [*_said(SENTENCES[0], 0), *_said(SENTENCES[1], 6000), *_said(SENTENCES[2], 12000)]
    assert unscripted_stretches(heard, [(0.0, 20.0)], SENTENCES, [0, 6000, 12000]) == []


def test_a_stretch_running_to_the_end_of_what_was_heard_is_open() -> None:
    heard = [*_said(SENTENCES[0], 0), *_ad(6000)]
    stretches = unscripted_stretches(heard, [(0.0, 21.0)], SENTENCES, [0, 10000, 30000])
    assert len(stretches) == 1 and stretches[0].open


def _warp(text_frames_at: list[int], audio_frames: int) -> tuple[Synthetic, Warp]:
    """A warp (20 ms frames, one audio frame per text frame) of one synthetic sentence
    whose frames map to ``text_frames_at`` (audio frames, increasing); the audio runs to
    ``audio_frames``."""
    first = np.array(text_frames_at, dtype=np.int64)
    path = DtwPath(
        first, first.copy(), first.copy(), first.copy(), np.zeros(first.size, np.float32)
    )
    mel = np.zeros((audio_frames, 1), dtype=np.float32)
    features = Features(mel, np.zeros(audio_frames, dtype=np.float32))
    one = np.array([0], dtype=np.int64)
    return Synthetic(features, one, np.array([first.size], dtype=np.int64)), Warp(path, 1.0, 1.0)


def test_unmatched_words_are_unscripted_only_where_the_warp_leaves_time_unexplained() -> None:
    heard = [*_said(SENTENCES[0], 0), *_ad(6000), *_said(SENTENCES[1], 24000)]
    starts = [0, 10000, 30000]
    # the transcript text placed over the whole audio at the episode's rate: what the
    # recogniser made of it is transcript speech heard poorly
    spoken = Explained(*_warp(list(range(2000)), 2000))
    assert spoken.share(6000, 20000) == pytest.approx(1.0)
    assert unscripted_stretches(heard, [(0.0, 40.0)], SENTENCES, starts, spoken) == []
    # the warp put 14 s of the audio (6 s to 20 s) between two text frames: unexplained
    gap = Explained(*_warp([*range(300), *range(1000, 2700)], 2000))
    assert gap.share(6000, 20000) < 0.1
    [stretch] = unscripted_stretches(heard, [(0.0, 40.0)], SENTENCES, starts, gap)
    assert 6000 <= stretch.start_ms <= 6500 and 20000 <= stretch.end_ms <= 24000


def test_a_stretch_ends_at_the_pause_after_which_the_transcript_resumes() -> None:
    # an aside (unmatched words), 1.9 s without a word, then "This steward was
    # practically supreme." heard as "this through was practically supreme" (a run the
    # aside before outweighs), then "already": the stretch ends before the pause
    from podpub.align.unscripted import _before_resuming

    texts = "thousand arrived revelry whatever ninety this through practically supreme already"
    times = [18_140, 19_160, 20_460, 22_220, 22_600, 24_560, 24_760, 26_080, 26_580, 27_480]
    words = [Word(w, ms) for w, ms in zip(texts.split(), times, strict=True)]
    flags = [False] * 7 + [True, True, False]
    heard_ms = sorted([*times, 25_800])  # "was", too short to weigh, heard too
    assert _before_resuming(words, flags, 0, 9, heard_ms) == 4  # "ninety"
    # no transcript run after the pause: the stretch goes on over it
    assert _before_resuming(words, [False] * 10, 0, 9, heard_ms) == 9
    # no pause: one stretch
    close = [Word(w.text, 18_140 + 400 * k) for k, w in enumerate(words)]
    assert _before_resuming(close, flags, 0, 9, [w.start_ms for w in close]) == 9
