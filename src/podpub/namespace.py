"""The Podcasting 2.0 tags written from podcast.yaml and episode.yaml (pure): one table,
``TAGS``, read by the YAML reader (``load/tags.py``), the feed writer (``feed.py``) and
``podpub check``; and the namespace's value rules they share (licences, media, RRULE,
geo URIs, GUIDs).

The naming rule, the same for every tag: the YAML key is the tag's name in snake_case
(``updateFrequency`` -> ``update_frequency``), each attribute is a key in snake_case
(``feedGuid`` -> ``feed_guid``, ``aspect-ratio`` -> ``aspect_ratio``), the node text is
``text``, or the value itself when a plain scalar is given (``medium: podcast``). A tag
that may appear more than once takes a list (one entry is also accepted). A tag whose
content is child tags takes its child (``publisher``) or the list of them (``podroll``).

Source: Podcastindex-org/podcast-namespace @ c0ff5ca, ``docs/tags/*.md``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Literal

from podpub.model import NamespaceTag

Where = Literal["channel", "item"]
# how an attribute's (or the node text's) value is read and written
ValueType = Literal[
    "text",  # any text
    "url",  # an http(s) URL
    "uri",  # any URI with a scheme (at://, https://), never javascript: or data:
    "whole",  # a whole number >= 0
    "decimal",  # a decimal number >= 0 (0.00000005000), written as given
    "seconds",  # a time: seconds (73.5) or a clock (01:13.5), written as decimal seconds
    "bool",  # true / false
    "yesno",  # yes / no (YAML's true / false too)
    "date",  # an ISO 8601 date or date and time
    "uuid",
    "medium",  # one of MEDIUMS
    "geo",  # an RFC 5870 geo URI
    "osm",  # an OpenStreetMap id: N, W or R and digits
    "country",  # ISO 3166-1 alpha-2
    "rrule",  # an RFC 5545 recurrence rule
    "srcset",  # HTML srcset with absolute URLs (a list of "URL 600w" is joined)
    "licence",  # a licence identifier (checked with the url attribute)
]


def snake(name: str) -> str:
    """The YAML key of a tag or attribute name: updateFrequency -> update_frequency."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).replace("-", "_").lower()


@dataclass(frozen=True)
class Attr:
    name: str  # as written in the feed
    type: ValueType = "text"
    required: bool = False
    choices: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return snake(self.name)


@dataclass(frozen=True)
class TagSpec:
    name: str  # the element's local name in the podcast namespace
    where: tuple[Where, ...]
    attrs: tuple[Attr, ...] = ()
    text: Literal["none", "optional", "required"] = "none"
    text_type: ValueType = "text"
    multiple: bool = False
    child: TagSpec | None = None  # the content is child tags of this kind
    child_multiple: bool = False
    # child tags given under their own keys beside the attributes (value_recipient in
    # value), written after them in this order
    children: tuple[TagSpec, ...] = ()
    fixed: tuple[tuple[str, str], ...] = field(default=())  # attributes always written

    @property
    def key(self) -> str:
        return snake(self.name)


MEDIUMS = (
    "podcast",
    "music",
    "video",
    "film",
    "audiobook",
    "newsletter",
    "blog",
    "publisher",
    "course",
)
ALL_MEDIUMS = (*MEDIUMS, *(m + "L" for m in MEDIUMS), "mixed")

REMOTE_ITEM = TagSpec(
    "remoteItem",
    (),
    attrs=(
        Attr("feedGuid", "uuid", required=True),
        Attr("feedUrl", "url"),
        Attr("itemGuid"),
        Attr("medium", "medium"),
        Attr("title"),
    ),
)
VALUE_RECIPIENT = TagSpec(
    "valueRecipient",
    (),
    attrs=(
        Attr("name"),
        Attr("type", required=True),
        Attr("address", required=True),
        Attr("split", "whole", required=True),
        Attr("fee", "bool"),
        Attr("customKey"),
        Attr("customValue"),
    ),
    multiple=True,
)
VALUE_TIME_SPLIT = TagSpec(
    "valueTimeSplit",
    (),
    attrs=(
        Attr("startTime", "seconds", required=True),
        Attr("duration", "seconds", required=True),
        Attr("remoteStartTime", "seconds"),
        Attr("remotePercentage", "whole"),
    ),
    multiple=True,
    children=(REMOTE_ITEM, VALUE_RECIPIENT),  # one remote_item, or value_recipients
)
VALUE = TagSpec(
    "value",
    ("channel", "item"),
    attrs=(
        Attr("type", required=True),
        Attr("method", required=True),
        Attr("suggested", "decimal"),
    ),
    multiple=True,
    children=(VALUE_RECIPIENT, VALUE_TIME_SPLIT),
)
_SOCIAL = TagSpec(
    "socialInteract",
    ("channel", "item"),
    attrs=(
        Attr("protocol", required=True),
        Attr("uri", "uri"),  # absent only for protocol "disabled"
        Attr("accountId"),
        Attr("accountUrl", "url"),
        Attr("priority", "whole"),
    ),
    multiple=True,
)

