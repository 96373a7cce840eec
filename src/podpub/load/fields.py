"""Field readers (pure apart from file checks): one YAML value each, validated, every
problem recorded on the document with its line instead of raised (all are reported at
once)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from podpub.media import ARTWORK_MAX_BYTES, MAX_TEXT_CHARS
from podpub.model import Person
from podpub.text_safety import xml_safe
from podpub.yaml_io import Doc


def text(
    doc: Doc,
    key: str,
    *,
    required: bool = False,
    data: dict[str, Any] | None = None,
    max_len: int = MAX_TEXT_CHARS,
) -> str | None:
    source = doc.data if data is None else data
    name = key.rpartition(".")[2]
    value = source.get(name)
    if value is None:
        if required:
            doc.error(key, f"'{key}' is required", f"add '{name}: ...'")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        doc.error(key, f"'{key}' must be text, not {type(value).__name__}")
        return None
    text = xml_safe(str(value)).strip()  # no control characters in any output
    if required and not text:
        doc.error(key, f"'{key}' must not be empty")
        return None
    if len(text) > max_len:
        doc.error(key, f"'{key}' is {len(text)} characters; at most {max_len} are allowed")
        return None
    return text or None


def boolean(doc: Doc, key: str, default: bool | None) -> bool | None:
    value = doc.data.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        doc.error(key, f"'{key}' must be true or false, not {value!r}")
        return default
    return value


def whole(doc: Doc, key: str) -> int | None:
    value = doc.data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        doc.error(key, f"'{key}' must be a whole number of 1 or more, not {value!r}")
        return None
    return value


def url(
    doc: Doc, key: str, *, required: bool = False, data: dict[str, Any] | None = None
) -> str | None:
    """An http(s) URL: no other scheme (``javascript:``, ``data:``) reaches an output."""
    value = text(doc, key, required=required, data=data)
    if value is not None and not re.match(r"^https?://[^\s/]+\.[^\s]+$", value):
        doc.error(key, f"'{key}' must be an http(s) URL, not {value!r}")
        return None
    return value


def inside(doc: Doc, key: str, root: Path, base: Path, value: str) -> Path | None:
    """A file named in YAML, relative to ``base``, which must stay inside the show root."""
    candidate = Path(value)
    if candidate.is_absolute() or ".." in candidate.parts:
        doc.error(
            key,
            f"'{key}' must be a path inside the show folder, not {value!r}",
            "give a file name relative to the folder of this YAML file",
        )
        return None
    path = base / candidate
    try:
        resolved = path.resolve(strict=True)
    except (FileNotFoundError, RuntimeError, OSError):
        doc.error(key, f"'{key}': file not found: {value}", "check the file name")
        return None
    if not resolved.is_relative_to(root.resolve()):
        doc.error(key, f"'{key}' points outside the show folder (through a link): {value}")
        return None
    if not resolved.is_file():
        doc.error(key, f"'{key}' is not a file: {value}")
        return None
    return path


def outside(root: Path, path: Path) -> bool:
    """True when ``path``, links followed, leaves the show root (or cannot be resolved)."""
    try:
        return not path.resolve(strict=True).is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return True


def found_inside(doc: Doc, key: str, root: Path, found: Path | None) -> Path | None:
    """A file found by name in the episode folder, refused if it links outside the show."""
    if found is not None and outside(root, found):
        doc.error(
            key,
            f"{found.relative_to(root).as_posix()} points outside the show folder (a link)",
            "copy the file into the episode folder instead of linking to it",
        )
        return None
    return found


def image(doc: Doc, root: Path, base: Path, name: str, key: str = "image") -> Path | None:
    """Artwork named in YAML: inside the show, PNG or JPEG, not absurdly large."""
    image = inside(doc, key, root, base, name)
    if image is None:
        return None
    if image.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        doc.error(key, f"'{key}' must be a PNG or JPEG file", "use a .png or .jpg file")
        return None
    size = image.stat().st_size
    if size > ARTWORK_MAX_BYTES:
        doc.error(
            key,
            f"artwork is {size} bytes, more than the {ARTWORK_MAX_BYTES} any cover image can "
            "reasonably be",
            "export it as a JPEG or PNG of 1400 to 3000 pixels",
        )
        return None
    return image


def persons(doc: Doc, key: str = "persons") -> tuple[Person, ...]:
    value = doc.data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        doc.error(key, f"'{key}' must be a list of {{name, role}} entries")
        return ()
    out: list[Person] = []
    for index, item in enumerate(value):
        item_key = f"{key}.{index}"
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            doc.error(item_key, f"'{key}' entry {index + 1} must be a mapping with 'name'")
            continue
        name = text(doc, f"{item_key}.name", required=True, data=item)
        role = text(doc, f"{item_key}.role", data=item) or "host"
        group = text(doc, f"{item_key}.group", data=item) or "cast"
        href = url(doc, f"{item_key}.href", data=item)
        img = url(doc, f"{item_key}.img", data=item)
        if name:
            out.append(
                Person(name=name, role=role.lower(), group=group.lower(), href=href, img=img)
            )
    return tuple(out)
