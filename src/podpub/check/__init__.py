"""podpub check (I/O: reads the inputs and feed/; writes nothing but the alignment cache):
lint against the rules apps and directories apply.

Every rule has an ID, a severity and a fix hint (``RULES``). Sources: Apple's "A
Podcaster's Guide to RSS", the Podcasting 2.0 namespace, PSP-1, RSS 2.0 and the W3C feed
validator, the ID3v2 chapter addendum; see the comments at each rule.

Two entry points:

- ``check_show(root)``: the inputs (podcast.yaml, episodes/, podpub.lock), then the
  built ``feed/``: what ``podpub check`` prints.
- ``refuse_failing_feed(stage, show)``: the error-level feed rules on a staged build,
  called by ``build`` just before publishing. A feed that fails is not published and the
  previous ``feed/`` stays as it was.

The modules: ``rules`` (the table, findings, text and JSON output), ``context`` (what the
feed rules share), ``channel``, ``artwork`` (sizes from the PNG/JPEG header bytes, no
imaging library), ``items`` (episodes and their enclosures), ``podcasting`` (the
Podcasting 2.0 tags written from YAML), ``chapters`` (every chapter list agrees; ID3 tags
come from ``podpub.audio``), ``gate`` (feed.xml parsed once, the build's gate) and
``show`` (inputs, lock, then the feed).
"""

from __future__ import annotations

from podpub.check.artwork import ImageInfo, read_image_info
from podpub.check.context import xpath_of
from podpub.check.gate import check_feed, feed_files, refuse_failing_feed
from podpub.check.items import sniff_media
from podpub.check.rules import RULES, Finding, Rule, Severity, exit_code, render_json, render_text
from podpub.check.show import check_show

__all__ = [
    "RULES",
    "Finding",
    "ImageInfo",
    "Rule",
    "Severity",
    "check_feed",
    "check_show",
    "exit_code",
    "feed_files",
    "read_image_info",
    "refuse_failing_feed",
    "render_json",
    "render_text",
    "sniff_media",
    "xpath_of",
]
