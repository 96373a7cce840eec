"""Telling the directories a feed changed (I/O, stdlib HTTP): WebSub and pubnotify.

Only after a deploy that changed feed.xml. A failure is a warning, never a failed
deploy: the feed is already served, and directories poll it anyway.

- WebSub 1.0 section 7 leaves the publisher's ping to the hub; the convention hubs
  accept (Google's pubsubhubbub, Superfeedr, websub.rocks) is a form POST of
  ``hub.mode=publish`` and ``hub.url=<the feed's URL>``; podpub sends it to
  ``websub_hub:`` of podcast.yaml (the feed links that hub with ``atom:link rel="hub"``).
- The Podcast Index's pubnotify: ``GET .../hub/pubnotify?url=<the feed's URL>``, no key
  needed. Its address comes from ``PODPUB_PUBNOTIFY_URL`` when set (an empty value turns
  it off), else ``PUBNOTIFY_URL``.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from urllib.parse import urlencode

from podpub import __version__

PUBNOTIFY_URL = "https://api.podcastindex.org/api/1.0/hub/pubnotify"
PUBNOTIFY_ENV = "PODPUB_PUBNOTIFY_URL"
TIMEOUT_S = 10
_AGENT = f"podpub/{__version__}"


def _send(request: urllib.request.Request, what: str) -> str | None:
    """None when the request succeeded, else a warning."""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        return f"{what} answered {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"{what} could not be reached: {reason}"
    return None


def websub_publish(hub: str, feed_url: str) -> str | None:
    body = urlencode({"hub.mode": "publish", "hub.url": feed_url}).encode("ascii")
    request = urllib.request.Request(
        hub,
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": _AGENT},
    )
    return _send(request, f"WebSub hub {hub}")


def pubnotify(feed_url: str, endpoint: str) -> str | None:
    separator = "&" if "?" in endpoint else "?"
    url = endpoint + separator + urlencode({"url": feed_url})
    request = urllib.request.Request(url, headers={"User-Agent": _AGENT})
    return _send(request, f"pubnotify {endpoint}")


def notify(feed_url: str, hub: str | None) -> tuple[list[str], list[str]]:
    """Ping the hub and pubnotify: (who was told, warnings)."""
    endpoint = os.environ.get(PUBNOTIFY_ENV, PUBNOTIFY_URL)
    results: list[tuple[str, str | None]] = []
    if hub:
        results.append((f"WebSub hub {hub}", websub_publish(hub, feed_url)))
    if endpoint:
        results.append((f"pubnotify {endpoint}", pubnotify(feed_url, endpoint)))
    told = [name for name, warning in results if warning is None]
    warnings = [
        f"{warning} (the feed is deployed; directories will still poll it)"
        for _, warning in results
        if warning is not None
    ]
    return told, warnings
