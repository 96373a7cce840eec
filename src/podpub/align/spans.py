"""DTW's sentence spans: each sentence's onset in the synthetic audio mapped through the
warp, then moved to the speech onset nearby; confidence from the local match cost and the
speaking-rate sanity of the sentence."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from podpub.align.features import Features
from podpub.align.onsets import speech_onset
from podpub.align.records import SentenceSpan
from podpub.align.synth import Synthetic
from podpub.align.tuning import (
    CONFIDENCE_FALLOFF,
    CONFIDENCE_WINDOW,
    HOP_S,
    LOCAL_COST_CAP,
    MATCH_TOLERANCE,
    SANE_STRETCH_MAX,
    SANE_STRETCH_MIN,
)
from podpub.align.warp import Warp, row_costs


def dtw_spans(
    warp: Warp, synthetic: Synthetic, audio: Features, loud: npt.NDArray[np.bool_], count: int
) -> tuple[SentenceSpan, ...]:
    frame_ms = HOP_S * 1000.0
    path, typical = warp.path, warp.typical
    starts = np.full(count, -1, dtype=np.int64)
    stops = np.full(count, -1, dtype=np.int64)
    confidence = np.zeros(count)
    mean_costs = np.zeros(count)
    sanity = np.ones(count)
    speakable = np.nonzero(synthetic.onsets >= 0)[0]
    row_cost, row_count = row_costs(path)
    for i in speakable.tolist():
        s, e = int(synthetic.onsets[i]), max(int(synthetic.ends[i]), int(synthetic.onsets[i]) + 1)
        j0 = int(path.first[s])
        j1 = int(path.last[e - 1]) + 1
        j0r = speech_onset(loud, audio.energy_db, j0)
        starts[i] = j0r
        stops[i] = max(j1, j0r + 1)
        mean_costs[i] = float(row_cost[s:e].sum() / max(1, row_count[s:e].sum()))
        slope = (j1 - j0) / max(1, e - s) / warp.speaking_ratio
        sanity[i] = (
            1.0
            if SANE_STRETCH_MIN <= slope <= SANE_STRETCH_MAX
            else float(np.exp(-abs(np.log(max(slope, 1e-3)))))
        )
    # A sentence's match is judged against the sentences around it, not the whole episode:
    # one speaker's voice can sit farther from the synthetic voice than another's all
    # through an episode, which says nothing about where the sentences were placed.
    for i in speakable.tolist():
        window = speakable[max(0, i - CONFIDENCE_WINDOW) : i + CONFIDENCE_WINDOW + 1]
        window = window[(window >= i - CONFIDENCE_WINDOW) & (window <= i + CONFIDENCE_WINDOW)]
        local = float(np.median(mean_costs[window])) if window.size else typical
        reference = max(min(local, LOCAL_COST_CAP * typical), typical, 1e-6)
        # voices differ: only a match far worse than its neighbours' lowers confidence
        match = float(
            np.exp(-max(0.0, mean_costs[i] / reference - MATCH_TOLERANCE) * CONFIDENCE_FALLOFF)
        )
        confidence[i] = max(0.0, min(1.0, match * sanity[i]))
    # unspeakable sentences take the next sentence's start (or the previous end)
    next_start = int(audio.frames)
    for i in range(count - 1, -1, -1):
        if starts[i] < 0:
            starts[i] = next_start
            stops[i] = next_start
        else:
            next_start = int(starts[i])
    starts = np.maximum.accumulate(starts)
    stops = np.maximum(stops, starts)
    return tuple(
        SentenceSpan(
            round(int(starts[i]) * frame_ms),
            round(int(stops[i]) * frame_ms),
            round(float(confidence[i]), 3),
        )
        for i in range(count)
    )
