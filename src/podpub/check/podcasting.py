"""Rules for the Podcasting 2.0 tags written from YAML (PP306-PP315): the namespace's
values (media, licences, RRULE, geo URIs, GUIDs of other feeds), its lengths, soundbites
inside their episode, and the trailers podpub writes. The value rules are those of
``podpub.namespace``, which the YAML reader applies too.
"""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from typing import Any

from podpub.check.context import FeedContext
from podpub.media import PODCAST_NS
from podpub.namespace import (
    ALL_MEDIUMS,
    MAX_NODE_CHARS,
    MAX_TXT_CHARS,
    SOUNDBITE_SECONDS,
    UUID,
    geo_problem,
    known_licence,
    parse_rrule,
)

P = f"{{{PODCAST_NS}}}"
_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def check_channel_tags(ctx: FeedContext, channel: Any) -> None:
    where = "podcast.yaml"
    for medium in channel.findall(f"{P}medium"):
        value = (medium.text or "").strip()
        if value not in ALL_MEDIUMS:
            ctx.add(
                "PP306",
                f"podcast:medium {value!r} is not one the namespace lists",
                f"set 'medium' in {where} to one of {', '.join(ALL_MEDIUMS)}",
                element=medium,
            )
    for frequency in channel.findall(f"{P}updateFrequency"):
        _check_frequency(ctx, frequency, where)
    for remote in [
        *channel.findall(f"{P}podroll/{P}remoteItem"),
        *channel.findall(f"{P}publisher/{P}remoteItem"),
        *channel.findall(f"{P}remoteItem"),
    ]:
        guid = (remote.get("feedGuid") or "").strip()
        if not UUID.match(guid):
            field = remote.getparent().tag.rpartition("}")[2]
            ctx.add(
                "PP311",
                f"podcast:remoteItem feedGuid {guid!r} is not a UUID",
                f"give the other show's podcast:guid as 'feed_guid' in '{field}' of {where}",
                element=remote,
            )
    for trailer in channel.findall(f"{P}trailer"):
        _check_trailer(ctx, trailer)
    check_shared_tags(ctx, channel, where)


def check_item_tags(ctx: FeedContext, item: Any, name: str, duration_ms: int | None) -> None:
    where = "the episode's episode.yaml"
    if duration_ms is None:
        duration = item.find("{http://www.itunes.com/dtds/podcast-1.0.dtd}duration")
        text = (duration.text or "").strip() if duration is not None else ""
        duration_ms = int(text) * 1000 if text.isdigit() else None
    for soundbite in item.findall(f"{P}soundbite"):
        _check_soundbite(ctx, soundbite, name, duration_ms, where)
    check_shared_tags(ctx, item, where)


def check_shared_tags(ctx: FeedContext, parent: Any, where: str) -> None:
    """The tags a channel and an episode may both have: license, location, txt."""
    for licence in parent.findall(f"{P}license"):
        value = (licence.text or "").strip()
        if not licence.get("url") and not known_licence(value):
            ctx.add(
                "PP307",
                f"podcast:license {value!r} is not an SPDX licence identifier and has no url",
                f"set 'license' in {where} to an identifier such as CC-BY-4.0, or give the "
                "'url' of a custom licence's full text",
                element=licence,
            )
    for location in parent.findall(f"{P}location"):
        value = (location.text or "").strip()
        if not value or len(value) > MAX_NODE_CHARS:
            ctx.add(
                "PP313",
                f"podcast:location's name is {len(value)} characters; the namespace wants "
                f"1 to {MAX_NODE_CHARS}",
                f"shorten 'location' in {where} to a place name (Austin, TX)",
                element=location,
            )
        geo = location.get("geo")
        problem = geo_problem(geo) if geo is not None else None
        if problem:
            ctx.add(
                "PP314",
                f"podcast:location geo {geo!r} {problem}",
                f"write 'geo' of 'location' in {where} as an RFC 5870 geo URI, "
                "geo:LATITUDE,LONGITUDE",
                element=location,
            )
    for txt in parent.findall(f"{P}txt"):
        size = len(txt.text or "")
        purpose = txt.get("purpose") or ""
        if size > MAX_TXT_CHARS or len(purpose) > MAX_NODE_CHARS:
            ctx.add(
                "PP312",
                f"podcast:txt is {size} characters (purpose {len(purpose)}); the namespace "
                f"allows {MAX_TXT_CHARS} ({MAX_NODE_CHARS} for purpose)",
                f"shorten 'txt' in {where}",
                element=txt,
            )


def _check_frequency(ctx: FeedContext, element: Any, where: str) -> None:
    rrule = element.get("rrule")
    problem = None
    if rrule is not None:
        try:
            parts = parse_rrule(rrule)
        except ValueError as exc:
            problem = f"rrule {rrule!r} is not an RFC 5545 recurrence rule: {exc}"
        else:
            if "COUNT" in parts and not element.get("dtstart"):
                problem = f"rrule {rrule!r} has COUNT but there is no dtstart"
    if problem:
        ctx.add(
            "PP308",
            f"podcast:updateFrequency {problem}",
            f"fix 'rrule' of 'update_frequency' in {where} (e.g. FREQ=WEEKLY;BYDAY=TU)",
            element=element,
        )


def _check_soundbite(
    ctx: FeedContext, element: Any, name: str, duration_ms: int | None, where: str
) -> None:
    start, length = element.get("startTime") or "", element.get("duration") or ""
    hint = f"fix 'soundbite' in {where}: start_time and duration in seconds"
    if not _NUMBER.match(start) or not _NUMBER.match(length) or float(length) <= 0:
        ctx.add(
            "PP309",
            f"soundbite of {name} has startTime {start!r} and duration {length!r}, "
            "not positive seconds",
            hint,
            element=element,
        )
        return
    end_ms = round((float(start) + float(length)) * 1000)
    if duration_ms is not None and end_ms > duration_ms:
        ctx.add(
            "PP309",
            f"soundbite of {name} ends at {end_ms / 1000:g} s, after the episode's end "
            f"({duration_ms / 1000:g} s)",
            hint,
            element=element,
        )
    low, high = SOUNDBITE_SECONDS
    if not low <= float(length) <= high:
        ctx.add(
            "PP310",
            f"soundbite of {name} lasts {float(length):g} s; the namespace recommends "
            f"{low:g} to {high:g} s",
            f"make 'soundbite' in {where} {low:g} to {high:g} seconds long",
            element=element,
        )


def _check_trailer(ctx: FeedContext, element: Any) -> None:
    problem = None
    if not (element.get("url") or "").startswith(("https://", "http://")):
        problem = "has no url"
    else:
        try:
            parsedate_to_datetime(element.get("pubdate") or "")
        except (TypeError, ValueError):
            problem = f"has pubdate {element.get('pubdate')!r}, not an RFC 2822 date"
    if problem is None and not (element.text or "").strip():
        problem = "has no title"
    if problem:
        ctx.add(
            "PP315",
            f"podcast:trailer {problem}",
            "rebuild with podpub build (trailers come from episodes with episode_type: trailer)",
            element=element,
        )
