"""Sentence starts held between the words heard around them: a start DTW put before the
previous sentence's heard words, or after its own, moves to the pause between them."""

from __future__ import annotations

import numpy as np

from podpub.align.bounds import heard_in_order, held_by_heard
from podpub.align.records import SentenceSpan
from podpub.align.repair import Word

SENTENCES = [
    "Printing in the only sense with which we are at present concerned differs from most arts.",
    "The forms of printed letters should be beautiful and their arrangement reasonable.",
    "That the forms of printed letters should follow those of the written character closely.",
]
FRAME_MS = 20


def _said(sentence: str, start_ms: int, step_ms: int = 300) -> list[Word]:
    words = [w.strip(".,").lower() for w in sentence.split()]
    return [Word(w, start_ms + k * step_ms) for k, w in enumerate(words)]


def _loud(speech: list[tuple[int, int]], total_ms: int) -> np.ndarray:
    loud = np.zeros(total_ms // FRAME_MS, dtype=bool)
    for a, b in speech:
        loud[a // FRAME_MS : b // FRAME_MS] = True
    return loud


def _case(second_at: int) -> tuple[list[Word], np.ndarray, np.ndarray]:
    """Sentence 1 said from 0 s (4.2 s), a 12 s unscripted read from 5.2 s, sentence 2
    from ``second_at`` (3.6 s), sentence 3 2 s after it; speech loud, pauses quiet."""
    third = second_at + 5600
    heard = [*_said(SENTENCES[0], 0), *_said(SENTENCES[1], second_at), *_said(SENTENCES[2], third)]
    speech = [(0, 4200), (5200, 17200), (second_at, second_at + 3600), (third, third + 4500)]
    loud = _loud(speech, third + 6000)
    energy = np.where(loud, -20.0, -60.0).astype(np.float32)
    return heard, loud, energy


def test_a_start_dtw_put_on_unscripted_audio_moves_to_the_pause_before_its_words() -> None:
    heard, loud, energy = _case(18200)
    dtw = (
        SentenceSpan(0, 4200, 1.0),
        SentenceSpan(5200, 21800, 1.0),
        SentenceSpan(23800, 28300, 1.0),
    )
    out = held_by_heard(dtw, SENTENCES, heard, loud, energy)
    assert out[0].start_ms == 0
    assert abs(out[1].start_ms - 18200) <= FRAME_MS  # after the read, not at its start
    assert out[2].start_ms == 23800


def test_a_start_dtw_put_late_inside_its_own_words_moves_back() -> None:
    heard, loud, energy = _case(18200)
    # DTW started the second sentence 2 s into it (its first words heard before)
    dtw = (
        SentenceSpan(0, 4200, 1.0),
        SentenceSpan(20200, 21800, 1.0),
        SentenceSpan(23800, 28300, 1.0),
    )
    out = held_by_heard(dtw, SENTENCES, heard, loud, energy)
    assert abs(out[1].start_ms - 18200) <= FRAME_MS


def test_starts_within_their_bounds_stay_where_they_are() -> None:
    heard, loud, energy = _case(18200)
    dtw = (
        SentenceSpan(0, 4200, 1.0),
        SentenceSpan(18240, 21800, 0.9),
        SentenceSpan(23760, 28300, 1.0),
    )
    assert held_by_heard(dtw, SENTENCES, heard, loud, energy) == dtw


def test_runs_heard_out_of_order_bound_nothing() -> None:
    """A run heard by chance far from where the text is said (the third sentence's words
    before the first's) is not one of the words in order that set bounds."""
    stray = _said(SENTENCES[2], 100_000)[:5]
    heard = [*_said(SENTENCES[0], 0), *_said(SENTENCES[1], 6000), *_said(SENTENCES[2], 12000)]
    words, _ = heard_in_order(SENTENCES, [*heard, *stray], [0, 6000, 12000])
    times = [w.start_ms for w in words]
    assert times == sorted(times)
    assert all(t < 100_000 for t in times)


def test_a_start_inside_unscripted_audio_moves_after_it() -> None:
    """DTW started the second sentence inside the unscripted read, none of its words
    heard (the bounds of the words heard around allow it there); told that audio is
    unscripted, it starts after the read, at the pause before the sentence (a guess
    between the words around: still flagged)."""
    heard, loud, energy = _case(18200)
    own = {w.text for w in _said(SENTENCES[1], 0)} - {w.text for w in _said(SENTENCES[0], 0)}
    unheard = [w for w in heard if not 18200 <= w.start_ms < 23800 or w.text not in own]
    dtw = (
        SentenceSpan(0, 4200, 1.0),
        SentenceSpan(10_000, 21_800, 1.0),
        SentenceSpan(23800, 28300, 1.0),
    )
    assert held_by_heard(dtw, SENTENCES, unheard, loud, energy)[1].start_ms == 10_000
    out = held_by_heard(dtw, SENTENCES, unheard, loud, energy, unscripted=[(5200, 17_200)])
    assert abs(out[1].start_ms - 18200) <= FRAME_MS and out[1].confidence < 0.5
    assert out[2].start_ms == 23800
