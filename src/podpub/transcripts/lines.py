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
    r"^(?:this|the following|(?:below|here) is (?:a|the)|here'?s (?:a|the))\s+"
    r"(?:is (?:a|an)\s+)?(?:\w+\s+){0,3}"
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
    "block_reason",
    "classify_line",
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
    "is_promo",
    "is_sponsor_heading",
    "is_sponsor_line",
    "is_transcript_header",
    "normalize_space",
    "parse_time_ms",
    "split_lines",
    "word_count",
]
