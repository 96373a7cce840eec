"""Reader for speaker-labelled text exports (pure): ``Name: text`` and its many cousins.

Recognised label lines (see ``labels.match_label``):

- ``Name: text``, ``NAME:``, ``**Name:** text``, ``SPEAKER_1: text``;
- ``Name (MM:SS): text``, ``(MM:SS): text``, ``[HH:MM:SS] Name: text``, ``[00:12] text``;
- ``Name  0:01:23`` on its own line followed by the text (Otter, Descript, Riverside);
- ``0:00:03.4 **Name**`` followed by the text; a label alone on its line.

A label starts a paragraph; unlabelled lines continue it until a blank line; an
unlabelled paragraph after a blank line keeps the last speaker. A time on the label
becomes the paragraph's single given cue, which ends where the next timed paragraph
starts. ``# Title``, ``## Topic`` and ``Chapter: Topic`` lines become sections.

Lines that only look like labels ("Links:", "Sponsor: …", "Note: …", "Host: Jane Doe")
are set aside with a warning instead of becoming speakers; a "Links:"/"Credits" line
opens a block that is set aside until a known speaker talks again.

The same line engine (``LineReader``) reads Markdown, with ``markdown=True``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from podpub.model import Cue, Transcript
from podpub.transcripts.assemble import OPEN_END, TranscriptBuilder
from podpub.transcripts.labels import (
    Label,
    credits_after_label,
    is_plausible_speaker,
    label_reason,
    looks_like_name_list,
    match_label,
)
from podpub.transcripts.language import transcript_language
from podpub.transcripts.lines import (
    block_reason,
    classify_line,
    has_url,
    is_annotation,
    is_link_line,
    is_transcript_header,
    normalize_space,
    split_lines,
    split_time_marks,
    word_count,
)
from podpub.transcripts.markup import (
    ATX,
    FENCE,
    HTML_BLOCK,
    HTML_CONTAINERS,
    IMAGE_LINE,
    LEADING_ANNOTATION,
    LINK_DEFINITION,
    LINK_ONLY,
    LIST_ITEM,
    PANDOC_DIV,
    RULE,
    SETEXT,
    split_heading_time,
    strip_inline_markdown,
    transcript_start,
    without_shortcodes,
)

# Warned-about reasons: lines that looked like speakers or headings but were left out.
_WARN_REASONS = {
    "links": "a links list",
    "bio": "an author bio",
    "sponsor": "a sponsor read",
    "note": "an editorial note",
    "credits": "credits",
    "metadata": "episode details",
    "caption": "a photo caption",
}


def parse_labelled(text: str, path: Path) -> Transcript:
    """Read a speaker-labelled text export (Otter, Descript, Riverside, hand-written)."""
    builder = TranscriptBuilder(path, "labelled")
    builder.language = transcript_language(path)
    LineReader(builder, markdown=False).feed(split_lines(text))
    return builder.build()


_NAME_WITH_ALIAS = re.compile(r"(.+?)\s*\(([A-Z][A-Za-z]{0,3})\)")


def _initials_fit(alias: str, name: str) -> bool:
    """Are the capitals of ``alias`` the initials of ``name``, in order ("AvW", "SP")?"""
    capitals = [c for c in name if c.isupper()]
    wanted = [c for c in alias if c.isupper()]
    k = 0
    for c in capitals:
        if k < len(wanted) and c == wanted[k]:
            k += 1
    return k == len(wanted) > 0


@dataclass
class _Para:
    line: int
    speaker: str | None
    start_ms: int | None = None
    end_ms: int | None = None
    parts: list[str] = field(default_factory=list)
    labelled: bool = False  # began with a speaker label (not carried over)
    marks: list[tuple[int, int]] = field(default_factory=list)  # (part index, given time)
    found_marks: bool = False  # the text held time marks

    def add(self, text: str) -> None:
        """Text with its time marks: each mark starts a cue at the text after it."""
        for start_ms, piece in split_time_marks(text):
            if start_ms is not None:
                self.found_marks = True
                if not self.parts and not self.marks and self.start_ms is None:
                    self.start_ms = start_ms  # the paragraph opens with its time
                else:
                    self.marks.append((len(self.parts), start_ms))
            if piece:
                self.parts.append(piece)

    def cues(self, text: str) -> list[tuple[int, str]]:
        """(start, text) of each given cue: the paragraph's start, then each mark."""
        if self.start_ms is None:
            return []
        bounds = [(0, self.start_ms)] + [m for m in self.marks if m[0] > 0]
        out: list[tuple[int, str]] = []
        for k, (index, start) in enumerate(bounds):
            stop = bounds[k + 1][0] if k + 1 < len(bounds) else len(self.parts)
            words = normalize_space(" ".join(self.parts[index:stop]))
            if out and (not words or start < out[-1][0]):
                out[-1] = (out[-1][0], normalize_space(out[-1][1] + " " + words))
            elif words:
                out.append((start, words))
        return out if len(out) > 1 else [(self.start_ms, text)]


