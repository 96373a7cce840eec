"""Text safety (pure): strip characters no XML file, ID3 tag or UTF-8 file can carry.

XML 1.0 allows only tab, newline, carriage return and characters from U+0020 on,
without surrogates and U+FFFE/U+FFFF; lxml refuses anything else, and a lone surrogate
(``"\\ud800"`` in YAML or JSON) cannot even be encoded as UTF-8. Control characters are
invisible in every player anyway, so they are dropped, not reported: C0 controls other
than tab and newline, DEL and the C1 controls, surrogates, U+FFFE and U+FFFF.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

T = TypeVar("T")

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without control characters (tab and newline stay)."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub("", text.replace("\r\n", "\n"))


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, tuple):
        items = tuple(_clean(v) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            old = getattr(value, f.name)
            new = _clean(old)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


def xml_safe_record(record: T) -> T:
    """A copy of a record (dataclasses, tuples, lists, dicts) with every text made
    ``xml_safe``; the record itself when nothing needed cleaning."""
    cleaned: T = _clean(record)
    return cleaned