# The tags read from YAML, in the order they are written in the feed (after podpub's
# own podcast: tags). podcast:trailer is not here: it is written from the episodes whose
# episode_type is trailer.
TAGS: tuple[TagSpec, ...] = (
    TagSpec("medium", ("channel",), text="required", text_type="medium"),
    TagSpec("license", ("channel", "item"), attrs=(Attr("url", "url"),), text="required",
            text_type="licence"),
    TagSpec(
        "location",
        ("channel", "item"),
        attrs=(
            Attr("rel", choices=("subject", "creator")),
            Attr("geo", "geo"),
            Attr("osm", "osm"),
            Attr("country", "country"),
        ),
        text="required",
        multiple=True,
    ),
    TagSpec(
        "updateFrequency",
        ("channel",),
        attrs=(Attr("complete", "bool"), Attr("dtstart", "date"), Attr("rrule", "rrule")),
        text="required",
    ),
    TagSpec("block", ("channel",), attrs=(Attr("id"),), text="required", text_type="yesno",
            multiple=True),
    TagSpec("txt", ("channel", "item"), attrs=(Attr("purpose"),), text="required",
            multiple=True),
    TagSpec("images", ("channel", "item"), attrs=(Attr("srcset", "srcset", required=True),)),
    TagSpec(
        "chat",
        ("channel", "item"),
        attrs=(
            Attr("server", required=True),
            Attr("protocol", required=True),
            Attr("accountId"),
            Attr("space"),
        ),
    ),
    _SOCIAL,
    TagSpec("publisher", ("channel",), child=REMOTE_ITEM, fixed=(("medium", "publisher"),)),
    TagSpec("podroll", ("channel",), child=REMOTE_ITEM, child_multiple=True),
    TagSpec(
        "soundbite",
        ("item",),
        attrs=(Attr("startTime", "seconds", required=True),
               Attr("duration", "seconds", required=True)),
        text="optional",
        multiple=True,
    ),
    TagSpec("contentLink", ("item",), attrs=(Attr("href", "uri", required=True),),
            text="optional", multiple=True),
    VALUE,
)  # fmt: skip


def tags_for(where: Where) -> tuple[TagSpec, ...]:
    return tuple(spec for spec in TAGS if where in spec.where)


