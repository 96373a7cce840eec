"""Artwork rules (PP120-PP124): the image's format, size and colour are read from its
PNG or JPEG header bytes (no imaging library).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from podpub.check.context import FeedContext
from podpub.media import ARTWORK_APPLE_MAX_BYTES, is_png

ARTWORK_MIN_PX = 1400  # Apple: 1400 x 1400 to 3000 x 3000, square, JPEG or PNG, RGB
ARTWORK_MAX_PX = 3000


@dataclass(frozen=True)
class ImageInfo:
    format: Literal["png", "jpeg"]
    width: int
    height: int
    colour: str  # rgb, rgba, gray, gray-alpha, palette, cmyk, unknown


_PNG_COLOURS = {0: "gray", 2: "rgb", 3: "palette", 4: "gray-alpha", 6: "rgba"}
_JPEG_COLOURS = {1: "gray", 3: "rgb", 4: "cmyk"}
_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def read_image_info(data: bytes) -> ImageInfo | None:
    """Format, size and colour of a PNG or JPEG from its header bytes; None otherwise."""
    if is_png(data):
        if len(data) < 26 or data[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", data[16:24])
        return ImageInfo("png", width, height, _PNG_COLOURS.get(data[25], "unknown"))
    if not data.startswith(b"\xff\xd8"):
        return None
    i = 2
    while i + 1 < len(data):
        if data[i] != 0xFF:
            return None
        while i < len(data) and data[i] == 0xFF:  # fill bytes
            i += 1
        if i >= len(data):
            return None
        marker = data[i]
        i += 1
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            continue
        if marker in (0xD9, 0xDA) or i + 2 > len(data):  # image data before a frame header
            return None
        (length,) = struct.unpack(">H", data[i : i + 2])
        if marker in _SOF_MARKERS:
            if i + 8 > len(data):
                return None
            height, width = struct.unpack(">HH", data[i + 3 : i + 7])
            return ImageInfo("jpeg", width, height, _JPEG_COLOURS.get(data[i + 7], "unknown"))
        if length < 2:
            return None
        i += length
    return None


def check_artwork(ctx: FeedContext, element: Any, url: str, where: str) -> None:
    path_part = urlsplit(url).path.lower()
    if not path_part.endswith((".png", ".jpg", ".jpeg")):
        ctx.add(
            "PP120",
            f"artwork URL {url} does not end in .png or .jpg",
            f"use a PNG or JPEG file ({where})",
            element=element,
        )
    relative = ctx.local(url)
    if relative is None or relative not in ctx.files or relative in ctx.trusted:
        return  # external (not checked), missing (PP205) or checked when published
    check_image_file(ctx, ctx.files[relative], ctx.label(relative), where, element)


def check_image_file(
    ctx: FeedContext, path: Path, label: str, where: str, element: Any = None
) -> None:
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            data = handle.read(min(size, ARTWORK_APPLE_MAX_BYTES) + 1)
    except OSError as exc:
        ctx.add("PP120", f"cannot read artwork: {exc.strerror}", where, path=label)
        return
    key = data[:4096] + str(size).encode()
    if key in ctx.checked_images:
        return
    ctx.checked_images.add(key)

    def add(rule: str, message: str, hint: str) -> None:
        ctx.add(rule, message, f"{hint} ({where})", path=label, element=element)

    if size > ARTWORK_APPLE_MAX_BYTES:
        add("PP124", f"artwork is {size} bytes; at most {ARTWORK_APPLE_MAX_BYTES}", "compress it")
    info = read_image_info(data)
    if info is None:
        add("PP120", "artwork is not a PNG or JPEG image", "export it as PNG or JPEG")
        return
    suffix = Path(label).suffix.lower()
    if (info.format == "png") != (suffix == ".png"):
        add(
            "PP120",
            f"artwork is {info.format.upper()} but named {suffix}",
            "give the file the extension of its real type",
        )
    if info.width != info.height:
        add("PP121", f"artwork is {info.width}x{info.height}, not square", "crop it square")
    side = max(info.width, info.height)
    if min(info.width, info.height) < ARTWORK_MIN_PX or side > ARTWORK_MAX_PX:
        add(
            "PP122",
            f"artwork is {info.width}x{info.height}; Apple wants "
            f"{ARTWORK_MIN_PX} to {ARTWORK_MAX_PX} pixels on a side",
            f"resize it to e.g. {ARTWORK_MIN_PX}x{ARTWORK_MIN_PX}",
        )
    if info.colour not in ("rgb", "rgba"):
        add("PP123", f"artwork colour is {info.colour}, not RGB", "save it in RGB colour")
