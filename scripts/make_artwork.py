#!/usr/bin/env python3
"""Generate the bundled show's square PNG artwork (1400 x 1400), deterministically.

Drawn from scratch (no image taken from anywhere): a deep blue field, a band of
"sound bars" and a light frame. Standard library only.

usage: python scripts/make_artwork.py [OUT.png]
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from pathlib import Path

SIZE = 1400


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pixel(x: int, y: int) -> tuple[int, int, int]:
    margin = 70
    if x < margin or y < margin or x >= SIZE - margin or y >= SIZE - margin:
        return (236, 232, 220)  # frame
    bar_width = 40
    column = (x - margin) // bar_width
    in_gap = (x - margin) % bar_width < 12
    height = 180 + int(300 * abs(math.sin(column * 0.55)) * (0.6 + 0.4 * math.cos(column * 0.21)))
    centre = SIZE // 2
    if not in_gap and abs(y - centre) < height // 2 and 150 < x < SIZE - 150:
        return (242, 169, 59)  # amber bars
    shade = 30 + (y * 40) // SIZE
    return (18, shade, 92 + (x * 30) // SIZE)


def make_png() -> bytes:
    rows = []
    for y in range(SIZE):
        row = bytearray(b"\x00")
        for x in range(SIZE):
            row.extend(pixel(x, y))
        rows.append(bytes(row))
    raw = b"".join(rows)
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "artwork.png")
    out.write_bytes(make_png())
    print(f"wrote {out} ({SIZE}x{SIZE})")