# ------------------------------------------------------------------ the value rules

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_GEO = re.compile(
    r"^geo:(-?\d{1,3}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?)(?:,-?\d+(?:\.\d+)?)?"
    r"(?:;[A-Za-z0-9-]+(?:=[A-Za-z0-9\-_.!~*'()%:\[\]&+$]+)?)*$"
)
OSM = re.compile(r"^[NWR]\d+$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
# a Lightning node's public key: 33 bytes (compressed, 02 or 03 first) in hex
NODE_PUBKEY = re.compile(r"^0[23][0-9a-fA-F]{64}$")
LN_ADDRESS = re.compile(r"^[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_WIDTH = re.compile(r"^[1-9]\d*w$")
MAX_NODE_CHARS = 128  # funding, person, soundbite, trailer, location, license, ...
MAX_TXT_CHARS = 4000
SOUNDBITE_SECONDS = (15.0, 120.0)  # "recommended between 15 and 120 seconds"


def geo_problem(value: str) -> str | None:
    """Why ``value`` is not an RFC 5870 geo URI (latitude, longitude[, altitude]), or None."""
    match = _GEO.match(value)
    if match is None:
        return "is not a geo URI like geo:30.2672,-97.7431"
    latitude, longitude = float(match.group(1)), float(match.group(2))
    if not -90 <= latitude <= 90:
        return f"has latitude {latitude}, outside -90..90"
    if not -180 <= longitude <= 180:
        return f"has longitude {longitude}, outside -180..180"
    return None


def address_problem(kind: str, address: str) -> str | None:
    """Why ``address`` is not one a value recipient of type ``kind`` can be paid at
    (node: a hex public key; lnaddress: name@domain), or None (other types: not known)."""
    if kind == "node" and not NODE_PUBKEY.match(address):
        return (
            f"is {len(address)} characters, not a Lightning node's public key "
            "(66 hex digits, starting 02 or 03)"
        )
    if kind == "lnaddress" and not LN_ADDRESS.match(address):
        return "is not a Lightning Address (name@domain)"
    return None


def srcset_problem(value: str) -> str | None:
    """Why ``value`` is not the namespace's srcset: absolute http(s) URLs, each followed by
    a space and its width in pixels ("https://example.org/a.jpg 600w"), comma-separated."""
    for candidate in value.split(","):
        parts = candidate.split()
        if (
            len(parts) != 2
            or not parts[0].startswith(("https://", "http://"))
            or not _WIDTH.match(parts[1])
        ):
            return f"has {candidate.strip()!r}, not 'https://... 600w'"
    return None


@cache
def namespace_list(
    name: Literal["service", "social_protocols", "chat_protocols", "value"],
) -> tuple[str, ...]:
    """One of the namespace's lists of known slugs (serviceslugs.txt and the others)."""
    text = resources.files("podpub").joinpath("data/namespace_lists.json").read_text("utf-8")
    return tuple(json.loads(text)[name])


@cache
def _licences() -> dict[str, str]:
    text = resources.files("podpub").joinpath("data/licenses.json").read_text("utf-8")
    data = json.loads(text)
    names: list[str] = [*data["podcast_namespace"], *data["spdx"]]
    return {name.lower(): name for name in names}


def known_licence(identifier: str) -> bool:
    """An identifier from the SPDX licence list or the namespace's (any case: the
    namespace asks for lower case, its examples use SPDX's case)."""
    return identifier.strip().lower() in _licences()


_FREQS = ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_WEEKDAY = re.compile(r"^([+-]?(?:[1-9]|[1-4]\d|5[0-3]))?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL = re.compile(r"^\d{8}(T\d{6}Z?)?$")
# BYxxx rules taking lists of (signed) whole numbers, with their allowed magnitudes
_BY_NUMBERS = {
    "BYSECOND": (0, 60),
    "BYMINUTE": (0, 59),
    "BYHOUR": (0, 23),
    "BYMONTHDAY": (1, 31),
    "BYYEARDAY": (1, 366),
    "BYWEEKNO": (1, 53),
    "BYMONTH": (1, 12),
    "BYSETPOS": (1, 366),
}
_SIGNED = ("BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS")


def parse_rrule(rule: str) -> dict[str, str]:
    """An RFC 5545 (3.3.10) recurrence rule as {part: value}; ValueError says what is
    wrong. FREQ is required; INTERVAL, COUNT, UNTIL, BYDAY, the other BYxxx and WKST are
    checked; COUNT and UNTIL exclude each other."""
    parts: dict[str, str] = {}
    for piece in rule.strip().split(";"):
        name, equals, value = piece.partition("=")
        name = name.strip().upper()
        if not equals or not name or not value:
            raise ValueError(f"{piece!r} is not NAME=VALUE")
        if name in parts:
            raise ValueError(f"{name} is given twice")
        parts[name] = value.strip()
    if "FREQ" not in parts:
        raise ValueError("FREQ is required (e.g. FREQ=WEEKLY)")
    for name, value in parts.items():
        _check_rrule_part(name, value)
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValueError("COUNT and UNTIL cannot both be given")
    return parts


def _check_rrule_part(name: str, value: str) -> None:
    if name == "FREQ":
        if value not in _FREQS:
            raise ValueError(f"FREQ={value} is not one of {', '.join(_FREQS)}")
    elif name in ("INTERVAL", "COUNT"):
        if not value.isdigit() or int(value) < 1:
            raise ValueError(f"{name}={value} is not a whole number of 1 or more")
    elif name == "UNTIL":
        if not _UNTIL.match(value):
            raise ValueError(f"UNTIL={value} is not a date (20251231) or time (20251231T090000Z)")
        try:
            datetime.strptime(value[:8], "%Y%m%d")
        except ValueError:
            raise ValueError(f"UNTIL={value} is not a real date") from None
    elif name == "BYDAY":
        for day in value.split(","):
            if not _WEEKDAY.match(day):
                raise ValueError(
                    f"BYDAY={value}: {day!r} is not a weekday (MO, TU, ..., 1MO, -1FR)"
                )
    elif name == "WKST":
        if value not in ("MO", "TU", "WE", "TH", "FR", "SA", "SU"):
            raise ValueError(f"WKST={value} is not a weekday")
    elif name in _BY_NUMBERS:
        low, high = _BY_NUMBERS[name]
        for number in value.split(","):
            digits = number[1:] if name in _SIGNED and number[:1] in "+-" else number
            if not digits.isdigit() or not low <= int(digits) <= high:
                raise ValueError(f"{name}={value}: {number!r} is not in {low}..{high}")
    else:
        raise ValueError(f"{name} is not an RFC 5545 recurrence rule part")


def iso_date_problem(value: str) -> str | None:
    """Why ``value`` is not an ISO 8601 date or date and time, or None."""
    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return "is not an ISO 8601 date or date and time (2024-01-05 or 2024-01-05T09:00:00Z)"
    return None


def format_seconds(ms: int) -> str:
    """Milliseconds as the namespace's decimal seconds: 73000 -> 73, 1234500 -> 1234.5."""
    seconds, rest = divmod(ms, 1000)
    return str(seconds) if not rest else f"{seconds}.{rest:03d}".rstrip("0")


def shift_soundbites(tags: tuple[NamespaceTag, ...], offset_ms: int) -> tuple[NamespaceTag, ...]:
    """podcast:soundbite starts are given on the episode's own audio: moved, like its
    chapters, by what is put before it (an intro)."""
    if offset_ms == 0:
        return tags
    out = []
    for tag in tags:
        if tag.name == "soundbite":
            attrs = tuple(
                (k, format_seconds(round(float(v) * 1000) + offset_ms) if k == "startTime" else v)
                for k, v in tag.attrs
            )
            tag = replace(tag, attrs=attrs)
        out.append(tag)
    return tuple(out)
