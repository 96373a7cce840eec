"""Where DTW's sentence starts are doubtful, and which stretches of the audio the
recogniser listens to for them (``repair="targeted"``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from podpub.align.onsets import starts_sound, word_between_pauses
from podpub.align.records import SentenceSpan
from podpub.align.repair import uncovered
from podpub.align.synth import Synthetic
from podpub.align.tuning import (
    CONFIDENCE_DOUBT,
    HEAD_COST_DOUBT,
    HEAD_S,
    HEAD_STRETCH_DOUBT,
    HOP_S,
    LONG_HEAD_S,
    LONG_HEAD_STRETCH_DOUBT,
    SANE_STRETCH_MIN,
    STRETCH_DOUBT,
    TARGET_AFTER_S,
    TARGET_BEFORE_S,
    TARGET_END_S,
    TARGET_FAR_S,
    TARGET_GAP_S,
)
from podpub.align.warp import Warp, row_costs

F64 = npt.NDArray[np.float64]


def _head_doubts(synthetic: Synthetic, warp: Warp) -> tuple[F64, F64, F64]:
    """Per sentence, how its first second matched: audio frames per synthetic frame
    (relative to the episode's speaking rate) and mean distance (relative to a typical
    match); and the audio frames per synthetic frame of its first ``LONG_HEAD_S``.
    Unscripted audio before a sentence shows as a stretched or poorly matched head; an
    aside DTW matched partly to the first words shows as a stretch a few seconds in."""
    path = warp.path
    count = synthetic.onsets.size
    stretch = np.ones(count)
    cost = np.ones(count)
    long_stretch = np.ones(count)
    row_cost, row_n = row_costs(path)

    def stretch_of(s: int, k: int) -> float:  # rows s .. s + k - 1
        frames = int(path.last[s + k - 1]) + 1 - int(path.first[s])
        return frames / k / warp.speaking_ratio

    head = round(HEAD_S / HOP_S)
    long_head = round(LONG_HEAD_S / HOP_S)
    for i in range(count):
        s, e = int(synthetic.onsets[i]), int(synthetic.ends[i])
        if s < 0:
            continue
        k = max(1, min(e - s, head))
        stretch[i] = stretch_of(s, k)
        cost[i] = row_cost[s : s + k].sum() / max(1, row_n[s : s + k].sum()) / warp.typical
        long_stretch[i] = stretch_of(s, max(1, min(e - s, long_head)))
    return stretch, cost, long_stretch


@dataclass(frozen=True)
class Doubts:
    """Per sentence: whether DTW's start (its first second, or its first 3 s) or its whole
    span looks doubtful. Unscripted audio before a sentence shows as a stretched or poorly
    matched head; inside it, as a stretched sentence or a poor match."""

    head: npt.NDArray[np.bool_]
    span: npt.NDArray[np.bool_]


def doubts_of(
    spans: Sequence[SentenceSpan],
    synthetic: Synthetic,
    warp: Warp,
    loud: npt.NDArray[np.bool_],
    focus: Collection[int] = (),
) -> Doubts:
    """Per sentence, whether its head or its whole span DTW matched doubtfully. A head is
    also doubtful when DTW started it after a pause that follows a word on its own (no
    longer than a head) after a longer pause: DTW's match cannot tell which sentence such
    a word ends or begins (a reader's "... [pause] two [pause] persons under sentence").
    (Not when DTW started it on such a word itself: that word is mostly the sentence's
    own, a stammered '"I--I--" stammered the girl', and doubting it let a lead timed
    from the run move the start past it.) And a ``focus`` sentence (a paragraph's first) is doubtful
    where DTW started it inside a sound, not where one starts after a pause: a reader
    pauses between paragraphs, and a start DTW put a word or two into the paragraph
    ("Her mother | was three months") matched its first words to the sentence before.
    So is the head of a sentence DTW gave less than half the time its synthetic speech
    takes at the episode's rate: squeezed onto a pause or the sentence before's tail."""
    paragraphs = set(focus)
    head_stretch, head_cost, long_stretch = _head_doubts(synthetic, warp)
    # stretches against the episode's typical head where that is faster than its rate:
    # a voice may say a sentence's first words faster than its speech overall, against
    # the synthetic one (Festival's heads: 0.89 of its rate), and an aside before a head
    # stretches it less than the thresholds expect; never laxer (a slower typical head
    # raised no threshold: a head that slow was already worth hearing)
    spoken = synthetic.onsets >= 0
    typical = min(1.0, float(np.median(head_stretch[spoken]))) if spoken.any() else 1.0
    typical_long = min(1.0, float(np.median(long_stretch[spoken]))) if spoken.any() else 1.0
    head = (
        (head_stretch > HEAD_STRETCH_DOUBT * typical)
        | (head_cost > HEAD_COST_DOUBT)
        | (long_stretch > LONG_HEAD_STRETCH_DOUBT * typical_long)
    )
    head_frames = round(HEAD_S / HOP_S * warp.speaking_ratio)
    for i, sp in enumerate(spans):
        start = round(sp.start_ms / 1000 / HOP_S)
        lone = word_between_pauses(loud, start, head_frames)
        head[i] = head[i] or lone or (i in paragraphs and not starts_sound(loud, start))
    span = np.zeros(len(spans), dtype=bool)
    for i, sp in enumerate(spans):
        s, e = int(synthetic.onsets[i]), int(synthetic.ends[i])
        if s < 0:
            head[i] = False
            continue
        stretch = (sp.end_ms - sp.start_ms) / 1000.0 / max(HOP_S, (e - s) * HOP_S)
        span[i] = stretch > STRETCH_DOUBT * warp.speaking_ratio or sp.confidence < CONFIDENCE_DOUBT
        # given less than half the time its words take at the episode's rate: DTW matched
        # it to a pause or to the sentence before's tail ("Three." read alone)
        head[i] = head[i] or stretch < SANE_STRETCH_MIN * warp.speaking_ratio
    return Doubts(head, span)


def doubtful_windows(
    spans: Sequence[SentenceSpan],
    doubts: Doubts,
    focus: Sequence[int],
    duration_s: float,
    after_s: float = TARGET_AFTER_S,
) -> list[tuple[float, float]]:
    """Stretches of the audio (seconds) worth recognising: around the start of each focus
    sentence whose head DTW matched doubtfully (up to ``after_s`` after it, back over the
    pause before it), and over each doubtful sentence.

    A start DTW matched well is not heard: recognised words never move it (``repaired``);
    on the benchmark, hearing such starts bettered none and worsened two (a noise burst
    heard as a word), at a third of the recogniser's time."""
    out: list[tuple[float, float]] = []
    for i in sorted(set(focus)):
        if 0 <= i < len(spans) and doubts.head[i]:
            t = spans[i].start_ms / 1000.0
            # back over the gap DTW left before it (music, a long pause): the sentence
            # may have started in it
            before_i = spoken_before(spans, i)
            gap_start = spans[before_i].end_ms / 1000.0 if before_i >= 0 else 0.0
            before = min(t - TARGET_BEFORE_S, max(gap_start, t - TARGET_GAP_S))
            out.append((before, t + after_s))
    for i, span in enumerate(spans):
        if doubts.span[i]:
            end = max(span.end_ms / 1000.0, span.start_ms / 1000.0 + TARGET_AFTER_S)
            out.append((span.start_ms / 1000.0 - TARGET_BEFORE_S, end + TARGET_END_S))
    return [(max(0.0, a), min(duration_s, b)) for a, b in out if b > a]


def farther_windows(
    spans: Sequence[SentenceSpan],
    settled: Sequence[bool],
    doubts: Doubts,
    focus: Sequence[int],
    heard_windows: Sequence[tuple[float, float]],
) -> list[tuple[float, float]]:
    """For each doubtful focus sentence that the first recognition did not settle (its
    words neither confirmed DTW's start nor moved it), the audio from ``TARGET_FAR_S``
    before its DTW start to ``TARGET_AFTER_S`` after it, where not yet heard: DTW may have
    put it late (after an ad) or early (before an aside); and for each doubtful sentence
    not settled, ``TARGET_FAR_S`` after its DTW end."""
    out = []
    for i in sorted(set(focus)):
        if 0 <= i < len(spans) and doubts.head[i] and not settled[i]:
            t = spans[i].start_ms / 1000.0
            out.append((max(0.0, t - TARGET_FAR_S), t + TARGET_AFTER_S))
    for i, span in enumerate(spans):
        if doubts.span[i] and not settled[i]:
            # DTW may have given most of it to unscripted audio and squeezed the sentence
            # itself into its last moments: its words go on after DTW's end
            end = span.end_ms / 1000.0
            out.append((end, end + TARGET_FAR_S))
    return uncovered(out, heard_windows)


def after_moved_windows(
    spans: Sequence[SentenceSpan],
    repaired: Sequence[SentenceSpan],
    settled: Sequence[bool],
    doubts: Doubts,
    focus: Sequence[int],
    heard_windows: Sequence[tuple[float, float]],
) -> list[tuple[float, float]]:
    """For each doubtful focus sentence not settled whose DTW start lies before the
    sentence before it as repaired (DTW had put that one early, into an intro's music,
    and this one with it): the audio around where it would be, as far after that
    sentence's repaired start as DTW had it after DTW's start of it (``TARGET_FAR_S``
    before, ``TARGET_AFTER_S`` after), where not yet heard."""
    out = []
    for i in sorted(set(focus)):
        if not (0 <= i < len(spans) and doubts.head[i] and not settled[i]):
            continue
        before = spoken_before(spans, i)
        if before < 0 or repaired[before].start_ms <= spans[i].start_ms:
            continue
        shift = spans[i].start_ms - spans[before].start_ms
        t = (repaired[before].start_ms + shift) / 1000.0
        out.append((max(0.0, t - TARGET_FAR_S), t + TARGET_AFTER_S))
    return uncovered(out, heard_windows)


def spoken_before(spans: Sequence[SentenceSpan], i: int) -> int:
    """The sentence before sentence ``i``, skipping unspeakable ones (no span of their
    own: they end where the next starts); -1 when there is none."""
    before = i - 1
    while before >= 0 and spans[before].end_ms >= spans[i].start_ms:
        before -= 1
    return before
