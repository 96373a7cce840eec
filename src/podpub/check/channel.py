"""Channel rules (PP101-PP110, PP213's show type, PP300, PP301, PP305; the Podcasting 2.0
tags' PP306-PP315 in ``podcasting``), and the text rules episodes share with the channel
(descriptions, value lengths, explicit).
"""

from __future__ import annotations

import uuid
from typing import Any

from podpub.check.artwork import check_artwork
from podpub.check.context import NAMESPACES, PODCAST_NS_ALIAS, FeedContext, qname
from podpub.check.podcasting import check_channel_tags
from podpub.load import LANGUAGE, UUID_RE, apple_categories
from podpub.media import (
    ATOM_NS,
    FEED_FILE,
    ITUNES_NS,
    PODCAST_GUID_NAMESPACE,
    PODCAST_NS,
    podcast_guid_for,
)

MAX_DESCRIPTION_BYTES = 4000  # Apple, PSP-1: <description> <= 4000 bytes
MAX_VALUE_CHARS = 255  # Apple: tag values <= 255 characters unless stated otherwise


def check_namespaces(ctx: FeedContext, rss: Any) -> None:
    declared = {uri for uri in rss.nsmap.values()}
    for prefix, uri in NAMESPACES.items():
        if uri in declared or (prefix == "podcast" and PODCAST_NS_ALIAS in declared):
            continue
        if prefix == "content" and prefix not in rss.nsmap:
            continue  # only needed when content:encoded is used
        wrong = rss.nsmap.get(prefix)
        if wrong is None:
            wrong = next((u for u in declared if u.lower() == uri.lower()), None)
        message = (
            f"namespace {prefix} is declared as {wrong!r}, not {uri!r}"
            if wrong
            else f"namespace {prefix} ({uri}) is not declared on <rss>"
        )
        ctx.add("PP101", message, f'declare xmlns:{prefix}="{uri}" exactly', element=rss)


def check_channel(ctx: FeedContext, channel: Any) -> None:
    """The channel's own rules, in the order their findings are reported."""
    it = f"{{{ITUNES_NS}}}"
    _check_required(ctx, channel)
    feed_url = _check_self_link(ctx, channel)
    ctx.learn_base_url(channel)
    _check_recommended(ctx, channel)
    check_texts(ctx, channel, "podcast.yaml")
    language = channel.find("language")
    if language is not None and not LANGUAGE.match((language.text or "").strip()):
        ctx.add(
            "PP107",
            f"language {language.text!r} is not an ISO 639 code",
            "set podcast.yaml 'language' to e.g. en or en-us",
            element=language,
        )
    check_categories(ctx, channel)
    check_explicit(ctx, channel, "podcast.yaml 'explicit'")
    show_type = channel.find(f"{it}type")
    if show_type is not None and show_type.text not in ("episodic", "serial"):
        ctx.add(
            "PP213",
            f"itunes:type {show_type.text!r} is not episodic or serial",
            "set podcast.yaml 'type'",
            element=show_type,
        )
    image = channel.find(f"{it}image")
    if image is not None and image.get("href"):
        source = f" = {ctx.show.image}" if ctx.show else ""
        check_artwork(ctx, image, image.get("href") or "", f"podcast.yaml 'image'{source}")
    check_podcast_guid(ctx, channel, feed_url)
    locked = channel.find(f"{{{PODCAST_NS}}}locked")
    if locked is not None and (locked.text or "").strip() not in ("yes", "no"):
        ctx.add(
            "PP305",
            f"podcast:locked is {locked.text!r}, not yes or no",
            "set podcast.yaml 'locked: true' or 'locked: false'",
            element=locked,
        )
    check_channel_tags(ctx, channel)


def _check_required(ctx: FeedContext, channel: Any) -> None:
    it = f"{{{ITUNES_NS}}}"
    required = {
        "title": "the show's title (podcast.yaml 'title')",
        "link": "the show's website (podcast.yaml 'link')",
        "description": "podcast.yaml 'description'",
        "language": "podcast.yaml 'language', e.g. en-us",
        f"{it}image": "podcast.yaml 'image'",
        f"{it}category": "podcast.yaml 'categories'",
        f"{it}explicit": "podcast.yaml 'explicit: false'",
    }
    for tag, hint in required.items():
        element = channel.find(tag)
        if element is None or (not (element.text or "").strip() and not element.attrib):
            name = tag.replace(it, "itunes:")
            ctx.add("PP102", f"channel has no <{name}>", f"set {hint}", element=channel)


def _check_self_link(ctx: FeedContext, channel: Any) -> str | None:
    """The atom:link rel=self (required, and where podcast.yaml says); its href."""
    selfs = [e for e in channel.findall(f"{{{ATOM_NS}}}link") if e.get("rel") == "self"]
    if not selfs:
        ctx.add(
            "PP102",
            'channel has no <atom:link rel="self">',
            "set podcast.yaml 'base_url'",
            element=channel,
        )
    elif ctx.show is not None:
        expected = ctx.show.base_url + FEED_FILE
        if selfs[0].get("href") != expected:
            ctx.add(
                "PP110",
                f"self link {selfs[0].get('href')!r} is not {expected!r}",
                "set podcast.yaml 'base_url' to where feed/ is served",
                element=selfs[0],
            )
    href: str | None = selfs[0].get("href") if selfs else None
    return href


