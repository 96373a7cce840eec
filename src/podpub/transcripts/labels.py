"""Transcript reading: speaker labels (pure): "Name: text" in all its export styles, and
whether a label names a person ("Alice", "SPEAKER_1", "A & B") or something else
("Links", "Break", "Sponsor"), and lists of names (credits, captions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from podpub.transcripts.lines import TIME, is_link_line, normalize_space, parse_time_ms

_NAME_PART = r"[^\W\d_][\w'’.-]*"
_NAME = rf"{_NAME_PART}(?:\s+{_NAME_PART}){{0,3}}"
_NAME_LIST = re.compile(
    rf"^(?:with\s+|featuring\s+|feat\.\s+|starring\s+)?{_NAME}"
    rf"(?:\s*(?:,|;|&|\band\b|\+|/|·|•|\|)\s*(?:and\s+)?{_NAME}){{1,30}}\.?$"
)


def looks_like_name_list(text: str) -> bool:
    """ "Alice Smith, Bob Jones and Carol White": a list of names, not speech.

    Every listed item must be one to four capitalised words; a list of two needs full
    names.
    """
    line = normalize_space(text).strip("*_ ")
    if not line or not _NAME_LIST.fullmatch(line):
        return False
    items = re.split(r"\s*(?:,|;|&|\band\b|\+|/|·|•|\|)\s*", re.sub(r"\.$", "", line))
    items = [re.sub(r"^(?:with|featuring|feat\.|starring|and)\s+", "", i) for i in items if i]
    # Two one-word items ("Yes, Absolutely") are too easily speech.
    if len(items) < 2 or (len(items) == 2 and any(len(i.split()) < 2 for i in items)):
        return False
    return all(_is_capitalised_name(item) for item in items)


def _is_capitalised_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 4:
        return False
    return all(_name_word_ok(w) for w in words) and _name_word_ok(words[0], particle=False)


_PARTICLES = frozenset(
    [
        "de",
        "da",
        "das",
        "do",
        "dos",
        "du",
        "del",
        "della",
        "der",
        "den",
        "di",
        "van",
        "von",
        "la",
        "le",
        "el",
        "al",
        "bin",
        "binti",
        "ibn",
        "y",
        "e",
        "zu",
        "ten",
        "ter",
        "st",
    ]
)


def _name_word_ok(word: str, particle: bool = True) -> bool:
    w = word.strip("'’")
    if not w:
        return False
    if particle and w.lower() in _PARTICLES:
        return True
    first = w[0]
    if not first.isalpha():
        return False
    # Scripts without case (CJK, Arabic, Thai…) have neither upper nor lower.
    return first.isupper() or not first.islower()


# --- speaker labels ------------------------------------------------------------------

# Labels that look like "Name:" but are not a person speaking, with the reason a line
# carrying one is set aside ("heading" lines become sections instead).
_LABEL_REASONS: dict[str, str] = {}
for _reason, _words in {
    "heading": "chapter section part segment topic",
    "links": "link links resources resource references reference sources source "
    "website web site url homepage blog newsletter shownotes twitter x instagram facebook "
    "youtube tiktok linkedin mastodon bluesky threads patreon email e-mail contact rss "
    "subscribe follow mentioned",
    "sponsor": "sponsor sponsors ad ads advert advertisement advertising promo promotion "
    "partner partners",
    "note": "note notes editor's editors correction corrections update updated clarification "
    "disclaimer warning caution tw cw ps p.s. n.b. nb tip hint example",
    "credits": "credit credits producer producers produced editor editors edited "
    "theme artwork art engineer engineering mixed mixing mastering recorded transcribed "
    "transcription guests hosts cast crew team featuring thanks",
    "caption": "photo photos image images picture pictures illustration video caption",
    # parts of a programme, not people: "Break:", "Jingle:", "SFX:" (kept out of speakers)
    "programme": "break jingle sfx fx sound sounds soundbite stinger bumper interlude "
    "commercial intro outro music musik clip montage",
    "metadata": "date time duration length runtime episode season published posted tags tag "
    "category categories keywords language location recorded summary description "
    "transcript title subtitle",
}.items():
    for _w in _words.split():
        _LABEL_REASONS[_w] = _reason
del _reason, _words, _w

_PHRASE_REASONS = {
    "show notes": "links",
    "useful links": "links",
    "episode links": "links",
    "further reading": "links",
    "find us": "links",
    "follow us": "links",
    "sponsored by": "sponsor",
    "brought to you by": "sponsor",
    "ad break": "sponsor",
    "editor's note": "note",
    "editors note": "note",
    "content warning": "note",
    "trigger warning": "note",
    "produced by": "credits",
    "edited by": "credits",
    "music by": "credits",
    "theme music": "credits",
    "executive producer": "credits",
    "special thanks": "credits",
    "cover art": "credits",
}

_GENERIC_SPEAKER = re.compile(
    r"(?i)(?:speaker|spk|spkr|person|voice|participant|caller|unknown|unidentified|"
    r"interviewer|interviewee|host|co-?host|guest|moderator|narrator|announcer|audience|"
    r"audience member|student|panelist)(?:[ _-]?(?:\d{1,3}|[A-Z]))?"
)
_ROLE_SPEAKERS = frozenset(
    [
        "host",
        "cohost",
        "co-host",
        "guest",
        "moderator",
        "narrator",
        "announcer",
        "interviewer",
        "interviewee",
    ]
)
_TITLE_WORDS = frozenset(
    [
        "dr",
        "mr",
        "mrs",
        "ms",
        "mx",
        "prof",
        "sr",
        "jr",
        "st",
        "rev",
        "hon",
        "sen",
        "rep",
        "gov",
        "gen",
        "capt",
    ]
)


def label_reason(label: str) -> str | None:
    """Why a "Label:" is not a speaker ("heading", "links", "sponsor", "note",
    "credits", "caption", "metadata"), or None when it may name a speaker."""
    words = normalize_space(label.strip("*_ ")).lower()
    words = re.sub(r"\s*\d+$", "", words)  # "Chapter 2", "Part 3"
    if words in _LABEL_REASONS:
        return _LABEL_REASONS[words]
    if words in _PHRASE_REASONS:
        return _PHRASE_REASONS[words]
    first = words.split(" ", 1)[0] if words else ""
    if first in ("chapter", "part", "section", "segment") and re.fullmatch(
        r"\w+ (?:\d+|[ivxlc]+|one|two|three|four|five|six|seven|eight|nine|ten)", words
    ):
        return "heading"
    return None


def is_plausible_speaker(label: str) -> bool:
    """Could ``label`` (the part before the colon) name a speaker?

    Yes for "Alice", "ALICE", "Dr. Alice Smith", "SPEAKER_1", "Speaker 2", "Q", "Host";
    no for "Links", "Note", "Sponsor", "So here's the thing", "12", "https".
    """
    name = normalize_space(label.strip("*_ "))
    if "&" in name:  # a group label, "Alice & Bob": each of them a speaker
        parts = [p for p in name.split("&")]
        return len(parts) <= 4 and all(p.strip() and is_plausible_speaker(p) for p in parts)
    # "Alice (Host)": judge the name, not the role in parentheses.
    name = re.sub(r"\s*\([^()]{1,30}\)$", "", name)
    if not name or len(name) > 40 or label_reason(name) is not None:
        return False
    if _GENERIC_SPEAKER.fullmatch(name):
        return True
    if re.fullmatch(r"[A-Z]{1,3}", name):  # initials, "Q", "A"
        return True
    words = name.split()
    if len(words) > 5:
        return False
    if not _name_word_ok(words[0], particle=False):
        return False
    for w in words:
        core = w.rstrip(".")
        if w.endswith(".") and not (
            len(core) <= 2 or core.lower() in _TITLE_WORDS or re.fullmatch(r"(?:[A-Z]\.)+[A-Z]?", w)
        ):
            return False
        if not re.fullmatch(r"[^\W\d_][\w'’.-]*|\d{1,3}", w):
            return False
        if not _name_word_ok(w) and not w.isdigit():
            return False
    return not (words[-1].isdigit() and len(words) == 1)


def is_role_speaker(label: str) -> bool:
    """ "Host", "Guest": a role that speaks, but also a credits key ("Host: Jane Doe")."""
    return normalize_space(label.strip("*_ ")).lower() in _ROLE_SPEAKERS


@dataclass(frozen=True)
class Label:
    """What a speaker-label line says: who, from when, and the text after the label."""

    speaker: str | None
    start_ms: int | None
    end_ms: int | None
    text: str
    raw_label: str  # the label as written (without time), "" for a time-only label


_B = r"(?:\*\*|__)?"  # optional bold around a name
_CLOCK_WITH_HOURS = r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?|\d{1,2}:\d{2}[.,]\d{1,3}"
_LABEL_NAME = r"[^\W\d][\w'’. &-]{0,59}?"
_TIME_RANGE = rf"({TIME})(?:\s*(?:-|–|—|to|-->)\s*({TIME}))?"
_LABEL_PATTERNS = (
    # [00:01:02] Alice: text   /  0:00:03.4 **Alice** text  /  (00:01) **Alice:** text
    re.compile(
        rf"^[\[(]?{_TIME_RANGE}[\])]?\s*[-–—|]?\s*{_B}({_LABEL_NAME}){_B}\s*:\s*{_B}\s*(.*)$"
    ),
    re.compile(rf"^[\[(]?{_TIME_RANGE}[\])]?\s+(?:\*\*|__)({_LABEL_NAME})(?:\*\*|__)\s*:?\s*(.*)$"),
    # Alice (00:01): text  /  Alice [00:01:02]  /  **Alice** (00:01)
    re.compile(
        rf"^{_B}({_LABEL_NAME}){_B}\s*[*_]{{0,2}}[\[(]{_TIME_RANGE}[\])][*_]{{0,2}}\s*{_B}:?{_B}"
        r"\s*(.*)$"
    ),
    # Otter: "Alice Smith  0:03" alone on its line
    re.compile(rf"^{_B}({_LABEL_NAME}){_B}\s+{_TIME_RANGE}$"),
    # **Alice:** text  /  **Alice**: text  /  **Alice** (alone)
    re.compile(
        rf"^(?:\*\*|__)({_LABEL_NAME})\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|(?:\*\*|__)$)"
        r"\s*(.*)$"
    ),
    # Alice: text  /  ALICE:  /  SPEAKER_1: text
    re.compile(rf"^({_LABEL_NAME}(?:\s*\([^\W\d][^()\d:]{{0,30}}\))?)\s*:(?!//)\s*(.*)$"),
    # (00:01): text  /  [00:01:02] text  /  [00:01:02] alone  /  00:01:02 alone
    re.compile(rf"^\({_TIME_RANGE}\)\s*:\s*(.*)$"),
    re.compile(rf"^\[{_TIME_RANGE}\]\s*[-–—|:]?\s*(.*)$"),
    re.compile(rf"^{_TIME_RANGE}$"),
    # 00:01:02 text  /  0:04:36.4 text: a clock with hours or a fraction before the words
    re.compile(rf"^({_CLOCK_WITH_HOURS})()\s+(\S.*)$"),
    # **Alice: the whole turn in bold**  (a host's questions set in bold on a web page)
    re.compile(rf"^(?:\*\*|__)({_LABEL_NAME})\s*:\s+(\S.*?)(?:\*\*|__)$"),
)
_CLOCK_ONLY = re.compile(rf"[\[(]?{_TIME_RANGE}[\])]?")
_ESCAPED_TIME = re.compile(rf"\\([\[(])({TIME})\\([\])])")


def match_label(line: str) -> Label | None:
    """Recognise a speaker-label line in any of the common export styles.

    Returns the label even when the name is implausible ("Links: …"); callers check
    ``is_plausible_speaker`` / ``label_reason``. Returns None for ordinary text and for
    lines whose time is not a valid clock.
    """
    s = _ESCAPED_TIME.sub(r"\1\2\3", line.strip())  # Markdown's "\[07:47\]"
    if not s or len(s) > 100_000:
        return None
    for i, pattern in enumerate(_LABEL_PATTERNS):
        m = pattern.match(s)
        if not m:
            continue
        if i in (0, 1):
            start, end, name, text = m.group(1), m.group(2), m.group(3), m.group(4)
        elif i == 2:
            name, start, end, text = m.group(1), m.group(2), m.group(3), m.group(4)
        elif i == 3:
            name, start, end, text = m.group(1), m.group(2), m.group(3), ""
        elif i in (4, 5, 10):
            name, start, end, text = m.group(1), None, None, m.group(2)
        elif i in (6, 7, 9):
            name, start, end, text = None, m.group(1), m.group(2) or None, m.group(3)
        else:
            name, start, end, text = None, m.group(1), m.group(2), ""
        start_ms = parse_time_ms(start) if start else None
        end_ms = parse_time_ms(end) if end else None
        if (start and start_ms is None) or (end and end_ms is None):
            return None
        if name is not None:
            name = normalize_space(name.strip("*_ "))
            if not name:
                return None
        if i == 5 and name is not None and not _colon_label_ok(name, text):
            return None
        if i == 5 and (clock := _CLOCK_ONLY.fullmatch(text.strip())) is not None:
            # "Name: 00:01:10" alone on its line, the turn below: the time of the turn
            start_ms = parse_time_ms(clock.group(1))
            end_ms = parse_time_ms(clock.group(2)) if clock.group(2) else None
            if start_ms is not None:
                return Label(name, start_ms, end_ms, "", name or "")
        return Label(name, start_ms, end_ms, (text or "").strip(), name or "")
    return None


def _colon_label_ok(name: str, text: str) -> bool:
    # "Alice: text" needs the name to end right before the colon and the text not to be a
    # continuation of a clock ("12:30") or a URL scheme.
    return not (re.fullmatch(r"\d+", name) or (re.match(r"\d", text) and name[-1:].isdigit()))


def credits_after_label(label: str, text: str) -> bool:
    """ "Host: Jane Doe", "Guests: A and B": a role label followed by names, not speech."""
    if not text:
        return False
    return is_role_speaker(label) and (
        looks_like_name_list(text) or _is_capitalised_name(text.rstrip(".")) or is_link_line(text)
    )


__all__ = [
    "Label",
    "credits_after_label",
    "is_plausible_speaker",
    "is_role_speaker",
    "label_reason",
    "looks_like_name_list",
    "match_label",
]
