"""Unscripted audio found as such: speech the recogniser heard that matches no transcript
words in order (an ad read) is a stretch; its chance runs of common words anchor nothing."""

from __future__ import annotations

from podpub.align.anchors import anchored_starts
from podpub.align.repair import Word
from podpub.align.unscripted import unscripted_stretches, without

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