def _check_recommended(ctx: FeedContext, channel: Any) -> None:
    it = f"{{{ITUNES_NS}}}"
    recommended = {
        f"{it}author": "podcast.yaml 'author'",
        f"{it}owner/{it}email": "podcast.yaml 'owner: {name, email}'",
        f"{{{PODCAST_NS}}}guid": "leave it to podpub (podcast:guid from the feed URL)",
        f"{{{PODCAST_NS}}}locked": "podcast.yaml 'locked: true' or 'locked: false'",
    }
    for tag, hint in recommended.items():
        if channel.find(tag) is None:
            name = tag.replace(it, "itunes:").replace(f"{{{PODCAST_NS}}}", "podcast:")
            ctx.add("PP103", f"channel has no <{name}>", f"set {hint}", element=channel)


def check_texts(ctx: FeedContext, parent: Any, where: str) -> None:
    """Byte limits on descriptions, 255-character values, outer spaces."""
    for tag in ("description", f"{{{ITUNES_NS}}}summary"):
        element = parent.find(tag)
        if element is None or element.text is None:
            continue
        size = len(element.text.encode("utf-8"))
        if size > MAX_DESCRIPTION_BYTES:
            ctx.add(
                "PP104",
                f"<{qname(element)}> is {size} bytes; Apple allows {MAX_DESCRIPTION_BYTES}",
                f"shorten the description or summary in {where}",
                element=element,
            )
    for tag in ("title", f"{{{ITUNES_NS}}}author", f"{{{ITUNES_NS}}}title"):
        element = parent.find(tag)
        if element is None or element.text is None:
            continue
        value = element.text
        if len(value) > MAX_VALUE_CHARS:
            ctx.add(
                "PP108",
                f"<{qname(element)}> is {len(value)} characters; Apple allows {MAX_VALUE_CHARS}",
                f"shorten it in {where}",
                element=element,
            )
        elif value != value.strip():
            ctx.add(
                "PP108",
                f"<{qname(element)}> has leading or trailing spaces",
                f"trim it in {where}",
                element=element,
            )
        if tag == "title" and ("<" in value or ">" in value):
            ctx.add(
                "PP109",
                f"title {value!r} holds < or >; YouTube refuses titles with HTML",
                f"write the title as plain text in {where}",
                element=element,
            )


def check_categories(ctx: FeedContext, channel: Any) -> None:
    allowed = apple_categories()
    tag = f"{{{ITUNES_NS}}}category"
    for element in channel.findall(tag):
        top = element.get("text") or ""
        if top not in allowed:
            ctx.add(
                "PP105",
                f"{top!r} is not an Apple Podcasts category",
                f"use one of: {', '.join(allowed)} (podcast.yaml 'categories')",
                element=element,
            )
            continue
        for sub in element.findall(tag):
            name = sub.get("text") or ""
            if name not in allowed[top] or sub.find(tag) is not None:
                ctx.add(
                    "PP105",
                    f"{name!r} is not a subcategory of {top!r}",
                    f"use one of: {', '.join(allowed[top]) or '(none)'}",
                    element=sub,
                )


def check_explicit(ctx: FeedContext, parent: Any, where: str) -> None:
    element = parent.find(f"{{{ITUNES_NS}}}explicit")
    if element is not None and (element.text or "").strip() not in ("true", "false"):
        ctx.add(
            "PP106",
            f"itunes:explicit is {element.text!r}; Apple reads only true or false",
            f"set {where} to true or false",
            element=element,
        )


def check_podcast_guid(ctx: FeedContext, channel: Any, feed_url: str | None) -> None:
    element = channel.find(f"{{{PODCAST_NS}}}guid")
    if element is None:
        return
    value = (element.text or "").strip()
    if not UUID_RE.match(value):
        ctx.add(
            "PP300",
            f"podcast:guid {value!r} is not a UUID",
            "remove 'guid' from podcast.yaml to derive it from the feed URL",
            element=element,
        )
        return
    if ctx.show is not None and ctx.show.guid:
        return  # set on purpose in podcast.yaml (e.g. kept after a move)
    if not feed_url:
        return
    expected = podcast_guid_for(feed_url)
    if value.lower() == expected.lower():
        return
    if value.lower() == str(uuid.uuid5(PODCAST_GUID_NAMESPACE, feed_url)).lower():
        why = "it was made from the URL with its scheme (as Castopod does)"
    else:
        why = "it does not come from this feed URL"
    ctx.add(
        "PP301",
        f"podcast:guid {value} is not {expected}, the UUIDv5 of {feed_url} without "
        f"scheme and trailing slashes; {why}",
        "if the show moved, keep the old guid on purpose with 'guid:' in podcast.yaml",
        element=element,
    )
