"""The rules of ``podpub check``: each has an ID, a severity and a one-line summary
(``RULES``); a broken one is a ``Finding`` with the file (and line or XPath) and a fix.

Sources: Apple's "A Podcaster's Guide to RSS", the Podcasting 2.0 namespace, PSP-1, RSS
2.0 and the W3C feed validator, the ID3v2 chapter addendum; see the comments at each rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]

# No spec caps chapter titles; players show one line of roughly this many characters in
# their chapter lists (and Apple shows them as transcript section headers, where the
# namespace recommends <= 65-character lines), so longer titles get cut off.
MAX_CHAPTER_TITLE_CHARS = 64


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str


_RULE_LIST = (
    # inputs
    Rule("PP001", "error", "podcast.yaml / episode.yaml / file names are valid"),
    Rule("PP002", "error", "every episode's transcript and audio can be read"),
    Rule("PP003", "warning", "feed/ has been built (feed rules need it)"),
    Rule("PP010", "warning", "chapter starts are given or aligned, not estimated"),
    Rule("PP011", "warning", "aligned chapter starts have a reasonable confidence"),
    Rule("PP012", "warning", "the transcript reader was sure of its reading (or was told)"),
    Rule("PP013", "warning", "aligned paragraph starts have a reasonable confidence"),
    # feed, channel
    Rule("PP100", "error", "feed.xml is well-formed RSS 2.0 with one channel"),
    Rule("PP101", "error", "itunes, podcast, atom, content namespaces use the exact URIs"),
    Rule("PP102", "error", "required channel elements are present"),
    Rule("PP103", "warning", "recommended channel elements are present"),
    Rule("PP104", "warning", "descriptions are at most 4000 bytes"),
    Rule("PP105", "error", "categories come from Apple's list, subcategory under its parent"),
    Rule("PP106", "error", "itunes:explicit is true or false"),
    Rule("PP107", "error", "language is an ISO 639 code"),
    Rule("PP108", "warning", "values are at most 255 characters, without outer spaces"),
    Rule("PP109", "warning", "titles hold no HTML brackets (YouTube refuses them)"),
    Rule("PP110", "warning", "atom:link rel=self is where the feed is served"),
    # artwork
    Rule("PP120", "error", "artwork is a PNG or JPEG file with a matching name"),
    Rule("PP121", "warning", "artwork is square"),
    Rule("PP122", "warning", "artwork is 1400 to 3000 pixels on a side"),
    Rule("PP123", "warning", "artwork is in RGB colour"),
    Rule("PP124", "warning", "artwork is at most 10 MB"),
    # items
    Rule("PP200", "error", "every episode has a title"),
    Rule("PP201", "error", "every episode has one enclosure with url, length and type"),
    Rule("PP202", "error", "enclosure type is a MIME type matching the file"),
    Rule("PP203", "warning", "enclosure type is one Apple lists"),
    Rule("PP204", "error", "enclosure length is the file size in bytes"),
    Rule("PP205", "error", "every URL the feed names under the base URL exists in feed/"),
    Rule("PP206", "error", "itunes:duration is whole seconds matching the audio"),
    Rule("PP207", "error", "pubDate is RFC 2822 with the right weekday"),
    Rule("PP208", "warning", "pubDate is not in the future"),
    Rule("PP209", "error", "every episode has a guid"),
    Rule("PP210", "error", "guids are unique"),
    Rule("PP211", "error", "a guid that is not a URL has isPermaLink=false"),
    Rule("PP212", "warning", "guids are long enough to be unique"),
    Rule("PP213", "error", "itunes:episode/season are positive, episodeType and type valid"),
    Rule("PP214", "warning", "URLs use https"),
    Rule("PP215", "warning", "the feed has at least one episode"),
    Rule("PP216", "warning", "recommended episode elements are present"),
    Rule("PP217", "warning", "every episode of a serial show has itunes:episode"),
    # podcast namespace
    Rule("PP300", "error", "podcast:guid is a UUID"),
    Rule("PP301", "warning", "podcast:guid is the UUIDv5 of the feed URL, unless set on purpose"),
    Rule("PP302", "error", "podcast:transcript has url and a type matching the file"),
    Rule("PP303", "warning", "podcast:transcript type and rel are ones the namespace lists"),
    Rule("PP304", "error", "podcast:chapters is a JSON chapters file of the right type"),
    Rule("PP305", "error", "podcast:locked is yes or no"),
    Rule("PP306", "error", "podcast:medium is one the namespace lists"),
    Rule("PP307", "error", "podcast:license is an SPDX identifier, or has the url of its text"),
    Rule("PP308", "error", "podcast:updateFrequency rrule is an RFC 5545 rule (COUNT: dtstart)"),
    Rule("PP309", "error", "podcast:soundbite is in seconds and lies inside the episode"),
    Rule("PP310", "warning", "podcast:soundbite lasts 15 to 120 seconds"),
    Rule("PP311", "error", "podcast:remoteItem feedGuid (podroll, publisher) is a UUID"),
    Rule("PP312", "warning", "podcast:txt is at most 4000 characters (purpose 128)"),
    Rule("PP313", "warning", "podcast:location names a place in 1 to 128 characters"),
    Rule("PP314", "error", "podcast:location geo is an RFC 5870 geo URI"),
    Rule("PP315", "error", "podcast:trailer has a url, an RFC 2822 pubdate and a title"),
    Rule("PP316", "error", "podcast:value has type, method, recipients with whole-number splits"),
    Rule("PP317", "warning", "podcast:value pays someone: non-fee splits are not all 0"),
    Rule("PP318", "error", "podcast:valueRecipient fee is true or false"),
    Rule("PP319", "error", "value recipient addresses: node a 66-hex pubkey, lnaddress a@b.c"),
    Rule("PP320", "error", "podcast:valueTimeSplit lies inside the episode, one kind of payee"),
    Rule("PP321", "warning", "podcast:value types and methods are the namespace's value slugs"),
    Rule("PP322", "error", "podcast:block is yes or no"),
    Rule("PP323", "warning", "podcast:block id is a service slug the namespace lists"),
    Rule("PP324", "warning", "podcast:chat has a server host, a listed protocol and accountId"),
    Rule("PP325", "error", "podcast:images srcset is absolute URLs with widths (600w)"),
    Rule("PP326", "error", "podcast:socialInteract: listed protocol, http(s) uri, whole priority"),
    Rule("PP327", "error", "chapters.json img/url are URLs, toc true/false, location name+geo"),
    # chapters
    Rule("PP400", "error", "chapters lie inside the episode's duration"),
    Rule("PP401", "error", "ID3, chapters JSON, PSC and show-notes chapters agree"),
    Rule("PP402", "warning", f"chapter titles fit in {MAX_CHAPTER_TITLE_CHARS} characters"),
    Rule("PP403", "error", "MP3 chapters are in an ID3v2.3 or ID3v2.4 tag"),
    Rule("PP404", "error", "ID3 chapters have one top-level CTOC reaching every CHAP"),
    Rule("PP405", "warning", "show-notes chapters follow Apple's form (00:00 first, 3 or more)"),
    # GUID lock
    Rule("PP500", "error", "published GUIDs and podcast:guid do not change (podpub.lock)"),
    Rule("PP501", "error", "podpub.lock can be read"),
    Rule("PP502", "warning", "published enclosure URLs do not change"),
)
RULES: dict[str, Rule] = {rule.id: rule for rule in _RULE_LIST}


@dataclass(frozen=True)
class Finding:
    """One broken rule: where, what, and how to fix it."""

    rule: str
    severity: Severity
    path: str
    message: str
    hint: str | None = None
    line: int | None = None
    xpath: str | None = None

    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        text = f"{self.where()}: {self.severity} {self.rule}: {self.message}"
        if self.xpath:
            text += f" (at {self.xpath})"
        if self.hint:
            text += f"; fix: {self.hint}"
        return text


def exit_code(findings: Iterable[Finding], *, strict: bool = False) -> int:
    """0 when clean; 1 on errors (and on warnings too with ``strict``)."""
    failing = ("error", "warning") if strict else ("error",)
    return 1 if any(f.severity in failing for f in findings) else 0


def render_text(findings: Iterable[Finding]) -> str:
    return "".join(f"{f}\n" for f in findings)


def render_json(findings: list[Finding]) -> str:
    doc = {
        "errors": sum(f.severity == "error" for f in findings),
        "warnings": sum(f.severity == "warning" for f in findings),
        "findings": [asdict(f) for f in findings],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
