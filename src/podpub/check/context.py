"""What every feed rule shares: the namespaces, the files of one built feed, and the
findings so far (``FeedContext``), with readable XPaths for the elements they are about.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from podpub.check.rules import RULES, Finding
from podpub.media import ATOM_NS, CONTENT_NS, FEED_FILE, ITUNES_NS, PODCAST_NS
from podpub.model import Show

# Exact namespace URIs (standards §0); the iTunes one is case-sensitive (Apple).
PODCAST_NS_ALIAS = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
NAMESPACES = {"itunes": ITUNES_NS, "podcast": PODCAST_NS, "atom": ATOM_NS, "content": CONTENT_NS}

MAX_JSON_BYTES = 20_000_000


def qname(element: Any) -> str:
    """An element's name with its prefix (itunes:image); comment() for a comment."""
    tag = element.tag
    if not isinstance(tag, str):
        return "comment()"
    local = tag.rpartition("}")[2]  # lxml's "{uri}local", or a bare "local"
    return f"{element.prefix}:{local}" if element.prefix else local


def xpath_of(element: Any) -> str:
    """A readable XPath with prefixes: /rss/channel/item[2]/podcast:transcript[1]."""
    parts: list[str] = []
    while element is not None:
        parent = element.getparent()
        name = qname(element)
        if parent is not None:
            same = [c for c in parent if c.tag == element.tag]
            if len(same) > 1:
                name += f"[{same.index(element) + 1}]"
        parts.append(name)
        element = parent
    return "/" + "/".join(reversed(parts))


class FeedContext:
    """One built feed being checked: feed.xml plus the files it names, and the findings."""

    def __init__(
        self,
        files: Mapping[str, Path],
        feed_dir: Path,
        show: Show | None,
        now: datetime | None,
        checked_images: set[bytes] | None = None,
        trusted: Collection[str] = (),
    ) -> None:
        self.files = files
        # files an earlier build checked and published, kept unchanged: only their
        # presence and size are checked again (reading every episode's tags and
        # transcripts would make a one-episode build of a large show slow)
        self.trusted = frozenset(trusted)
        self.feed_dir = feed_dir
        self.show = show
        self.now = now
        self.findings: list[Finding] = []
        self.base_url: str | None = show.base_url if show else None
        self.feed_label = str(feed_dir / FEED_FILE)
        self.checked_images = checked_images if checked_images is not None else set()

    def add(
        self,
        rule: str,
        message: str,
        hint: str | None = None,
        *,
        element: Any = None,
        path: str | None = None,
        line: int | None = None,
    ) -> None:
        xpath = None
        if element is not None:
            xpath = xpath_of(element)
            if path is None:  # a line of feed.xml; other files are named without one
                line = line or element.sourceline
        self.findings.append(
            Finding(
                rule,
                RULES[rule].severity,
                path or self.feed_label,
                message,
                hint,
                line,
                xpath,
            )
        )

    def label(self, relative: str) -> str:
        return str(self.feed_dir / relative)

    def local(self, url: str) -> str | None:
        """The feed/ file a URL under the base URL names (None: not ours)."""
        if not self.base_url or not url.startswith(self.base_url):
            return None
        path = unquote(urlsplit(url[len(self.base_url) :]).path)
        # a folder's URL names its page, as web servers serve it (the episode pages)
        return path + "index.html" if path == "" or path.endswith("/") else path

    def learn_base_url(self, channel: Any) -> None:
        """Without podcast.yaml, the base URL comes from the feed's self link."""
        if self.base_url is not None:
            return
        selfs = [e for e in channel.findall(f"{{{ATOM_NS}}}link") if e.get("rel") == "self"]
        href = selfs[0].get("href") or "" if selfs else ""
        if href.endswith("/" + FEED_FILE):
            self.base_url = href[: -len(FEED_FILE)]

    def load_json(self, path: Path, relative: str, rule: str, element: Any) -> Any:
        try:
            if path.stat().st_size > MAX_JSON_BYTES:
                raise ValueError("file too large")
            return json.loads(path.read_bytes().decode("utf-8"))
        except (OSError, ValueError) as exc:
            self.add(
                rule,
                f"{relative} is not valid JSON: {exc}",
                "rebuild",
                element=element,
                path=self.label(relative),
            )
            return None
