"""Banded dynamic time warping with an open start and an open end (pure numpy).

Rows are frames of the synthetic (text-to-speech) features, columns frames of the episode.
Each row ``i`` is computed over a window of columns ``[lo[i], hi[i])`` (the band; a full
DTW is the band ``[0, M)`` on every row). Steps: diagonal, down (one row, same column) and
right (same row, next column). A row is computed in a handful of vector operations: the
right steps of a row form a running minimum (``D[j] = min(E[j], D[j-1] + c[j])`` becomes a
cumulative minimum of ``E - cumsum(c)``), so no Python loop runs over columns; the local
distances of a block of rows come from one operation (fine rows are narrow: most of a
row's time was its own distances).

Only one byte per cell (the step taken) is kept, so memory is the band's area in bytes.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from podpub.align.tuning import BLOCK_CELLS, BLOCK_ROWS

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

_START, _DIAG, _DOWN, _RIGHT = 0, 1, 2, 3


@dataclass(frozen=True)
class Path:
    """A monotone path: for each row, the first and last column it visits, and the
    local distances along it (one per visited cell, in path order)."""

    first: I64  # (rows,)
    last: I64  # (rows,)
    rows: I64  # row of each path cell, in order
    cols: I64  # column of each path cell
    cost: F32  # local distance of each path cell


def distances(a: F32, b: F32) -> F32:
    """Euclidean distance of one vector ``a`` (d,) to each row of ``b`` (n, d)."""
    diff = b - a
    out: F32 = np.sqrt(np.einsum("ij,ij->i", diff, diff)).astype(np.float32)
    return out


def dtw(
    a: F32,
    b: F32,
    lo: I64,
    hi: I64,
    *,
    skip_start: float | None,
    skip_end: float | None,
    row_gap: F64 | None = None,
    progress: Callable[[float], None] | None = None,
) -> Path:
    """Align the rows of ``a`` (N, d) to the rows of ``b`` (M, d) inside the band.

    ``skip_start``/``skip_end``: cost per skipped column before the first / after the last
    matched column (open start / open end); ``None`` anchors the path to the band's
    first / last column. ``row_gap``: per-row cap on the cost of a right step (the audio
    goes on while the text stays on that row): a gap that absorbs unscripted audio at a
    fixed price per frame; ``inf`` where there is none.
    """
    steps, offsets, last_row = _forward(a, b, lo, hi, skip_start, row_gap, progress)
    n = a.shape[0]
    plo, phi = int(lo[-1]), int(hi[-1])
    width = phi - plo
    if skip_end is None:
        j_end = phi - 1
        if not np.isfinite(last_row[-1]):
            raise ValueError("band does not reach the end")
    else:
        total = last_row + skip_end * np.arange(width - 1, -1, -1, dtype=np.float64)
        j_end = plo + int(np.argmin(total))
        if not np.isfinite(total[j_end - plo]):
            raise ValueError("no path through the band")
    rows, cols = _backtrack(steps, offsets, lo, n - 1, j_end)
    return _path(rows, cols, n, a, b)


def dtw_in_two(
    a: F32,
    b: F32,
    lo: I64,
    hi: I64,
    *,
    skip_start: float | None,
    skip_end: float | None,
    row_gap: F64 | None,
    overlap: int,
    run_apart: Callable[..., Future[Path]],
    progress: Callable[[float], None] | None = None,
) -> Path:
    """``dtw`` in two halves at once: the second half (from ``overlap`` rows before the
    middle, with a free start) in another process through ``run_apart`` (an executor's
    ``submit``), the first half here; the first half's path is traced back from where the
    second half's path crosses the middle row. DTW paths from different starts meet within
    a few seconds of audio: with an overlap of many seconds, the path is the whole DTW's."""
    n = a.shape[0]
    middle = n // 2
    start = max(0, middle - overlap)
    c0, c1 = int(lo[start]), int(hi[-1])
    gap_part = None if row_gap is None else row_gap[start:]
    second = run_apart(
        dtw,
        a[start:],
        b[c0:c1],
        lo[start:] - c0,
        hi[start:] - c0,
        skip_start=0.0,
        skip_end=skip_end,
        row_gap=gap_part,
    )
    steps, offsets, _ = _forward(
        a[: middle + 1], b, lo[: middle + 1], hi[: middle + 1], skip_start, row_gap, progress
    )
    tail = second.result()
    rows2, cols2 = tail.rows + start, tail.cols + c0
    at = int(np.searchsorted(rows2, middle, side="left"))  # its first cell on the middle row
    if at >= rows2.size or rows2[at] != middle:
        raise ValueError("the second half does not cross the middle row")
    join = int(cols2[at])
    if not int(lo[middle]) <= join < int(hi[middle]):
        raise ValueError("the halves do not meet in the band")
    rows1, cols1 = _backtrack(steps, offsets, lo, middle, join)
    rows = np.concatenate([rows1, rows2[at + 1 :]])
    cols = np.concatenate([cols1, cols2[at + 1 :]])
    return _path(rows, cols, n, a, b)


