"""The warp of the synthetic frames onto the episode's: DTW at two or three levels.

A full DTW on coarse (~0.3 s) frames, then DTW on 20 ms frames in a band around the
coarse path, so memory stays bounded. The start and end are open (intro music, outro),
with a cost per skipped frame calibrated from a first, anchored coarse pass; the silences
between sentences may absorb audio (music, long pauses) at the same price per frame.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from podpub.align.dtw import Path as DtwPath
from podpub.align.dtw import band_from_path, dtw, dtw_in_two
from podpub.align.tuning import (
    CALIBRATION_BAND,
    CALIBRATION_PART,
    CALIBRATION_ROWS,
    COARSE,
    COARSE_CELL_BUDGET,
    FINE_RADIUS,
    GAP_FACTOR,
    HINTED_GAP_FACTOR,
    HOP_S,
    MID_RADIUS,
    MIN_BAND,
    OPEN_BAND,
    SKIP_FACTOR,
    SPEAKING_RATIO_MAX,
    SPEAKING_RATIO_MIN,
    SPLIT_MIN_S,
    SPLIT_OVERLAP_S,
)

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


def _pool(x: F32, factor: int) -> F32:
    """Average ``factor`` consecutive frames (the last block may be shorter)."""
    if factor == 1:
        return x
    n = -(-x.shape[0] // factor)
    pad = n * factor - x.shape[0]
    padded = np.concatenate([x, np.repeat(x[-1:], pad, axis=0)]) if pad else x
    return np.ascontiguousarray(padded.reshape(n, factor, x.shape[1]).mean(axis=1))


# ---------------------------------------------------------------------------- alignment


def _levels(n: int, m: int) -> list[int]:
    """Frame sizes of the DTW levels, coarse to fine (in 20 ms frames)."""
    coarse = COARSE
    while (n / coarse) * (m / coarse) > COARSE_CELL_BUDGET:
        coarse += COARSE
    levels = [coarse]
    if coarse > COARSE:
        levels.append(COARSE)
    levels.append(1)
    return levels


def _pool_mask(mask: npt.NDArray[np.bool_], factor: int) -> npt.NDArray[np.bool_]:
    """A pooled row is marked when any of its rows is."""
    n = -(-mask.size // factor)
    padded = np.concatenate([mask, np.zeros(n * factor - mask.size, dtype=bool)])
    return np.asarray(padded.reshape(n, factor).any(axis=1))


@dataclass(frozen=True)
class Warp:
    """The fine path, the typical distance of a matched fine frame, and the speaking-rate
    ratio (audio frames per text frame over the whole speech)."""

    path: DtwPath
    typical: float
    speaking_ratio: float


def _speaking_ratio(path: DtwPath, speech_rows: I64) -> float:
    """Audio frames per text frame between the first and the last speech row."""
    if speech_rows.size < 2:
        return 1.0
    r0, r1 = int(speech_rows[0]), int(speech_rows[-1])
    span = int(path.first[r1]) - int(path.first[r0])
    if r1 <= r0 or span <= 0:
        return 1.0
    return float(np.clip(span / (r1 - r0), SPEAKING_RATIO_MIN, SPEAKING_RATIO_MAX))


def warp(
    a: F32,
    b: F32,
    gap_rows: npt.NDArray[np.bool_],
    progress: Callable[[float], None],
    hinted_rows: npt.NDArray[np.bool_] | None = None,
) -> Warp:
    """``warp_levels``, with a second process for the long DTWs when there is a core to
    spare (the DTW runs on one)."""
    if (os.cpu_count() or 1) < 2 or a.shape[0] * HOP_S < SPLIT_MIN_S:
        return warp_levels(a, b, gap_rows, progress, None, hinted_rows)
    with ProcessPoolExecutor(max_workers=1) as pool:
        return warp_levels(a, b, gap_rows, progress, pool, hinted_rows)


def warp_levels(
    a: F32,
    b: F32,
    gap_rows: npt.NDArray[np.bool_],
    progress: Callable[[float], None],
    pool: ProcessPoolExecutor | None,
    hinted_rows: npt.NDArray[np.bool_] | None = None,
) -> Warp:
    """The fine path of ``a`` (text frames) against ``b`` (audio frames).

    The coarsest level is a full DTW, first anchored at both ends (the typical distance of
    a matched frame, which prices a skipped frame), then with an open start and end. Each
    finer level runs in a band around the coarser path, twice: the first pass calibrates
    the typical distance at that level. ``gap_rows`` (the silences between sentences) may
    absorb audio that is not in the text at ``GAP_FACTOR`` times the typical distance;
    ``hinted_rows`` (the silences where the transcript marks an ad or music) at
    ``HINTED_GAP_FACTOR`` times, less than elsewhere.
    """
    levels = _levels(a.shape[0], b.shape[0])
    path: DtwPath | None = None
    typical = 0.0
    share = 1.0 / (len(levels) + 1)
    prev_factor = levels[0]
    for k, factor in enumerate(levels):
        ca, cb = _pool(a, factor), _pool(b, factor)
        level_gap = np.where(_pool_mask(gap_rows, factor), GAP_FACTOR, np.inf)
        if hinted_rows is not None:
            level_gap[_pool_mask(hinted_rows, factor)] = HINTED_GAP_FACTOR

        def part(f: float, _base: float = (k + 1) * share) -> None:
            progress(_base + share * f)

        final_part: Callable[[float], None] = part
        if path is None:
            typical, lo, hi = _open_band(ca, cb, factor, lambda f: progress(share * f))
        else:
            typical, lo, hi = _calibrated_band(
                path,
                prev_factor // factor,
                factor,
                ca,
                cb,
                level_gap,
                lambda f: part(0.25 * f),
                pool,
            )
            final_part = functools.partial(_rescaled, part, 0.25)
        # only the finest level runs in halves: its band is narrow, and paths from different
        # starts meet within seconds
        path = _calibrated_dtw(
            ca, cb, lo, hi, typical, level_gap, final_part, pool, factor, split=factor == 1
        )
        prev_factor = factor
    assert path is not None
    speaking = _speaking_ratio(path, np.nonzero(~gap_rows)[0])
    return Warp(path, float(np.median(path.cost)), speaking)


def _open_band(
    ca: F32, cb: F32, factor: int, progress: Callable[[float], None]
) -> tuple[float, I64, I64]:
    """The coarsest level's typical distance of a matched frame (from a DTW anchored at
    both ends: it prices a skipped frame) and the band of its open pass."""
    # the anchored pass only calibrates: a band around the diagonal holds its path at
    # half the cost
    dlo, dhi = _diagonal_band(ca.shape[0], cb.shape[0], CALIBRATION_BAND)
    anchored = _banded_dtw(
        ca,
        cb,
        dlo,
        dhi,
        factor,
        None,
        None,
        None,
        progress,
        None,
        split=False,  # a wide band: halves with different starts need not meet
    )
    typical = float(np.median(anchored.cost))
    # the open pass stays near the anchored path (which absorbs an intro or outro as a
    # stretch of its first or last rows): a band of OPEN_BAND either side
    lo, hi = band_from_path(
        anchored, 1, ca.shape[0], cb.shape[0], max(MIN_BAND, round(OPEN_BAND * cb.shape[0]))
    )
    return typical, lo, hi


def _calibrated_band(
    path: DtwPath,
    ratio: int,
    factor: int,
    ca: F32,
    cb: F32,
    level_gap: F64,
    progress: Callable[[float], None],
    pool: ProcessPoolExecutor | None,
) -> tuple[float, I64, I64]:
    """A finer level's band around the coarser ``path`` (``ratio`` times coarser), and
    the typical distance of a matched frame at this level."""
    radius = FINE_RADIUS if factor == 1 else MID_RADIUS * ratio
    lo, hi = band_from_path(path, ratio, ca.shape[0], cb.shape[0], radius)
    rows = np.arange(ca.shape[0])
    cols = np.clip(
        path.first[np.minimum(rows // ratio, path.first.size - 1)] * ratio,
        0,
        cb.shape[0] - 1,
    )
    diff = ca - cb[cols]
    typical = float(np.median(np.sqrt(np.einsum("ij,ij->i", diff, diff))))
    del diff
    # the distances along the coarser path overrate a matched frame at this level:
    # calibrate the skip and gap costs from a first pass over a part of the rows
    # (a third, at least CALIBRATION_ROWS): the typical match is the same throughout
    rows_used = min(ca.shape[0], max(CALIBRATION_ROWS, ca.shape[0] // CALIBRATION_PART))
    first = _calibrated_dtw(
        ca[:rows_used],
        cb,
        lo[:rows_used],
        hi[:rows_used],
        typical,
        level_gap[:rows_used],
        progress,
        pool,
        factor,
        split=factor == 1,
    )
    return float(np.median(first.cost)), lo, hi


def _diagonal_band(n: int, m: int, share: float) -> tuple[I64, I64]:
    """Columns within ``share`` of ``m`` of the straight line from (0, 0) to (n-1, m-1)."""
    diagonal = np.arange(n) * (m - 1) / max(1, n - 1)
    half = max(share * m, float(MIN_BAND))
    lo = np.clip(np.floor(diagonal - half), 0, m - 1).astype(np.int64)
    hi = np.clip(np.ceil(diagonal + half) + 1, 1, m).astype(np.int64)
    lo[0], hi[-1] = 0, m
    return lo, hi


def _rescaled(progress: Callable[[float], None], base: float, f: float) -> None:
    progress(base + (1.0 - base) * f)


def _calibrated_dtw(
    ca: npt.NDArray[np.float32],
    cb: npt.NDArray[np.float32],
    lo: npt.NDArray[np.int64],
    hi: npt.NDArray[np.int64],
    typical: float,
    level_gap: npt.NDArray[np.float64],
    progress: Callable[[float], None],
    pool: ProcessPoolExecutor | None = None,
    factor: int = 1,
    *,
    split: bool = False,
) -> DtwPath:
    """A banded DTW whose open start/end and gap costs scale with a typical match."""
    skip = SKIP_FACTOR * typical
    gap = level_gap * typical
    return _banded_dtw(ca, cb, lo, hi, factor, skip, skip, gap, progress, pool, split=split)


def _banded_dtw(
    ca: npt.NDArray[np.float32],
    cb: npt.NDArray[np.float32],
    lo: npt.NDArray[np.int64],
    hi: npt.NDArray[np.int64],
    factor: int,
    skip_start: float | None,
    skip_end: float | None,
    row_gap: npt.NDArray[np.float64] | None,
    progress: Callable[[float], None],
    pool: ProcessPoolExecutor | None,
    *,
    split: bool,
) -> DtwPath:
    """``dtw`` of frames ``factor`` x 20 ms; with ``split``, a long one in two halves (at
    once when a ``pool``, a second core, is given; one after the other here otherwise:
    the same path on any machine), the whole DTW where the halves do not meet."""
    frame_s = factor * HOP_S
    if split and ca.shape[0] * frame_s >= SPLIT_MIN_S:
        # the halves did not meet (ValueError), or the second process broke: the whole
        # DTW, here
        with contextlib.suppress(Exception):
            return dtw_in_two(
                ca,
                cb,
                lo,
                hi,
                skip_start=skip_start,
                skip_end=skip_end,
                row_gap=row_gap,
                overlap=round(SPLIT_OVERLAP_S / frame_s),
                run_apart=pool.submit if pool is not None else _run_here,
                progress=progress,
            )
    return dtw(
        ca, cb, lo, hi, skip_start=skip_start, skip_end=skip_end, row_gap=row_gap, progress=progress
    )


def _run_here(fn: Callable[..., DtwPath], *args: Any, **kwargs: Any) -> Future[DtwPath]:
    """An executor's ``submit`` that runs ``fn`` at once, here."""
    done: Future[DtwPath] = Future()
    done.set_result(fn(*args, **kwargs))
    return done


def row_costs(path: DtwPath) -> tuple[F64, I64]:
    """Per synthetic row: the summed local distance of its path cells, and their count."""
    row_cost = np.zeros(path.first.size)
    np.add.at(row_cost, path.rows, path.cost)
    return row_cost, np.bincount(path.rows, minlength=path.first.size)