class LineReader:
    """The line engine shared by the labelled-text and Markdown readers."""

    def __init__(self, builder: TranscriptBuilder, markdown: bool) -> None:
        self.b = builder
        self.markdown = markdown
        self.speaker: str | None = None
        self.para: _Para | None = None
        self.block: str | None = None  # reason of the non-spoken block being skipped
        self.skip: str | None = None  # reason for skipping the rest of this paragraph
        self.in_fence = False
        self.in_comment = False
        self.in_html: str | None = None  # an HTML element whose content is not spoken
        self.lines: list[str] = []
        self.first = 1
        self.label_counts: Counter[str] = Counter()
        self.h1_count = 0
        self.heading_counts: Counter[str] = Counter()
        self.aliases: dict[str, str] = {}
        self.title_from_front_matter: str | None = None
        self._first_content: int | None = None

    # -- entry --------------------------------------------------------------------------

    def feed(self, lines: list[str], first_line: int = 1) -> None:
        start = transcript_start(lines)
        if start:  # a page: show notes, then "Transcript" and the transcript itself
            for k in range(start):
                if lines[k].strip():
                    self.b.set_aside(first_line + k, lines[k], "show-notes")
            self.b.warn(
                first_line + start,
                f"the {start} lines before the transcript's heading are show notes; left out",
            )
            self.b.found("show notes before the transcript")
            lines, first_line = lines[start:], first_line + start
        self.lines = [without_shortcodes(line) for line in lines]
        self.first = first_line
        self._prescan()
        i = 0
        while i < len(lines):
            i = self._line(i)
        self._flush(end_of_block=True)

    def _prescan(self) -> None:
        fence = False
        for k, raw in enumerate(self.lines):
            s = raw.strip()
            if self.markdown and FENCE.match(s):
                fence = not fence
            if fence:
                continue
            if self.markdown and s and k + 1 < len(self.lines):
                under = SETEXT.match(self.lines[k + 1].strip())
                if under and under.group(1)[0] == "=":
                    self.h1_count += 1
            m = ATX.match(s)
            if m:
                if len(m.group(1)) == 1:
                    self.h1_count += 1
                self.heading_counts[normalize_space(strip_inline_markdown(m.group(2)))] += 1
                continue
            label = match_label(s)
            if label and label.speaker and is_plausible_speaker(label.speaker):
                self.label_counts[label.speaker] += 1

    # -- one line -----------------------------------------------------------------------

    def _line(self, i: int) -> int:
        """Handle line ``i`` (0-based); return the index of the next line to read."""
        raw = self.lines[i]
        number = self.first + i
        s = raw.strip()
        if self.markdown:
            handled = self._markdown_block(s, number)
            if handled:
                return i + 1
        if not s:
            self._flush(end_of_block=True)
            self.skip = None
            return i + 1
        if self.markdown and self.para is None and i + 1 < len(self.lines):
            under = SETEXT.match(self.lines[i + 1].strip())
            if under and not LIST_ITEM.match(s) and match_label(s) is None:
                self._heading(
                    strip_inline_markdown(s), 1 if under.group(1)[0] == "=" else 2, number, raw
                )
                self.b.set_aside(number + 1, self.lines[i + 1], "markup")
                return i + 2
        if self.markdown and RULE.match(s):
            self._flush(end_of_block=True)
            return i + 1
        m = ATX.match(s)
        if m:
            self._heading(m.group(2), len(m.group(1)), number, raw)
            return i + 1
        is_item = False
        if self.markdown:
            s = re.sub(r"^(?:>\s?)+", "", s).strip()
            if not s:
                self._flush(end_of_block=True)
                return i + 1
            if IMAGE_LINE.match(s):
                self.b.set_aside(number, raw, "caption")
                return i + 1
            item = LIST_ITEM.match(s)
            if item:
                is_item = True
                s = item.group(1).strip()
        if self.block is not None:
            if not self._leaves_block(s):
                self.b.set_aside(number, raw, self.block)
                return i + 1
            self.block = None
        opening = LEADING_ANNOTATION.match(s)
        if opening and is_annotation(opening.group(1)):
            s = opening.group(2)  # "[MUSIC PLAYING] STEPHANIE: Hey": the sound is not said
        label = match_label(s)
        if self.skip is None and label is None and self._is_bare_name(s, i):
            label = Label(s, None, None, "", s)
        if self.skip is not None:
            if label is None or label.speaker is None:
                self.b.set_aside(number, raw, self.skip)
                return i + 1
            self.skip = None  # a new label ends the skipped paragraph
        if self.para is None and self._is_first_line_title(s, label, number):
            self.b.title = s
            self.b.set_aside(number, raw, "title")
            return i + 1
        if label is not None and self._label(label, i, number, raw):
            return i + 1
        self._text(s, number, raw, is_item)
        return i + 1

    def _markdown_block(self, s: str, number: int) -> bool:
        """Fenced code and HTML comments: set aside whole. True when the line was used."""
        if self.in_fence:
            self.b.set_aside(number, s, "code")
            if FENCE.match(s):
                self.in_fence = False
            return True
        if FENCE.match(s):
            self._flush(end_of_block=True)
            self.in_fence = True
            self.b.set_aside(number, s, "code")
            return True
        if self.in_comment:
            self.b.set_aside(number, s, "comment")
            if "-->" in s:
                self.in_comment = False
            return True
        if s.startswith("<!--"):
            self._flush(end_of_block=True)
            self.b.set_aside(number, s, "comment")
            self.in_comment = "-->" not in s[4:]
            return True
        if self.in_html is not None:
            self.b.set_aside(number, s, "markup")
            if f"</{self.in_html}" in s.lower():
                self.in_html = None
            return True
        m = HTML_BLOCK.match(s)
        if m or LINK_DEFINITION.match(s) or PANDOC_DIV.match(s) or LINK_ONLY.fullmatch(s):
            self._flush(end_of_block=True)
            self.b.set_aside(number, s, "markup" if m or PANDOC_DIV.match(s) else "links")
            tag = m.group(1).lower() if m else ""
            if tag in HTML_CONTAINERS and f"</{tag}" not in s.lower():
                self.in_html = tag
            return True
        return False

    # -- headings -----------------------------------------------------------------------

    def _heading(self, text: str, level: int, number: int, raw: str) -> None:
        self._flush(end_of_block=True)
        self.skip = None
        title = normalize_space(strip_inline_markdown(text) if self.markdown else text)
        title, start_ms = split_heading_time(title)
        if not title:
            self.b.set_aside(number, raw, "markup")
            return
        if (
            start_ms is None
            and self.heading_counts[title] >= 2
            and is_plausible_speaker(title)
            and not any(label_reason(word) for word in title.split())
        ):
            # "#### Jamie" above each of Jamie's turns: a speaker label set as a heading
            self.b.found("speaker names as headings")
            self.speaker = title
            self.para = _Para(number, title, labelled=True)
            return
        if self._is_title(title, level, number):
            self.b.title = title
            self.b.set_aside(number, raw, "title")
            return
        if is_transcript_header(title):
            self.b.set_aside(number, raw, "transcript-header")
            return
        reason = block_reason(title) or label_reason(title.rstrip(":"))
        if start_ms is not None:
            reason = None  # a heading with its time is a point of the episode: a chapter
        if reason is not None and reason not in ("heading", "programme"):
            self.block = reason
            self.b.set_aside(number, raw, reason)
            what = _WARN_REASONS.get(reason, reason)
            self.b.warn(number, f"heading {title!r} starts {what}, not a chapter; left out")
            return
        self.block = None
        self.b.heading(title, number, start_ms)

    def _is_title(self, title: str, level: int, number: int) -> bool:
        if level != 1:
            return False
        known = self.title_from_front_matter
        if known is not None:
            return normalize_space(known).casefold() == title.casefold()
        return (
            self.b.title is None
            and not self.b.has_paragraphs
            and not self.b.has_headings
            and (self.h1_count == 1 or self._heading_follows(number))
        )

    def _heading_follows(self, number: int) -> bool:
        """Is the next content after line ``number`` another heading (nothing under it)?"""
        i = number - self.first + 1
        if i < len(self.lines) and SETEXT.match(self.lines[i].strip()):
            i += 1  # the underline of this very heading
        for k in range(i, len(self.lines)):
            s = self.lines[k].strip()
            if not s or IMAGE_LINE.match(s) or s.startswith("<!--"):
                continue
            if ATX.match(s):
                return True
            nxt = self.lines[k + 1].strip() if k + 1 < len(self.lines) else ""
            return bool(SETEXT.match(nxt)) and match_label(s) is None
        return False

    # -- labels -------------------------------------------------------------------------

    def _label(self, label: Label, i: int, number: int, raw: str) -> bool:
        """Handle a label line; False when it is ordinary text after all."""
        if label.speaker is None:  # a time alone: the last speaker goes on
            self._flush(end_of_block=False)
            self._start(number, self.speaker, label, labelled=False)
            return True
        name = label.speaker
        reason = label_reason(name)
        if reason == "heading":
            self._heading(label.text or name, 2, number, raw)
            return True
        if reason is not None:
            self._flush(end_of_block=False)
            self.b.set_aside(number, raw, reason)
            self._warn_left_out(number, name, reason)
            if label.text:
                self.skip = reason
            elif reason in ("links", "credits", "sponsor"):
                self.block = reason
            return True
        if not is_plausible_speaker(name):
            return False
        if label.text and is_link_line(label.text) and has_url(label.text):
            # "Slides: https://…": a link with its caption, never a turn
            self._flush(end_of_block=False)
            self.b.set_aside(number, raw, "links")
            return True
        name = self._alias(name)
        if label.text and is_annotation(self._plain(label.text)):
            # "**Both** (laughing)": a turn that holds only an annotation has no speaker
            self._flush(end_of_block=False)
            self.b.set_aside(number, raw, "annotation")
            return True
        if credits_after_label(name, label.text):
            self._flush(end_of_block=False)
            self.b.set_aside(number, raw, "credits")
            self._warn_left_out(number, name, "credits")
            return True
        if self._demote(label):
            self.b.warn(number, f"{name!r} is used as a label only once; read as text")
            self.b.guess(
                number,
                f"{name + ':'!r} is read as part of the text, not as a speaker",
                f"if {name} speaks here, write the label as on their other lines "
                "(or map it with speakers: in episode.yaml)",
            )
            return False
        if not label.text and label.start_ms is None and self._names_only_follow(i):
            self._flush(end_of_block=False)
            self.b.set_aside(number, raw, "credits")
            self._warn_left_out(number, name, "credits")
            return True
        self._flush(end_of_block=False)
        self.speaker = name
        self.b.found("speaker labels" if label.text else "speaker labels on their own line")
        self._start(number, name, label, labelled=True)
        return True

    def _alias(self, name: str) -> str:
        """ "Aaron van Wirdum (AvW):" names Aaron van Wirdum and lets "AvW:" stand for him."""
        m = _NAME_WITH_ALIAS.fullmatch(name)
        if m and _initials_fit(m.group(2), m.group(1)):
            self.aliases[m.group(2)] = m.group(1)
            return m.group(1)
        return self.aliases.get(name, name)

    def _demote(self, label: Label) -> bool:
        """A one-word "Word:" used once amid real speakers is prose ("Remember: …")."""
        name = label.speaker or ""
        if label.start_ms is not None or " " in name or name.isupper():
            return False
        if self.label_counts[name] > 1 or self.b.knows_speaker(name):
            return False
        regulars = [n for n, c in self.label_counts.items() if c >= 2 and n != name]
        return len(regulars) >= 2 or (len(regulars) == 1 and self.label_counts[regulars[0]] >= 4)

    def _names_only_follow(self, i: int) -> bool:
        """A bare label followed by nothing but more bare labels: a list of names."""
        for k in range(i + 1, len(self.lines)):
            s = self.lines[k].strip()
            if not s:
                continue
            if self.markdown:
                item = LIST_ITEM.match(s)
                s = item.group(1) if item else s
            nxt = match_label(s)
            if ATX.match(s):
                return True
            return bool(nxt and nxt.speaker and not nxt.text and nxt.start_ms is None)
        return True

    def _warn_left_out(self, number: int, name: str, reason: str) -> None:
        what = _WARN_REASONS.get(reason, reason)
        self.b.guess(
            number,
            f"{name + ':'!r} is taken for {what}, not a speaker; the line is left out",
            "if it is a person speaking, name them in episode.yaml: speakers: "
            f"{{{name}: Their Name}}",
        )
        self.b.warn(
            number,
            f"{name!r} looks like a label but this line is {what}; "
            "it is left out of the transcript",
        )

    # -- text ---------------------------------------------------------------------------

    def _is_bare_name(self, s: str, i: int) -> bool:
        """A known speaker's name alone on a line, their words on the next: a label."""
        name = normalize_space(strip_inline_markdown(s) if self.markdown else s)
        if not self.b.knows_speaker(name) and self.heading_counts[name] < 2:
            return False
        return i + 1 < len(self.lines) and bool(self.lines[i + 1].strip())

    def _links_follow(self, number: int) -> bool:
        nxt = next((ln.strip() for ln in self.lines[number - self.first + 1 :] if ln.strip()), "")
        item = LIST_ITEM.match(nxt)
        nxt = item.group(1) if item else nxt
        return bool(nxt) and is_link_line(nxt) and has_url(nxt)

    def _plain(self, text: str) -> str:
        return strip_inline_markdown(text) if self.markdown else text

    def _text(self, s: str, number: int, raw: str, is_item: bool) -> None:
        plain = self._plain(s)
        reason = classify_line(plain)
        if reason == "annotation":
            self.b.set_aside(number, raw, "annotation")
            return
        if reason is not None:
            self._flush(end_of_block=False)
            self.b.set_aside(number, raw, reason)
            if block_reason(plain) is not None:
                self.block = reason
            return
        if plain.rstrip().endswith((":", "：")) and self._links_follow(number):
            self._flush(end_of_block=False)
            self.b.set_aside(number, raw, "links")  # "Slides:" above a list of links
            return
        if is_link_line(s) and (is_item or self.para is None or not self.para.parts):
            self._flush(end_of_block=False)
            self.b.set_aside(number, raw, "links")
            return
        if is_item:
            self._flush(end_of_block=False)
        if self.para is None:
            self.para = _Para(number, self.speaker)
        self.para.add(plain)

    def _is_first_line_title(self, text: str, label: Label | None, number: int) -> bool:
        """A labelled export often opens with a title line, then the labelled turns."""
        if self.markdown or self.b.title is not None or self.b.has_paragraphs:
            return False
        if label is not None and (
            label.speaker is None
            or label_reason(label.speaker) not in (None, "metadata")
            or is_plausible_speaker(label.speaker)
        ):
            return False
        if self.b.has_headings or number != self._first_content_line():
            return False
        if word_count(text) > 12 or re.search(r"[.?!,;:]$", text):
            return False
        idx = number - self.first
        if idx + 1 >= len(self.lines) or self.lines[idx + 1].strip():
            return False  # the title stands alone, a blank line follows
        nxt = next((ln.strip() for ln in self.lines[idx + 2 :] if ln.strip()), "")
        label = match_label(nxt)
        return label is not None and (label.speaker is None or is_plausible_speaker(label.speaker))

    def _first_content_line(self) -> int:
        if self._first_content is None:
            self._first_content = next(
                (self.first + idx for idx, raw in enumerate(self.lines) if raw.strip()), 0
            )
        return self._first_content

    # -- paragraphs ---------------------------------------------------------------------

    def _start(self, number: int, speaker: str | None, label: Label, labelled: bool) -> None:
        self.skip = None
        para = _Para(number, speaker, label.start_ms, label.end_ms, labelled=labelled)
        if label.text:
            text = strip_inline_markdown(label.text) if self.markdown else label.text
            para.add(text)
        self.para = para

    def _flush(self, end_of_block: bool) -> None:
        """End the open paragraph. A label still waiting for its text survives blank lines."""
        para = self.para
        if para is None:
            return
        text = normalize_space(" ".join(para.parts))
        if not text:
            if end_of_block:
                return  # "Name  0:03" then a blank line: the text is still to come
            self.para = None
            if para.labelled:
                self.b.warn(para.line, f"speaker label {para.speaker!r} has no text")
            return
        self.para = None
        if not para.labelled and len(para.parts) == 1 and looks_like_name_list(text):
            self.b.set_aside(para.line, text, "credits")
            self.b.warn(para.line, "a list of names is left out of the transcript")
            return
        if para.found_marks:
            self.b.found("time marks in the text")
        self.b.paragraph(text, para.speaker, para.line, self._cues(para, text))

    def _cues(self, para: _Para, text: str) -> tuple[Cue, ...]:
        """The paragraph's given cues: one from its label's time (and end), or one per
        time mark in its text, each ending where the next starts."""
        pieces = para.cues(text)
        if not pieces:
            return ()
        end = para.end_ms
        if end is not None and end <= pieces[-1][0]:
            self.b.warn(para.line, "the time range ends before it starts; end ignored")
            end = None
        ends = [start for start, _ in pieces[1:]] + [OPEN_END if end is None else end]
        return tuple(
            Cue(start, stop, words, para.speaker, "given")
            for (start, words), stop in zip(pieces, ends, strict=True)
        )

    def _leaves_block(self, s: str) -> bool:
        """Inside a "Links:" block, a known speaker talking again ends the block."""
        label = match_label(s)
        return bool(
            label
            and label.speaker
            and self.b.knows_speaker(label.speaker)
            and label.text
            and not credits_after_label(label.speaker, label.text)
        )


__all__ = ["LineReader", "parse_labelled"]