def _forward(
    a: F32,
    b: F32,
    lo: I64,
    hi: I64,
    skip_start: float | None,
    row_gap: F64 | None,
    progress: Callable[[float], None] | None,
) -> tuple[npt.NDArray[np.uint8], I64, F64]:
    """The forward pass: the step taken into each cell of the band, the band's offsets
    into that array, and the accumulated costs of the last row."""
    n = a.shape[0]
    widths = (hi - lo).astype(np.int64)
    if n == 0 or np.any(widths <= 0):
        raise ValueError("empty band")
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(widths, out=offsets[1:])
    steps = np.zeros(int(offsets[-1]), dtype=np.uint8)
    prev = np.zeros(0)
    plo = phi = 0
    inf = np.inf
    report_every = max(1, n // 50)
    block: F64 = np.zeros((0, 0))
    b0 = 0
    for i in range(n):
        l0, h0 = int(lo[i]), int(hi[i])
        if i % BLOCK_ROWS == 0:
            block, b0 = block_distances(a, b, lo, hi, i)
        c = block[i % BLOCK_ROWS, l0 - b0 : h0 - b0]
        width = h0 - l0
        if i == 0:
            if skip_start is None:
                e = np.full(width, inf)
                e[0] = c[0]
            else:
                e = c + skip_start * np.arange(width, dtype=np.float64)
            step = np.full(width, _START, dtype=np.uint8)
        else:
            # the previous row at columns l0 - 1 .. h0 - 1: diagonal steps read it from
            # j - 1, down steps from j (one array, two views)
            ext = np.full(width + 1, inf)
            s0, s1 = max(l0 - 1, plo), min(h0, phi)
            if s0 < s1:
                ext[s0 - l0 + 1 : s1 - l0 + 1] = prev[s0 - plo : s1 - plo]
            diag, up = ext[:-1], ext[1:]
            use_diag = diag <= up
            e = c + np.minimum(diag, up)
            step = _DOWN - use_diag.view(np.uint8)  # _DIAG where the diagonal is no worse
        gap = None if row_gap is None else float(row_gap[i])
        rc = np.minimum(c, gap) if gap is not None and np.isfinite(gap) else c
        prefix = np.cumsum(rc)
        f = e - prefix
        g = np.minimum.accumulate(f)
        step[g < f] = _RIGHT
        cur = g + prefix
        steps[offsets[i] : offsets[i + 1]] = step
        prev, plo, phi = cur, l0, h0
        if progress is not None and i % report_every == 0:
            progress(i / n)
    return steps, offsets, prev


def block_distances(a: F32, b: F32, lo: I64, hi: I64, i0: int) -> tuple[F64, int]:
    """The local distances of rows ``i0`` .. ``i0 + BLOCK_ROWS`` (row ``i`` at index
    ``i - i0``) over the columns their bands span together, and the first such column:
    one vector operation for a block of rows. Where the span is too wide (a wide band),
    only the rows' own columns are filled."""
    i1 = min(a.shape[0], i0 + BLOCK_ROWS)
    c0, c1 = int(lo[i0:i1].min()), int(hi[i0:i1].max())
    if (i1 - i0) * (c1 - c0) <= BLOCK_CELLS:
        diff = b[None, c0:c1, :] - a[i0:i1, None, :]
        out = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff)).astype(np.float64)
        return out, c0
    out = np.zeros((i1 - i0, c1 - c0))
    for i in range(i0, i1):
        l0, h0 = int(lo[i]), int(hi[i])
        out[i - i0, l0 - c0 : h0 - c0] = distances(a[i], b[l0:h0])
    return out, c0


def _backtrack(
    steps: npt.NDArray[np.uint8], offsets: I64, lo: I64, i_end: int, j_end: int
) -> tuple[I64, I64]:
    """The path's cells (rows, columns, in order) traced back from (i_end, j_end)."""
    rows = array("q")  # 8 bytes a cell, not a Python int object
    cols = array("q")
    i, j = i_end, j_end
    lo_list = lo.tolist()
    off_list = offsets.tolist()
    while True:
        rows.append(i)
        cols.append(j)
        s = steps[off_list[i] + j - lo_list[i]]
        if s == _RIGHT:
            j -= 1
        elif s == _DIAG:
            i -= 1
            j -= 1
        elif s == _DOWN:
            i -= 1
        else:
            break
    r = np.frombuffer(rows, dtype=np.int64)[::-1].copy()
    cc = np.frombuffer(cols, dtype=np.int64)[::-1].copy()
    return r, cc


def _path(r: I64, cc: I64, n: int, a: F32, b: F32) -> Path:
    """The path through the cells (r, cc) of ``n`` rows: its local distances, and each
    row's first and last column."""
    cost = np.empty(r.size, dtype=np.float32)
    for k in range(0, r.size, 65536):  # bounded temporaries
        diff = a[r[k : k + 65536]] - b[cc[k : k + 65536]]
        cost[k : k + 65536] = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    first = np.full(n, -1, dtype=np.int64)
    last = np.full(n, -1, dtype=np.int64)
    # rows are non-decreasing along the path: first/last occurrence of each row
    change = np.nonzero(np.diff(r))[0]
    starts = np.concatenate([[0], change + 1])
    ends = np.concatenate([change, [r.size - 1]])
    first[r[starts]] = cc[starts]
    last[r[ends]] = cc[ends]
    return Path(first, last, r, cc, cost)


def full_band(n: int, m: int) -> tuple[I64, I64]:
    return np.zeros(n, dtype=np.int64), np.full(n, m, dtype=np.int64)


def band_from_path(
    path: Path,
    ratio: int,
    n_fine: int,
    m_fine: int,
    radius: int,
) -> tuple[I64, I64]:
    """The fine band around a coarse path: each fine row gets the columns its coarse row
    visits (scaled by ``ratio``), widened by ``radius`` fine frames on each side.

    The band is not widened across rows: audio that the coarse path gives to a gap row
    (music, a pause) stays out of reach of the speech rows around it."""
    coarse_rows = np.minimum(np.arange(n_fine) // ratio, path.first.size - 1)
    lo = path.first[coarse_rows] * ratio - radius
    hi = (path.last[coarse_rows] + 1) * ratio + radius
    lo = np.clip(lo, 0, m_fine - 1)
    hi = np.clip(hi, 1, m_fine)
    # keep the band monotone
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    return lo.astype(np.int64), hi.astype(np.int64)
