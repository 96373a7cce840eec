"""The feed as a whole: parse feed.xml once, run the channel, episode and chapter rules
on it (``check_feed``), and the build's gate on a staged feed (``refuse_failing_feed``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree

from podpub.check.channel import check_channel, check_namespaces
from podpub.check.chapters import check_chapters
from podpub.check.context import FeedContext
from podpub.check.items import check_item
from podpub.check.podcasting import check_item_tags
from podpub.check.rules import Finding
from podpub.errors import BuildError, MultipleErrors, PodpubError
from podpub.media import FEED_FILE
from podpub.model import Show
from podpub.output import Stage


def feed_files(feed_dir: Path) -> dict[str, Path]:
    """The published files of feed/ by relative name (no staging or bookkeeping files)."""
    if not feed_dir.is_dir():
        return {}
    out: dict[str, Path] = {}
    for path in sorted(feed_dir.rglob("*")):
        relative = path.relative_to(feed_dir)
        if relative.parts[0].startswith(".") or not path.is_file():
            continue
        out[relative.as_posix()] = path
    return out


def check_feed(
    files: Mapping[str, Path],
    feed_dir: Path,
    show: Show | None = None,
    *,
    now: datetime | None = None,
    trusted: Collection[str] = (),
) -> list[Finding]:
    """Every feed rule on a built feed: ``files`` maps names under feed/ to real files;
    the contents of ``trusted`` ones (checked when they were published) are not read."""
    return _run(FeedContext(files, feed_dir, show, now, trusted=trusted))


def refuse_failing_feed(stage: Stage, show: Show) -> None:
    """The build's gate: raise if the staged feed breaks an error-level rule.

    The new feed is the staged files plus the files of unchanged episodes kept in feed/.
    """
    feed_dir = stage.feed_dir
    files = {name: feed_dir / name for name in stage.kept} | stage.files
    findings = check_feed(files, feed_dir, show, trusted=stage.kept)
    errors = [f for f in findings if f.severity == "error"]
    if not errors:
        return
    problems: list[PodpubError] = [
        BuildError(
            f"{f.rule} {f.message}" + (f" (at {f.xpath})" if f.xpath else ""),
            f.path,
            f.line,
            f.hint,
        )
        for f in errors
    ]
    problems.append(
        BuildError(
            f"the new feed breaks {len(errors)} podpub check rule(s), so it was not "
            "published; feed/ still holds the previous build",
            feed_dir,
            None,
            "fix the problems above and build again",
        )
    )
    raise MultipleErrors(problems)


def _run(ctx: FeedContext) -> list[Finding]:
    feed = ctx.files.get(FEED_FILE)
    if feed is None:
        ctx.add("PP100", "feed.xml is missing", "run podpub build")
        return ctx.findings
    try:
        rss, count = _check_items(ctx, feed)
    except etree.XMLSyntaxError as exc:
        ctx.add(
            "PP100",
            f"not well-formed XML: {exc.msg}",
            "rebuild with podpub build; do not edit feed.xml by hand",
            line=exc.lineno,
        )
        return ctx.findings
    except OSError as exc:
        ctx.add("PP100", f"cannot read feed.xml: {exc}", "run podpub build")
        return ctx.findings
    channels = rss.findall("channel")
    if rss.tag != "rss" or rss.get("version") != "2.0" or len(channels) != 1:
        ctx.add(
            "PP100",
            "not an RSS 2.0 feed with exactly one <channel>",
            "rebuild with podpub build",
            element=rss,
        )
        return ctx.findings
    channel = channels[0]
    check_namespaces(ctx, rss)
    check_channel(ctx, channel)
    if not count:
        ctx.add("PP215", "the feed has no episodes", "add an episode folder", element=channel)
    check_local_urls(ctx, rss)  # the channel's own URLs (items are emptied by now)
    return ctx.findings


def _check_items(ctx: FeedContext, feed: Path) -> tuple[Any, int]:
    """Parse feed.xml, checking each item as the parser reaches it; the root element and
    the number of items. Items are emptied once checked, so a feed of thousands of
    episodes is never held whole in memory."""
    guids: dict[str, Any] = {}
    count = 0
    rss: Any = None
    events = etree.iterparse(
        str(feed),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        remove_comments=False,
    )
    for event, element in events:
        if rss is None and event == "start":
            rss = element
        if element.tag != "item":
            continue
        if event == "start":
            if not count and ctx.base_url is None and element.getparent() is not None:
                ctx.learn_base_url(element.getparent())  # URLs in items need it
            continue
        parent = element.getparent()
        if parent is None or parent.tag != "channel" or parent.getparent() is not rss:
            continue
        count += 1
        name, duration_ms = check_item(ctx, element, parent, guids)
        check_chapters(ctx, element, name, duration_ms)
        check_item_tags(ctx, element, name, duration_ms)
        check_local_urls(ctx, element)
        element.clear(keep_tail=True)  # keeps its place: later XPaths stay right
    return rss, count


def check_local_urls(ctx: FeedContext, rss: Any) -> None:
    """Every URL under the base URL names a file in feed/ (nothing dangling)."""
    if not ctx.base_url:
        return
    pattern = re.compile(re.escape(ctx.base_url) + r"[^\s\"'<>]*")
    reported: set[str] = set()
    for element in rss.iter():
        if not isinstance(element.tag, str):
            continue
        values = [*element.attrib.values(), element.text or ""]
        for value in values:
            for match in pattern.finditer(value):
                relative = ctx.local(html.unescape(match.group(0)))
                if not relative or relative in ctx.files or relative in reported:
                    continue
                reported.add(relative)
                ctx.add(
                    "PP205",
                    f"the feed names {match.group(0)}, but feed/ has no {relative}",
                    "rebuild with podpub build; never delete files from feed/ by hand",
                    element=element,
                )
