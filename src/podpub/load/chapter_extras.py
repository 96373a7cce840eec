"""What a chapter of episode.yaml may carry beside its title and start (pure apart from
looking at the image file): ``img`` (an image file in the episode folder, or an http(s)
URL), ``url``, ``location`` ({name, geo, osm?}) and ``toc: false`` for a silent chapter.
Every problem is recorded on the document with its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from podpub.load.fields import image
from podpub.media import is_png
from podpub.model import ChapterExtras, ChapterLocation
from podpub.namespace import OSM, geo_problem
from podpub.text_safety import xml_safe
from podpub.yaml_io import Doc

CHAPTER_KEYS = ("title", "start", "toc", "img", "url", "location")
_URL = ("https://", "http://")
_JPEG = b"\xff\xd8\xff"


def chapter_extras(
    doc: Doc, key: str, entry: dict[Any, Any], root: Path, folder: Path
) -> ChapterExtras | None:
    """The extras of one chapter entry (``key`` is its path, chapters.2); None when one
    of them is wrong (the error is on ``doc``)."""
    unknown = [str(k) for k in entry if k not in CHAPTER_KEYS]
    if unknown:
        doc.error(
            f"{key}.{unknown[0]}",
            f"unknown key '{unknown[0]}' in chapter '{key}'",
            f"a chapter's keys are: {', '.join(CHAPTER_KEYS)}",
        )
        return None
    ok = True
    toc = entry.get("toc", True)
    if not isinstance(toc, bool):
        doc.error(f"{key}.toc", f"'{key}.toc' must be true or false, not {toc!r}")
        ok = False
    elif not toc and entry.get("start") is None:
        doc.error(key, f"silent chapter '{key}' (toc: false) needs a 'start' time")
        ok = False
    url = _url(doc, f"{key}.url", entry.get("url"))
    img, img_file = _image(doc, f"{key}.img", entry.get("img"), root, folder)
    location = _location(doc, f"{key}.location", entry.get("location"))
    bad = [
        entry.get(k) is not None and v is None
        for k, v in (("url", url), ("img", img or img_file), ("location", location))
    ]
    if not ok or any(bad):
        return None
    return ChapterExtras(img, img_file, url, location, bool(toc))


def _url(doc: Doc, key: str, value: Any) -> str | None:
    if value is None:
        return None
    text = xml_safe(str(value)).strip()
    if not isinstance(value, str) or not text.startswith(_URL) or any(c.isspace() for c in text):
        doc.error(key, f"'{key}' must be an http(s) URL, not {value!r}")
        return None
    return text


def _image(
    doc: Doc, key: str, value: Any, root: Path, folder: Path
) -> tuple[str | None, Path | None]:
    """An image URL as given, or an image file in the episode folder (PNG or JPEG)."""
    if value is None:
        return None, None
    if not isinstance(value, str) or not value.strip():
        doc.error(key, f"'{key}' must be an image file name or an http(s) URL, not {value!r}")
        return None, None
    if value.strip().startswith(_URL):
        return _url(doc, key, value), None
    path = image(doc, root, folder, value.strip(), key=key)
    if path is None:
        return None, None
    head = path.read_bytes()[:8]
    if not is_png(head) and not head.startswith(_JPEG):
        doc.error(
            key,
            f"'{key}': {value} is not a PNG or JPEG image (its bytes say otherwise)",
            "export the chapter image as PNG or JPEG",
        )
        return None, None
    return None, path


def _location(doc: Doc, key: str, value: Any) -> ChapterLocation | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("name"), str | int):
        doc.error(key, f"'{key}' must be {{name, geo, osm?}}", "e.g. {name: Austin, geo: ...}")
        return None
    unknown = [str(k) for k in value if k not in ("name", "geo", "osm")]
    geo = str(value.get("geo") or "").strip()
    osm = value.get("osm")
    problem = None
    if unknown:
        problem = f"unknown key '{unknown[0]}' in '{key}' (its keys are name, geo, osm)"
    elif not geo:
        problem = f"'{key}' needs 'geo' (the namespace requires it), e.g. geo:30.2672,-97.7431"
    elif geo_problem(geo):
        problem = f"'{key}.geo' {geo_problem(geo)}, not {geo!r}"
    elif osm is not None and not OSM.match(str(osm)):
        problem = f"'{key}.osm' must be N, W or R and the OpenStreetMap id (R113314)"
    name = xml_safe(str(value["name"])).strip()
    if problem is None and not 0 < len(name) <= 128:
        problem = f"'{key}.name' must be 1 to 128 characters"
    if problem:
        doc.error(key, problem)
        return None
    return ChapterLocation(name, geo, str(osm) if osm is not None else None)
