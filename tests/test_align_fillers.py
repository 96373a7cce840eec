"""A paragraph start on a filler ("um", "you know", "I mean" said on its own before the
sentence) moves to the sentence's first words; the first sentence after an intro is timed
from the words heard after it; a sentence DTW put before the one before it (as repaired) is
heard where it would be."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from podpub.align.dtw import Path as DtwPath
from podpub.align.fillers import Sounds, after_fillers, island, opens_after
from podpub.align.records import SentenceSpan
from podpub.align.repair import Word


def _words(text: str, start_ms: int, step_ms: int = 250) -> list[Word]:
    return [Word(w, start_ms + step_ms * k) for k, w in enumerate(text.split())]


def _loud(speech: list[tuple[int, int]], total_ms: int) -> np.ndarray:
    frames = np.zeros(total_ms // 20, dtype=bool)
    for a, b in speech:
        frames[a // 20 : b // 20] = True
    return frames


def _sounds(loud: np.ndarray, text_pauses: Sequence[tuple[int, int]] = ()) -> Sounds:
    """DTW matched text frame k to audio frame k; the text pauses over ``text_pauses``
    (ms)."""
    k = np.arange(loud.size, dtype=np.int64)
    path = DtwPath(k, k, k, k, np.zeros(loud.size, dtype=np.float32))
    return Sounds(loud, path, _loud(list(text_pauses), loud.size * 20))


def test_words_after_the_pause_that_begin_the_sentence_make_the_sound_before_a_filler() -> None:
    sentence = "Thank you very much, Sochua, for that."
    # "I mean" heard as "and means"; "Thank you" as "and the", then "very much"
    before = _words("and means", 1_000)
    after = [*_words("and the", 2_000), *_words("very much for", 2_450)]
    assert opens_after(sentence, before, after, 2_000)
    # the sentence's own words heard after the pause, nothing heard before it
    assert opens_after("These things are small.", [], _words("these things are", 900), 900)


def test_the_sentences_own_first_words_before_the_pause_keep_its_start() -> None:
    # a stammer the text spells: "I" heard before the pause, "I stammered" after
    assert not opens_after(
        '"I—I—" stammered the girl.', _words("i", 0), _words("i stammered the", 600), 600
    )
    # "Thank" heard as "that": "you for having" right after the pause leaves no time for
    # "thank" there
    assert not opens_after(
        "Thank you for having me.", _words("that", 0), _words("you for", 500), 500
    )
    # "And even" heard as "the" before the pause; "then, and" after it comes too soon
    # after the pause for "and even" to be said there too
    after = [Word("the", 800), Word("then", 920), Word("and", 1_600)]
    assert not opens_after("And even then, and then for sure.", _words("the", 0), after, 800)
    # "message" heard before the pause: "really" after it stands for no word before it
    after = [Word("really", 620), Word("is", 1_260), Word("always", 1_400)]
    assert not opens_after("Our message is always clear.", _words("but message", 0), after, 600)
    assert opens_after("Our message is always clear.", _words("but", 0), after, 600)
    # nothing after the pause begins the sentence
    assert not opens_after("Thank you very much.", _words("um", 0), _words("so to", 600), 600)


def test_a_filler_is_a_short_sound_with_a_pause_after_it() -> None:
    # 0.4 s of sound, a 0.3 s pause, the sentence
    loud = _loud([(1_000, 1_400), (1_700, 4_000)], 6_000)
    assert island(loud, 1_000) == (50, 70, 85)
    # the pause after it no longer than a stop consonant's closure: one sound
    assert island(_loud([(1_000, 1_400), (1_500, 4_000)], 6_000), 1_000) is None
    # a sound longer than any filler
    assert island(_loud([(1_000, 2_600), (2_900, 4_000)], 6_000), 1_000) is None


def test_a_paragraph_start_on_a_filler_moves_to_the_sentences_first_words() -> None:
    sentences = ["The talk ends here.", "These things are really small things."]
    loud = _loud([(0, 1_500), (3_000, 3_500), (3_800, 6_000)], 8_000)
    energy = np.where(loud, -20.0, -70.0).astype(np.float32)
    spans = (SentenceSpan(0, 1_500, 1.0), SentenceSpan(3_000, 6_000, 1.0))
    heard = [*_words("the talk ends here", 0, 300), Word("um", 3_000)]
    heard += _words("these things are really", 3_800)
    sounds = _sounds(loud)
    out = after_fillers(spans, sentences, [(heard, [(0.0, 8.0)])], sounds, energy, [0, 1])
    assert out[0] == spans[0]
    assert out[1].start_ms == 3_800 and out[1].end_ms == 6_000
    # not heard there: judged by nothing, left as it was
    assert after_fillers(spans, sentences, [(heard, [(0.0, 4.0)])], sounds, energy, [1]) == spans
    # the text DTW matched to that pause pauses too (a comma): the speaker's own pause
    commas = _sounds(loud, [(3_450, 3_700)])
    assert commas.filler_at(3_000) is None and sounds.filler_at(3_000) == (150, 175, 190)
    assert after_fillers(spans, sentences, [(heard, [(0.0, 8.0)])], commas, energy, [1]) == spans


def test_the_first_sentence_after_intro_music_starts_at_the_words_heard_after_it() -> None:
    from podpub.align.anchors import anchored_starts

    sentences = [
        "You're now listening to Advocate by APHR, ASEAN Parliamentarians for Human Rights.",
        "I'm your host.",
    ]
    # the music heard as scattered words until 14.4 s; "you're now listening" misheard
    # from 16.2 s, then "to advocate by a p h r asean parliamentarians"
    heard = [Word("to", 9_640), Word("from", 11_480), Word("for", 14_360)]
    heard += [Word("and", 16_240), Word("into", 16_840)]
    heard += _words("to advocate by a p h r asean parliamentarians for human rights", 17_120, 230)
    anchor = anchored_starts(sentences, heard, [2_660, 30_000])[0]
    assert anchor is not None and abs(anchor.start_ms - 16_240) <= 20
    # the opening words not heard: a word heard 0.4 s before the run after a gap cannot
    # be the first of "you're now listening": the start stays as the run's rate times it
    unheard = [Word("for", 14_360), Word("and", 16_700), *heard[5:]]
    anchor = anchored_starts(sentences, unheard, [2_660, 30_000])[0]
    assert anchor is not None and abs(anchor.start_ms + anchor.lead_ms - 17_120) <= 2


def test_a_sentence_dtw_put_before_the_one_before_it_is_heard_where_it_would_be() -> None:
    from podpub.align.doubts import Doubts, after_moved_windows

    # DTW put the first sentence in the intro music at 5.3 s and the second 9.3 s after
    # it; the first was said at 15.6 s
    spans = [SentenceSpan(5_300, 13_800, 1.0), SentenceSpan(14_600, 19_100, 1.0)]
    repaired = [SentenceSpan(15_600, 22_000, 0.8), spans[1]]
    doubts = Doubts(np.array([True, True]), np.zeros(2, dtype=bool))
    heard = [(0.0, 25.6)]
    # around 15.6 + 9.3 s: from 6 s before to 8 s after, less what was heard
    assert after_moved_windows(spans, repaired, [True, False], doubts, [0, 1], heard) == [
        (25.6, 32.9)
    ]
    # settled by its own words, or the one before not moved past it: nothing more to hear
    assert after_moved_windows(spans, repaired, [True, True], doubts, [0, 1], heard) == []
    assert after_moved_windows(spans, spans, [True, False], doubts, [0, 1], heard) == []


def test_a_head_stretched_against_the_episodes_typical_fast_heads_is_doubtful() -> None:
    from podpub.align.doubts import doubts_of
    from podpub.align.features import Features
    from podpub.align.synth import Synthetic
    from podpub.align.warp import Warp

    def doubtful(heads: list[float]) -> list[bool]:
        # sentences of 100 synthetic frames (2 s), each first second said at ``heads``
        # audio frames per synthetic frame, the rest at the episode's rate (1.0)
        rows: list[int] = []
        cols: list[int] = []
        col = 0.0
        for k, rate in enumerate(heads):
            for r in range(100 * k, 100 * k + 100):
                step = rate if r - 100 * k < 50 else 1.0
                for c in range(int(col), max(int(col) + 1, int(col + step))):
                    rows.append(r)
                    cols.append(c)
                col += step
        r_, c_ = np.array(rows), np.array(cols)
        first = np.array([c_[r_ == r].min() for r in range(r_.max() + 1)])
        last = np.array([c_[r_ == r].max() for r in range(r_.max() + 1)])
        path = DtwPath(first, last, r_, c_, np.ones(r_.size, dtype=np.float32))
        n = len(heads)
        features = Features(np.zeros((100 * n, 40), np.float32), np.zeros(100 * n, np.float32))
        synthetic = Synthetic(features, np.arange(n) * 100, np.arange(n) * 100 + 100)
        starts = [int(first[100 * k]) * 20 for k in range(n)]
        spans = tuple(SentenceSpan(ms, ms + 2_000, 1.0) for ms in starts)
        loud = np.ones(int(c_.max()) + 1, dtype=bool)
        head = doubts_of(spans, synthetic, Warp(path, 1.0, 1.0), loud).head
        return [bool(h) for h in head]

    # heads said at the episode's rate: one 1.3 times slower is within the tolerance
    assert doubtful([1.0, 1.0, 1.3, 1.0, 1.0]) == [False] * 5
    # heads typically said faster (0.8): the same head is 1.6 times slower than those
    assert doubtful([0.8, 0.8, 1.3, 0.8, 0.8]) == [False, False, True, False, False]
    # heads typically slower (1.2) raise no threshold: 1.45 is doubtful as ever
    assert doubtful([1.2, 1.2, 1.45, 1.2, 1.2]) == [False, False, True, False, False]
