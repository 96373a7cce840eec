"""Rules for the Podcasting 2.0 tags written from YAML (PP306-PP315, PP322-PP326): the
namespace's values (media, licences, RRULE, geo URIs, GUIDs of other feeds, its lists of
service slugs and protocols), its lengths, soundbites inside their episode, and the
trailers podpub writes. The value rules are those of ``podpub.namespace``, which the YAML
reader applies too. The value block's rules (PP316-PP321) are in ``check/value.py``.
"""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from typing import Any

from podpub.check.context import FeedContext
from podpub.check.value import check_values
from podpub.media import PODCAST_NS
from podpub.namespace import (
    ALL_MEDIUMS,
    MAX_NODE_CHARS,
    MAX_TXT_CHARS,
    SOUNDBITE_SECONDS,
    UUID,
    geo_problem,
    known_licence,
    namespace_list,
    parse_rrule,
    srcset_problem,
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
    _check_remote_items(
        ctx,
        [
            *channel.findall(f"{P}podroll/{P}remoteItem"),
            *channel.findall(f"{P}publisher/{P}remoteItem"),
            *channel.findall(f"{P}remoteItem"),
        ],
        where,
    )
    for trailer in channel.findall(f"{P}trailer"):
        _check_trailer(ctx, trailer)
    _check_block(ctx, channel, where)
    check_shared_tags(ctx, channel, where)
    check_values(ctx, channel, where, None)


def _check_remote_items(ctx: FeedContext, remotes: list[Any], where: str) -> None:
    for remote in remotes:
        guid = (remote.get("feedGuid") or "").strip()
        if not UUID.match(guid):
            field = _snake_name(remote.getparent())
            ctx.add(
                "PP311",
                f"podcast:remoteItem feedGuid {guid!r} is not a UUID",
                f"give the other show's podcast:guid as 'feed_guid' in '{field}' of {where}",
                element=remote,
            )


def _snake_name(element: Any) -> str:
    return re.sub(r"([A-Z])", r"_\1", element.tag.rpartition("}")[2]).lower()


def check_item_tags(ctx: FeedContext, item: Any, name: str, duration_ms: int | None) -> None:
    where = "the episode's episode.yaml"
    if duration_ms is None:
        duration = item.find("{http://www.itunes.com/dtds/podcast-1.0.dtd}duration")
        text = (duration.text or "").strip() if duration is not None else ""
        duration_ms = int(text) * 1000 if text.isdigit() else None
    for soundbite in item.findall(f"{P}soundbite"):
        _check_soundbite(ctx, soundbite, name, duration_ms, where)
    _check_remote_items(ctx, item.findall(f"{P}value/{P}valueTimeSplit/{P}remoteItem"), where)
    check_shared_tags(ctx, item, where)
    check_values(ctx, item, where, duration_ms)


def check_shared_tags(ctx: FeedContext, parent: Any, where: str) -> None:
    """The tags a channel and an episode may both have: license, location, txt, chat,
    images, socialInteract."""
    _check_interaction(ctx, parent, where)
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


def _check_block(ctx: FeedContext, channel: Any, where: str) -> None:
    services = namespace_list("service")
    for block in channel.findall(f"{P}block"):
        value = (block.text or "").strip()
        if value not in ("yes", "no"):
            ctx.add(
                "PP322",
                f"podcast:block is {value!r}, not yes or no",
                f"set 'block' in {where} to yes or no",
                element=block,
            )
        service = block.get("id")
        if service is not None and service not in services:
            ctx.add(
                "PP323",
                f"podcast:block id {service!r} is not a service slug the namespace lists, "
                "so no platform will know it means them",
                f"use a slug of serviceslugs.txt as 'id' of 'block' in {where} "
                "(apple, spotify, google, amazon, ...)",
                element=block,
            )


_HOST = re.compile(
    r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_WEB_PROTOCOLS = ("activitypub", "twitter")  # their root posts are web pages


def _check_interaction(ctx: FeedContext, parent: Any, where: str) -> None:
    """chat, images and socialInteract."""
    for chat in parent.findall(f"{P}chat"):
        server, protocol = chat.get("server") or "", chat.get("protocol") or ""
        protocols = namespace_list("chat_protocols")
        problem = None
        if not _HOST.match(server):
            problem = f"server {server!r} is not a host name (irc.zeronode.net)"
        elif protocol not in protocols:
            problem = f"protocol {protocol!r} is not one of {', '.join(protocols)}"
        elif not (chat.get("accountId") or "").strip():
            problem = "has no accountId (the podcaster's account there; recommended)"
        elif chat.get("space") is not None and not chat.get("space", "").strip():
            problem = "has an empty space"
        if problem:
            ctx.add(
                "PP324",
                f"podcast:chat {problem}",
                f"fix 'chat' in {where}: server (a host name), protocol, account_id, space",
                element=chat,
            )
    for images in parent.findall(f"{P}images"):
        problem = srcset_problem(images.get("srcset") or "")
        if problem:
            ctx.add(
                "PP325",
                f"podcast:images srcset {problem}",
                f"write 'srcset' of 'images' in {where} as absolute URLs each with its width "
                "('https://example.org/a-600.jpg 600w')",
                element=images,
            )
    for social in parent.findall(f"{P}socialInteract"):
        problem = _social_problem(social)
        if problem:
            ctx.add(
                "PP326",
                f"podcast:socialInteract {problem}",
                f"fix 'social_interact' in {where}: protocol, uri of the root post, priority",
                element=social,
            )


def _social_problem(social: Any) -> str | None:
    protocol, uri = social.get("protocol") or "", social.get("uri") or ""
    protocols = namespace_list("social_protocols")
    priority = social.get("priority")
    if protocol not in protocols:
        return f"protocol {protocol!r} is not one of {', '.join(protocols)}"
    if protocol != "disabled" and not uri:
        return "has no uri (only protocol disabled goes without)"
    if protocol in _WEB_PROTOCOLS and not uri.startswith(("https://", "http://")):
        return f"uri {uri!r} is not an http(s) URL of the {protocol} post"
    if priority is not None and not priority.isdigit():
        return f"priority {priority!r} is not a whole number"
    return None
