"""Transcript reading: classifiers for single lines of transcript text (pure).

Every reader asks the same questions about a line: is it spoken, a speaker label, a
heading, or page furniture (navigation, a "subscribe" call, a photo credit, a footer,
a "Links:" list, a sponsor read, an annotation such as "[laughter]")? The answers live
here so that all readers, the plain web-text one included, agree.

The classifiers prefer to say "no": a spoken line wrongly set aside is lost from the
transcript, while page furniture wrongly kept is only noise. Patterns that are only
safe on short lines check the length first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from podpub.timecode import CLOCK, parse_clock_ms

TIME = CLOCK

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SPACE = re.compile(r"\s+")
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_HANDLE = re.compile(r"(?<![\w@])@\w{2,}")


def split_lines(text: str) -> list[str]:
    """Split on \\n, \\r\\n or \\r only, so that line numbers match what editors show.

    A leading byte-order mark is dropped.

    (``str.splitlines`` also splits on form feeds and U+2028, which editors do not.)
    """
    return _LINE_BREAK.split(text.removeprefix("\ufeff"))


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def word_count(text: str) -> int:
    return len(text.split())


def has_url(text: str) -> bool:
    return bool(_URL.search(text) or _EMAIL.search(text))


# A time mark written inside the text: "[07:47]", "(00:12:34)", Markdown's "\[07:47\]".
TIME_MARK = re.compile(rf"\\?[\[(]({TIME})\\?[\])]")


def split_time_marks(text: str) -> list[tuple[int | None, str]]:
    """Text cut at its time marks: ``(time of the mark before, text)`` pieces, the first
    with ``None`` unless the text opens with a mark; marks that are no valid clock stay."""
    pieces: list[tuple[int | None, str]] = []
    start: int | None = None
    at = 0
    for m in TIME_MARK.finditer(text):
        ms = parse_time_ms(m.group(1))
        if ms is None:
            continue
        pieces.append((start, text[at : m.start()]))
        start, at = ms, m.end()
    pieces.append((start, text[at:]))
    return [(t, normalize_space(piece)) for t, piece in pieces if normalize_space(piece) or t]


def parse_time_ms(text: str) -> int | None:
    """A clock string (see ``TIME``) in ms, or None when it is not a valid time."""
    try:
        return parse_clock_ms(text.replace(",", "."))
    except ValueError:
        return None


# --- annotations ---------------------------------------------------------------------

_ANNOTATION_WORDS = (
    "music",
    "laugh",
    "chuckl",
    "giggl",
    "applause",
    "clap",
    "inaudible",
    "unintelligible",
    "crosstalk",
    "cross talk",
    "overlapping",
    "silence",
    "pause",
    "sigh",
    "cough",
    "sound",
    "theme",
    "jingle",
    "break",
    "intro",
    "outro",
    "ad ",
    "advert",
    "sponsor",
    "transition",
    "noise",
    "static",
    "beep",
    "bleep",
    "ring",
    "phone",
    "door",
    "cheer",
    "gasp",
    "sniff",
    "clears throat",
    "indistinct",
    "foreign",
    "speaking",
    "audio",
    "video",
    "clip",
    "plays",
    "playing",
    "fades",
    "fade",
    "ends",
    "begins",
    "continues",
    "background",
    "singing",
    "sings",
    "humm",
    "whistl",
    "groan",
    "exhale",
    "inhale",
    "breath",
    "yawn",
    "cries",
    "crying",
    "end of",
)
_BRACKETED_LINE = re.compile(r"\[[^\[\]]{1,80}\]|\([^()]{1,80}\)|\{[^{}]{1,80}\}")
_MUSIC_LINE = re.compile(r"[♪♫♬🎵🎶#\s]*[♪♫♬🎵🎶][^\n]*")


def is_annotation(text: str) -> bool:
    """A whole line that describes sound rather than speech: "[Music]", "(laughs)", "♪".

    Square brackets always mark an annotation when they hold the whole line (transcribers
    use them for exactly that); parentheses only when they name a sound, because
    "(12:34) Topic" or "(continued)" are not annotations.
    """
    line = text.strip().strip("*_").strip()
    if not line:
        return False
    if _MUSIC_LINE.fullmatch(line):
        return True
    if not _BRACKETED_LINE.fullmatch(line):
        return False
    inner = line[1:-1].strip().lower()
    if not inner or re.fullmatch(TIME, inner):
        return False
    if line.startswith("["):
        return True
    return any(w in inner + " " for w in _ANNOTATION_WORDS)


# --- page furniture ------------------------------------------------------------------

_NAVIGATION = re.compile(
    r"(?i)^(?:skip to (?:main )?content|skip navigation|main menu|menu|toggle navigation|"
    r"search|home|back to top|back to (?:all )?(?:episodes|posts|podcasts?)|"
    r"(?:«|‹|<|←)?\s*(?:previous|prev|older|newer|next)(?: (?:episode|post|article|page))?"
    r"\s*(?:»|›|>|→)?|read more|continue reading|load more|share(?: this)?(?: episode| post)?:?|"
    r"share on \w+|tweet|print|email this|copy link|(?:play|pause|download)(?: episode)?|"
    r"listen now|open in (?:a )?new (?:tab|window)|related(?: posts| episodes| articles)?:?|"
    r"you (?:may|might) also like:?|leave a (?:reply|comment)|\d+ comments?|no comments)$"
)
# "Home | About | Episodes" or "Home › Podcasts › Episode 3": a row of short links.
_CRUMBS = re.compile(r"^[^|›»>/•·]{1,25}(?:\s*[|›»>/•·]\s*[^|›»>/•·]{1,25}){2,}$")

_PROMO = re.compile(
    r"(?i)^(?:please\s+)?(?:subscribe|listen|follow|rate|review|download|find|get|support|"
    r"join|become a (?:patron|member|supporter)|sign up|available|watch|catch)\b"
    r".{0,60}\b(?:apple podcasts|itunes|spotify|google podcasts|youtube|overcast|pocket casts|"
    r"stitcher|castbox|podcast app|patreon|newsletter|rss|wherever you (?:get|listen)|"
    r"on (?:twitter|x|instagram|facebook|linkedin|tiktok|mastodon|bluesky)|substack)\b"
)
_PROMO_SHORT = re.compile(
    r"(?i)^(?:subscribe(?: now| here| to (?:the|our) (?:podcast|show|newsletter|channel))?|"
    r"listen on|available on|follow us|support (?:the show|us)|donate|sign up)\b.{0,40}$"
)

_CAPTION_START = re.compile(
    r"(?i)^(?:photo|photograph|image|picture|pictured|illustration|graphic|video|credit|"
    r"photo credit|image credit|cover (?:image|photo|art)|header image|top image|source)"
    r"(?:\s+by)?\s*[:：—–-]"
)
_CAPTION_END = re.compile(
    r"(?i)(?:\b(?:getty images|shutterstock|unsplash|pexels|wikimedia commons|"
    r"creative commons|cc by(?:-sa)?(?: \d\.\d)?|picture alliance|afp|reuters|ap photo|epa)\b"
    r"[^.!?]*|\((?:photo|image|credit)[^()]*\))\.?$"
)
# A bare "©" marks a photo credit ("©AFP/Name"); with a year it is the site's copyright.
_COPYRIGHT = re.compile(
    r"(?:©|\(c\))\s*(?:\d{4}|copyright)|\bcopyright\b|\ball rights reserved\b", re.IGNORECASE
)

_TRANSCRIPT_HEADER = re.compile(
    r"(?i)^(?:(?:full|episode|podcast|show|edited|auto(?:matically)?[- ]generated|"
    r"machine[- ]generated|read the|view|show|hide|download(?: the)?)\s+)?"
    r"(?:transcript|transcription)(?:\s+(?:below|follows|of (?:the|this) (?:episode|show|"
    r"podcast|interview|conversation)))?\s*[:.]?$|"
    r"^(?:this|the following|below is (?:a|the))\s+(?:is (?:a|an)\s+)?(?:\w+\s+){0,3}"
    r"transcript\b.{0,120}$|"
    r"^transcripts? (?:are|is|were|was|may|might) .{0,120}$"
)

_BYLINE = re.compile(
    r"(?i)^(?:by|written by|posted by|published by|words by|story by|"
    r"posted|published|updated|last updated|posted on|published on)\s*:?\s+"
    r"[\w.'’ -]{1,60}(?:,\s*[\w.'’ -]{1,60})?$"
)
_BIO_HEADING = re.compile(
    r"(?i)^(?:about (?:the )?(?:author|authors|host|hosts|guest|guests|show|podcast|us)|"
    r"author bio|host bio|guest bio|meet (?:the|your) hosts?)\s*:?$"
)
_FOOTER = re.compile(
    r"(?i)^(?:privacy(?: policy)?|terms(?: of (?:use|service))?|cookie(?:s| policy| settings)?|"
    r"contact(?: us)?|about(?: us)?|imprint|impressum|accessibility|sitemap|"
    r"tags?|categories|category|filed under|posted in|topics?)(?:\s*[:|].*)?$"
)

_LINKS_HEADING = re.compile(
    r"(?i)^(?:(?:episode |show |useful |related |more |further |)links?|"
    r"links (?:mentioned|from (?:the|this) (?:episode|show))|show ?notes|"
    r"resources|references|sources|further reading|reading list|mentioned(?: in (?:this|the) "
    r"(?:episode|show|conversation))?|(?:things |books |people )?(?:we )?mentioned|"
    r"where to find (?:us|them|\w+)|find (?:us|them|\w+) (?:online|on the web)|"
    r"connect with (?:us|them|\w+)|follow (?:us|them|\w+)|socials?|social media)"
    r"(?:\s+(?:and|&)\s+\w+)?\s*:?$"
)
_CREDITS_HEADING = re.compile(
    r"(?i)^(?:credits?|production credits|(?:this|the) (?:episode|show) (?:was|is) "
    r"(?:produced|made|brought to you) by.*|thanks to|special thanks(?: to)?|"
    r"(?:hosts?|guests?|producers?|team|cast|crew|music|theme music)\s*:?)$"
)
_SPONSOR_HEADING = re.compile(
    r"(?i)^(?:(?:our |today's |this episode's |episode )?sponsors?|sponsored by|"
    r"(?:ad|advertisement|advert|promo|paid promotion|partner)s?|ad break|sponsor break|"
    r"a word from our sponsors?)\s*:?$"
)
_CREDIT_LINE = re.compile(
    r"(?i)^(?:(?:hosted|produced|edited|mixed|mastered|engineered|recorded|written|"
    r"directed|presented|composed|created|designed|transcribed|executive produced|"
    r"sound design(?:ed)?|artwork|cover art|music|theme music|original music|"
    r"logo|illustration|production)(?: and \w+)?\s+by|"
    r"(?:executive )?producers?\s*:|editors?\s*:|music\s*:|theme(?: music)?\s*:|"
    r"artwork\s*:|cover art\s*:|engineers?\s*:|transcription\s*:|"
    r"(?:built|made|generated|created|powered) (?:with|using|by))\s*\S.{0,150}$"
)
_SPONSOR_LINE = re.compile(
    r"(?i)^(?:(?:this|today's) (?:episode|show|podcast) is (?:sponsored|brought to you|"
    r"supported|made possible) by|sponsored by|thanks to our sponsors?|"
    r"(?:use|with) (?:promo |discount |coupon )?code \w+)\b.{0,200}$"
)


def is_navigation(text: str) -> bool:
    """Site navigation: "Skip to content", "Next episode »", "Home | About | Episodes"."""
    line = normalize_space(text)
    if not line or len(line) > 120:
        return False
    if _NAVIGATION.fullmatch(line):
        return True
    # A breadcrumb row: short items, no sentence punctuation.
    return bool(_CRUMBS.fullmatch(line)) and not re.search(r"[.?!,;:]\s", line)


def is_promo(text: str) -> bool:
    """A call to action on a web page: "Subscribe on Apple Podcasts", "Follow us on X".

    Only short lines qualify: a host saying "subscribe wherever you listen" in the
    middle of a long spoken paragraph is speech.
    """
    line = normalize_space(text).strip("*_#> ")
    if not line or word_count(line) > 16:
        return False
    return bool(_PROMO.match(line) or _PROMO_SHORT.fullmatch(line))


def is_image_credit(text: str) -> bool:
    """A photo caption or image credit: "Photo: AFP", "… ©AFP/Name", "Image by X on Unsplash"."""
    line = normalize_space(text)
    if not line or word_count(line) > 60:
        return False
    if _CAPTION_START.match(line):
        return True
    if "©" in line and word_count(line) <= 60:
        return True
    return bool(_CAPTION_END.search(line)) and word_count(line) <= 40


def is_copyright(text: str) -> bool:
    line = normalize_space(text)
    return bool(line) and word_count(line) <= 30 and bool(_COPYRIGHT.search(line))


def is_footer_link(text: str) -> bool:
    """A site-footer line: "Privacy Policy", "Terms of Use", "Tags: ocean, tides"."""
    line = normalize_space(text).strip("*_ ")
    return bool(line) and word_count(line) <= 20 and bool(_FOOTER.fullmatch(line))


def is_transcript_header(text: str) -> bool:
    """ "Transcript", "Episode transcript:", "This transcript was machine-generated …"."""
    line = normalize_space(text).strip("*_#> ")
    return bool(line) and word_count(line) <= 30 and bool(_TRANSCRIPT_HEADER.match(line))


def is_byline(text: str) -> bool:
    """ "By Jane Doe", "Posted on March 3, 2024", "Written by A and B"."""
    line = normalize_space(text).strip("*_ ")
    return bool(line) and word_count(line) <= 12 and bool(_BYLINE.fullmatch(line))


def is_bio_heading(text: str) -> bool:
    """ "About the author", "About the host": the start of an author bio."""
    return bool(_BIO_HEADING.fullmatch(normalize_space(text).strip("*_#> ")))


def is_links_heading(text: str) -> bool:
    """ "Links:", "Show notes", "Resources", "Mentioned in this episode:"."""
    line = normalize_space(text).strip("*_#> ")
    return bool(line) and bool(_LINKS_HEADING.fullmatch(line))


def is_credits_heading(text: str) -> bool:
    line = normalize_space(text).strip("*_#> ")
    return bool(line) and bool(_CREDITS_HEADING.fullmatch(line))


def is_sponsor_heading(text: str) -> bool:
    line = normalize_space(text).strip("*_#> ")
    return bool(line) and bool(_SPONSOR_HEADING.fullmatch(line))


def is_credit_line(text: str) -> bool:
    """ "Produced by Jane Doe", "Music: Kevin MacLeod"."""
    line = normalize_space(text).strip("*_ ")
    return bool(line) and word_count(line) <= 30 and bool(_CREDIT_LINE.match(line))


def is_sponsor_line(text: str) -> bool:
    """ "This episode is sponsored by …", "Use code PODPUB for 20% off"."""
    line = normalize_space(text).strip("*_ ")
    return bool(line) and word_count(line) <= 40 and bool(_SPONSOR_LINE.match(line))


def is_link_line(text: str) -> bool:
    """A line that is mostly a URL, an e-mail address or a handle (a link list item)."""
    line = normalize_space(text)
    if not line:
        return False
    rest = _HANDLE.sub(" ", _EMAIL.sub(" ", _URL.sub(" ", line)))
    rest = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", rest)
    stripped_words = word_count(re.sub(r"[\W_]+", " ", rest))
    changed = rest != line
    return changed and stripped_words <= 8


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
)
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
        elif i in (4, 5):
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


# --- whole-line classification ---------------------------------------------------------


# the longest line that page furniture can be (an image credit: 60 words)
FURNITURE_MAX_WORDS = 61


def classify_line(text: str) -> str | None:
    """Why a whole line is not spoken text, or None when it may be speech.

    Reasons: "annotation", "navigation", "promo", "caption", "transcript-header",
    "byline", "footer", "links", "credits", "sponsor". Headings that open a non-spoken
    block ("Links:", "Credits", "Sponsors") answer "links"/"credits"/"sponsor"; callers
    that track blocks use ``block_reason`` for those.
    """
    if len(text.split(None, FURNITURE_MAX_WORDS)) > FURNITURE_MAX_WORDS:
        return None  # longer than any line of page furniture: speech (and no line is read twice)
    line = normalize_space(text)
    if not line:
        return None
    if is_annotation(line):
        return "annotation"
    if is_transcript_header(line):
        return "transcript-header"
    if is_navigation(line):
        return "navigation"
    if is_promo(line):
        return "promo"
    if is_copyright(line) or is_footer_link(line):
        return "footer"
    if is_image_credit(line):
        return "caption"
    if is_byline(line):
        return "byline"
    block = block_reason(line)
    if block is not None:
        return block
    if is_credit_line(line):
        return "credits"
    if is_sponsor_line(line):
        return "sponsor"
    return None


def block_reason(text: str) -> str | None:
    """A heading line that opens a non-spoken block, and what the block holds:
    "links" (Links, Show notes, Resources), "credits", "sponsor", "bio", or None."""
    if is_links_heading(text):
        return "links"
    if is_sponsor_heading(text):
        return "sponsor"
    if is_credits_heading(text):
        return "credits"
    if is_bio_heading(text):
        return "bio"
    return None


__all__ = [
    "TIME",
    "Label",
    "block_reason",
    "classify_line",
    "credits_after_label",
    "has_url",
    "is_annotation",
    "is_bio_heading",
    "is_byline",
    "is_copyright",
    "is_credit_line",
    "is_credits_heading",
    "is_footer_link",
    "is_image_credit",
    "is_link_line",
    "is_links_heading",
    "is_navigation",
    "is_plausible_speaker",
    "is_promo",
    "is_role_speaker",
    "is_sponsor_heading",
    "is_sponsor_line",
    "is_transcript_header",
    "label_reason",
    "looks_like_name_list",
    "match_label",
    "normalize_space",
    "parse_time_ms",
    "split_lines",
    "word_count",
]
