"""Reader for plain web-page text (pure): a transcript copied from an article page.

Such a page has no markup: one paragraph per block, a title at the top (often repeated),
section headings as short lines, photo captions and credits between paragraphs, and a
page footer (an "about us" blurb, "Social Links"). This reader finds that structure from
the text alone; it does not know who speaks (see ``podpub.speakers``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from podpub.model import Guess, Paragraph, Section, SetAside, Transcript
from podpub.transcripts import lines

MAX_HEADING_WORDS = 8
MAX_HEADING_CHARS = 70

# Words joining names in a caption ("Mu Sochua and Sam Rainsy") or heading ("Joined the X").
_CONNECTORS = frozenset(
    [
        "and",
        "&",
        "with",
        "of",
        "the",
        "a",
        "an",
        "at",
        "in",
        "on",
        "for",
        "to",
        "de",
        "da",
        "van",
        "von",
        "der",
        "la",
        "le",
        "y",
    ]
)
_TITLE_ABBREVIATIONS = ("Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "St.", "Mr", "Mrs", "Ms", "Dr")
_CREDIT = re.compile(
    r"©|\(c\)\s|\bphoto(?:graph)?\s*(?:by|credit|:)|\bimage\s*(?:by|credit|:)|"
    r"\bcredit:|\bgetty images\b|\breuters\b/|\bafp\b/|/afp\b|\bpicture alliance\b",
    re.IGNORECASE,
)
_CAPTION_WORDS = re.compile(
    r"\b(logo|photo|picture|pictured|image|illustration|screenshot|file photo)\b\s*$",
    re.IGNORECASE,
)
_FOOTER_LINE = re.compile(
    r"^(social links|share( this( (post|article|page))?)?|follow us( on .*)?|related( posts| "
    r"articles| stories)?|tags?:.*|categories?:.*|subscribe.*|sign up.*|newsletter|"
    r"all rights reserved.*|copyright .*|back to top|read more|previous|next|"
    r"leave a (comment|reply)|comments?)\s*$",
    re.IGNORECASE,
)
_ORG_BLURB = re.compile(
    r"\b(was|were|is) founded in\b|\bfounded in (?:\w+ )?(?:19|20)\d\d\b", re.IGNORECASE
)
_TERMINAL = re.compile(r"[.?!:;,…\"”’)]$")


@dataclass(frozen=True)
class _Block:
    line: int
    text: str


def _blocks(text: str) -> list[_Block]:
    """Each non-empty line is a block (web-page text keeps one paragraph per line)."""
    out: list[_Block] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = " ".join(raw.split())
        if line:
            out.append(_Block(number, line))
    return out


def _proper_tokens(blocks: list[_Block]) -> set[str]:
    """Words used as proper nouns: capitalised mid-sentence more often than lower-case."""
    capital: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for block in blocks[1:]:  # not the title; not headings or captions themselves
        if _is_short_line(block.text):
            continue
        words = block.text.split()
        for i, word in enumerate(words):
            token = word.strip("\"'“”‘’()[],.;:!?")
            if not token or not token[0].isalpha():
                continue
            previous = words[i - 1] if i else ""
            sentence_start = i == 0 or (
                previous.endswith((".", "?", "!", ":", "”", '"'))
                and previous not in _TITLE_ABBREVIATIONS
            )
            key = token.lower()
            if token[0].isupper():
                if not sentence_start:
                    capital[key] += 1
            else:
                lower[key] += 1
    return {w for w, n in capital.items() if n > lower[w]}


def _is_short_line(text: str) -> bool:
    return (
        len(text) <= MAX_HEADING_CHARS
        and len(text.split()) <= MAX_HEADING_WORDS
        and not _TERMINAL.search(text)
    )


def _is_name_caption(text: str, proper: set[str]) -> bool:
    """A short line made only of proper names: a caption under a photo of people."""
    tokens = [t.strip(",") for t in text.split()]
    content = [t for t in tokens if t.lower() not in _CONNECTORS and t]
    return (
        bool(content)
        and all(t.lower() in proper or t.isupper() for t in content)
        and any(t.lower() in proper for t in content)
    )


def _classify(block: _Block, proper: set[str]) -> str | None:
    """Reason a line is not spoken, or None when it may be spoken or a heading."""
    text = block.text
    if len(text.split(None, lines.FURNITURE_MAX_WORDS)) > lines.FURNITURE_MAX_WORDS:
        return None  # too long for a caption or a footer
    shared = lines.classify_line(text)  # page furniture any reader may meet
    if shared is not None:
        return shared
    if _CREDIT.search(text):
        return "caption"
    if _is_short_line(text):
        if _CAPTION_WORDS.search(text):
            return "caption"
        if _FOOTER_LINE.match(text):
            return "footer"
        if _is_name_caption(text, proper):
            return "caption"
    return None


def _block_end(body: list[_Block], heading: int) -> int:
    """The last line of the block a heading such as "About the author" opens: the lines
    right under it, or the next paragraph and the lines right under that."""
    end = heading
    if end + 1 < len(body) and body[end + 1].line != body[end].line + 1:
        end += 1  # the heading stands alone: its content is the next paragraph
    while end + 1 < len(body) and body[end + 1].line == body[end].line + 1:
        end += 1
    return end


def parse_plain(text: str, path: Path) -> Transcript:
    """Parse plain web-page text into sections, paragraphs and set-aside lines."""
    del path  # the plain reader cannot fail on any decoded text
    blocks = _blocks(text)
    if not blocks:
        return Transcript(title=None, sections=(), format="plain")
    proper = _proper_tokens(blocks)
    set_aside: list[SetAside] = []
    warnings: list[str] = []
    guesses: list[Guess] = []

    # navigation, "subscribe" lines and the like above the title
    while len(blocks) > 1 and (reason := _classify(blocks[0], proper)) is not None:
        set_aside.append(SetAside(blocks[0].line, blocks[0].text, reason))
        blocks = blocks[1:]
    title = blocks[0].text
    set_aside.append(SetAside(blocks[0].line, title, "title"))
    body = blocks[1:]
    # The page title is often repeated above the article body.
    while body and body[0].text == title:
        set_aside.append(SetAside(body[0].line, body[0].text, "title"))
        body = body[1:]

    # The page footer: from the end, boilerplate lines and an organisation blurb.
    end = len(body)
    while end > 0:
        block = body[end - 1]
        reason = _classify(block, proper)
        if reason == "footer" or (reason is None and _ORG_BLURB.search(block.text)):
            set_aside.append(SetAside(block.line, block.text, "footer"))
            end -= 1
        elif reason == "caption" and end < len(body):
            # a logo or photo just above the footer belongs to it
            set_aside.append(SetAside(block.line, block.text, "caption"))
            end -= 1
        else:
            break
    body = body[:end]

    sections: list[Section] = []
    body_reason = ""
    heading: _Block | None = None
    paragraphs: list[Paragraph] = []

    def close() -> None:
        if heading is None and not paragraphs:
            return
        if heading is not None and not paragraphs:
            warnings.append(f"line {heading.line}: heading {heading.text!r} has no paragraphs")
        sections.append(
            Section(
                title=heading.text if heading else None,
                paragraphs=tuple(paragraphs),
                line=heading.line if heading else 0,
            )
        )

    block_until = -1  # index of the last line of a set-aside block (links, credits, bio)
    # is a spoken (not short) line still to come after each block? one pass from the end
    spoken_after = [False] * (len(body) + 1)
    for k in range(len(body) - 1, -1, -1):
        b = body[k]
        spoken_after[k] = spoken_after[k + 1] or (
            _classify(b, proper) is None and not _is_short_line(b.text)
        )
    for index, block in enumerate(body):
        if index <= block_until:
            set_aside.append(SetAside(block.line, block.text, body_reason))
            continue
        reason = _classify(block, proper)
        if reason is not None:
            set_aside.append(SetAside(block.line, block.text, reason))
            if lines.block_reason(block.text) is not None:
                body_reason = reason
                block_until = _block_end(body, index)
            continue
        if _is_short_line(block.text) and block.text[0].isupper() and spoken_after[index + 1]:
            if len(block.text.split()) == 1:  # "Disclaimer", "Transcript": often page chrome
                guesses.append(
                    Guess(
                        block.line,
                        f"{block.text!r} is taken for a chapter heading",
                        "if it is not one, list it under not_chapters: in episode.yaml",
                    )
                )
            close()
            heading = block
            paragraphs = []
            continue
        paragraphs.append(Paragraph(text=block.text, line=block.line))
    close()

    set_aside.sort(key=lambda s: s.line)
    return Transcript(
        title=title,
        sections=tuple(sections),
        set_aside=tuple(set_aside),
        format="plain",
        warnings=tuple(warnings),
        layout=("web-page text",),
        guesses=tuple(guesses),
    )
