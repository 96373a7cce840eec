"""The Podcasting 2.0 tags of podcast.yaml and episode.yaml (pure): one reader for every
tag of ``podpub.namespace.TAGS``, by its naming rule (the tag's name in snake_case,
attributes as keys, the node text as ``text`` or a plain scalar). Every problem is
recorded on the document with its line."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from podpub.media import MAX_TEXT_CHARS
from podpub.model import NamespaceTag
from podpub.namespace import (
    ALL_MEDIUMS,
    COUNTRY,
    OSM,
    UUID,
    TagSpec,
    ValueType,
    Where,
    address_problem,
    format_seconds,
    geo_problem,
    iso_date_problem,
    known_licence,
    parse_rrule,
    srcset_problem,
    tags_for,
)
from podpub.text_safety import xml_safe
from podpub.timecode import parse_clock_ms
from podpub.yaml_io import Doc

_URL_PREFIXES = ("http://", "https://")
_UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:", "file:")
_DECIMAL = re.compile(r"^\d+(\.\d+)?$")


def _scalar(doc: Doc, key: str, value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str | int | float):
        doc.error(key, f"'{key}' must be a single value, not {type(value).__name__}")
        return None
    text = xml_safe(str(value)).strip()
    if len(text) > MAX_TEXT_CHARS:
        doc.error(key, f"'{key}' is {len(text)} characters; at most {MAX_TEXT_CHARS} are allowed")
        return None
    return text


def _seconds(doc: Doc, key: str, value: Any) -> str | None:
    try:
        if isinstance(value, bool):
            raise ValueError
        ms = (
            round(float(value) * 1000)
            if isinstance(value, int | float)
            else parse_clock_ms(str(value).strip())
        )
        if ms < 0:
            raise ValueError
    except ValueError:
        doc.error(key, f"'{key}' is not a time: {value!r}", "write seconds (73.5) or MM:SS")
        return None
    return format_seconds(ms)


def _problem(value_type: ValueType, text: str) -> str | None:
    """Why ``text`` is not a value of ``value_type`` (None: it is)."""
    if value_type == "url":
        ok = text.startswith(_URL_PREFIXES) and "." in text and not any(c.isspace() for c in text)
        return None if ok else "must be an http(s) URL"
    if value_type == "uri":
        scheme, colon, rest = text.partition(":")
        ok = bool(colon and rest and scheme.isascii() and scheme[:1].isalpha())
        if not ok or (scheme.lower() + ":") in _UNSAFE_SCHEMES or " " in text:
            return "must be a URI such as https://..."
        return None
    if value_type == "whole":
        return None if text.isdigit() else "must be a whole number"
    if value_type == "decimal":
        return None if _DECIMAL.match(text) else "must be a decimal number (0.00000005)"
    if value_type == "bool":
        return None if text in ("true", "false") else "must be true or false"
    if value_type == "date":
        return iso_date_problem(text)
    if value_type == "uuid":
        return None if UUID.match(text) else "must be a UUID (the other feed's podcast:guid)"
    if value_type == "medium":
        return None if text in ALL_MEDIUMS else f"must be one of {', '.join(ALL_MEDIUMS)}"
    if value_type == "geo":
        return geo_problem(text)
    if value_type == "osm":
        return None if OSM.match(text) else "must be N, W or R and the OpenStreetMap id (R113314)"
    if value_type == "country":
        return None if COUNTRY.match(text) else "must be a two-letter country code (US, GB)"
    if value_type == "rrule":
        try:
            parse_rrule(text)
        except ValueError as exc:
            return f"is not an RFC 5545 RRULE: {exc}"
        return None
    if value_type == "srcset":
        return srcset_problem(text)
    return None


def _value(doc: Doc, key: str, value: Any, value_type: ValueType) -> str | None:
    if value_type == "seconds":
        return _seconds(doc, key, value)
    if value_type == "yesno" and isinstance(value, bool):
        return "yes" if value else "no"
    if value_type == "decimal" and isinstance(value, float):
        value = format(Decimal(repr(value)), "f")  # YAML read 0.00000005000 as 5e-08
    if value_type == "srcset" and isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = _scalar(doc, key, value)
    if text is None:
        return None
    if value_type == "yesno" and text not in ("yes", "no"):
        doc.error(key, f"'{key}' must be yes or no, not {text!r}")
        return None
    if value_type == "country":
        text = text.upper()
    problem = _problem(value_type, text)
    if problem:
        doc.error(key, f"'{key}' {problem}, not {text!r}")
        return None
    return text


def _read_attrs(
    doc: Doc, key: str, spec: TagSpec, entry: dict[Any, Any]
) -> tuple[tuple[str, str], ...] | None:
    attrs: list[tuple[str, str]] = []
    ok = True
    for attr in spec.attrs:
        attr_key = f"{key}.{attr.key}"
        raw = entry.get(attr.key)
        if raw is None:
            if attr.required:
                doc.error(key, f"'{key}' needs '{attr.key}'", _example(spec))
                ok = False
            continue
        value = _value(doc, attr_key, raw, attr.type)
        if value is not None and attr.choices and value not in attr.choices:
            doc.error(attr_key, f"'{attr_key}' must be one of {', '.join(attr.choices)}")
            value = None
        if value is None:
            ok = False
            continue
        attrs.append((attr.name, value))
    return tuple(attrs) if ok else None


def _example(spec: TagSpec) -> str:
    keys = [a.key for a in spec.attrs if a.required]
    if spec.text == "required":
        keys.append("text")
    return f"e.g. {spec.key}: {{{', '.join(f'{k}: ...' for k in keys)}}}" if keys else ""


def _read_entry(doc: Doc, key: str, spec: TagSpec, entry: Any) -> NamespaceTag | None:
    """One tag: a mapping of its attributes (and text), or a plain scalar (the text)."""
    if spec.child is not None:
        return _read_parent(doc, key, spec, entry)
    text_key = f"{key}.text"
    if not isinstance(entry, dict) and spec.text != "none":
        entry, text_key = {"text": entry}, key  # a plain scalar: the text
    if not isinstance(entry, dict):
        doc.error(key, f"'{key}' must be a mapping of {_known(spec)}", _example(spec))
        return None
    known = {a.key for a in spec.attrs} | _text_key(spec) | {c.key for c in spec.children}
    unknown = [str(k) for k in entry if k not in known]
    if unknown:
        doc.error(
            f"{key}.{unknown[0]}",
            f"unknown key '{unknown[0]}' in '{key}'",
            f"its keys are: {_known(spec)}",
        )
        return None
    attrs = _read_attrs(doc, key, spec, entry)
    children = _read_children(doc, key, spec, entry)
    text: str | None = None
    if spec.text != "none":
        raw = entry.get("text")
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if spec.text == "required":
                doc.error(key, f"'{key}' needs its text", _example(spec))
                return None
        else:
            text = _value(doc, text_key, raw, spec.text_type)
            if text is None:
                return None
    if attrs is None or children is None:
        return None
    if spec.name == "license" and text and not known_licence(text) and "url" not in dict(attrs):
        doc.error(
            key,
            f"'{key}' {text!r} is not an SPDX licence identifier",
            "use one (e.g. CC-BY-4.0), or give 'url' of the full text of a custom licence",
        )
        return None
    if spec.name == "updateFrequency":
        given = dict(attrs)
        if "COUNT" in given.get("rrule", "").upper() and "dtstart" not in given:
            doc.error(key, f"'{key}' has an rrule with COUNT, so it needs 'dtstart'")
            return None
    if (
        spec.name == "socialInteract"
        and "uri" not in dict(attrs)
        and entry.get("protocol") != "disabled"
    ):
        doc.error(key, f"'{key}' needs 'uri' (only protocol: disabled goes without)")
        return None
    if not _value_rules_hold(doc, key, spec, dict(attrs), children):
        return None
    return NamespaceTag(spec.name, attrs, text, children)


def _read_children(
    doc: Doc, key: str, spec: TagSpec, entry: dict[Any, Any]
) -> tuple[NamespaceTag, ...] | None:
    """The child tags given under their own keys (value_recipient in value), in the
    order of ``spec.children``; None when one of them is wrong."""
    children: list[NamespaceTag] = []
    ok = True
    for child in spec.children:
        value = entry.get(child.key)
        if value is None:
            continue
        child_key = f"{key}.{child.key}"
        if child.multiple and isinstance(value, list):
            read = [_read_entry(doc, f"{child_key}.{i}", child, v) for i, v in enumerate(value)]
        else:
            read = [_read_entry(doc, child_key, child, value)]
        ok = ok and all(tag is not None for tag in read)
        children += [tag for tag in read if tag is not None]
    return tuple(children) if ok else None


def _value_rules_hold(
    doc: Doc, key: str, spec: TagSpec, attrs: dict[str, str], children: tuple[NamespaceTag, ...]
) -> bool:
    """The value block's rules the YAML can break on its own: someone to pay, one kind of
    recipients per time split, addresses of the right form."""
    names = [c.name for c in children]
    problem, hint = None, None
    if spec.name == "value" and "valueRecipient" not in names:
        problem = f"'{key}' needs at least one 'value_recipient'"
        hint = "e.g. value_recipient: [{name: Host, type: node, address: 02..., split: 100}]"
    elif spec.name == "valueTimeSplit" and ("remoteItem" in names) == ("valueRecipient" in names):
        problem = f"'{key}' needs either one 'remote_item' or 'value_recipient's (not both)"
    elif spec.name == "valueTimeSplit" and int(attrs.get("remotePercentage", "0")) > 100:
        problem = f"'{key}.remote_percentage' is more than 100"
    elif spec.name == "valueRecipient":
        address_issue = address_problem(attrs["type"], attrs["address"])
        if address_issue:
            doc.error(f"{key}.address", f"'{key}.address' {address_issue}")
            return False
    if problem:
        doc.error(key, problem, hint)
        return False
    return True


def _read_parent(doc: Doc, key: str, spec: TagSpec, value: Any) -> NamespaceTag | None:
    child = spec.child
    assert child is not None
    if spec.child_multiple:
        entries = value if isinstance(value, list) else [value]
        keys = [f"{key}.{i}" for i in range(len(entries))] if isinstance(value, list) else [key]
    else:
        entries, keys = [value], [key]
    children: list[NamespaceTag] = []
    for entry_key, entry in zip(keys, entries, strict=True):
        tag = _read_entry(doc, entry_key, child, entry)
        if tag is None:
            return None
        children.append(tag)
    if not children:
        doc.error(key, f"'{key}' needs at least one entry")
        return None
    fixed = spec.fixed
    if fixed:
        children = [
            NamespaceTag(c.name, (*[a for a in c.attrs if a[0] not in dict(fixed)], *fixed))
            for c in children
        ]
    return NamespaceTag(spec.name, children=tuple(children))


def _text_key(spec: TagSpec) -> set[str]:
    return {"text"} if spec.text != "none" else set()


def _known(spec: TagSpec) -> str:
    return ", ".join([a.key for a in spec.attrs] + sorted(_text_key(spec)))


def read_tag(doc: Doc, spec: TagSpec) -> tuple[NamespaceTag, ...]:
    """The tags one YAML field gives (none when the field is absent)."""
    value = doc.data.get(spec.key)
    if value is None:
        return ()
    if spec.multiple and isinstance(value, list):
        tags = [_read_entry(doc, f"{spec.key}.{i}", spec, v) for i, v in enumerate(value)]
    else:
        tags = [_read_entry(doc, spec.key, spec, value)]
    return tuple(t for t in tags if t is not None)


FieldReader = Callable[[Doc, Any], tuple[NamespaceTag, ...]]


def tag_readers(where: Where) -> dict[str, FieldReader]:
    """A reader per namespace field of podcast.yaml ("channel") or episode.yaml ("item"),
    shaped like their other field readers (the document, and a context it needs not)."""
    return {spec.key: _reader(spec) for spec in tags_for(where)}


def _reader(spec: TagSpec) -> FieldReader:
    return lambda doc, _context: read_tag(doc, spec)


__all__ = ["read_tag", "tag_readers"]
