"""Reader for HTML transcripts (pure, standard library ``html.parser`` only).

A whole page or a fragment. Only visible text is read: ``script``, ``style``,
``template``, ``head``, ``nav``, ``header`` (a page's, not an article's), ``footer``,
``aside``, ``form``, ``iframe``, ``noscript`` and the like are left out, page chrome
being set aside by name. Entities are decoded.

- ``<h1>`` is the title (the first one, before any text; a later one is a section),
  ``<h2>``/``<h3>`` are sections (a time in the heading, "12:30 Topic", is its start);
  ``<h4>``-``<h6>`` are read as text.
- Each ``<p>``, ``<div>``, ``<li>``, ``<blockquote>``, table cell ... is a paragraph;
  ``<br>`` breaks a line (a line may start a new speaker label).
- The Podcasting 2.0 layout (podpub's own transcript.html): ``<cite>Name:</cite>`` names
  the speaker and ``<time>M:SS</time>`` (or ``datetime="PT12.345S"``) the start of the
  ``<p>`` that follows. A paragraph with a time and no ``<cite>`` of its own has no
  speaker; one with neither continues the turn before.
- Without ``<cite>``, paragraphs that open with ``Name:`` (or ``[12:30]``) labels are
  read like labelled text; an unlabelled paragraph keeps the last speaker.
- Timed links ``<a href="#t=90">1:30</a>`` (also ``?t=1m30s``, ``#t=npt:90``) and
  ``data-start``/``data-begin``/``data-time``/``data-timestamp`` attributes are given
  times: the start of the paragraph, or of a cue inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from podpub.errors import TranscriptError
from podpub.model import Cue, Transcript
from podpub.transcripts.assemble import OPEN_END, TranscriptBuilder, ends_sentence
from podpub.transcripts.labels import is_plausible_speaker, match_label
from podpub.transcripts.language import language_tag_ok, transcript_language
from podpub.transcripts.lines import TIME, classify_line, normalize_space, parse_time_ms
from podpub.transcripts.markup import split_heading_time

# Left out with everything inside them; the chrome ones are set aside under a reason.
_HIDDEN = frozenset(
    "script style template head noscript iframe svg math button select textarea "
    "object canvas audio video dialog".split()
)
_CHROME = {
    "nav": "navigation",
    "header": "header",
    "footer": "footer",
    "aside": "aside",
    "form": "form",
}
_BLOCKS = frozenset(
    "p div li ul ol dl dt dd blockquote section article main body html table thead tbody "
    "tfoot tr td th pre figure figcaption hr address details summary fieldset center".split()
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3}
_VOID = frozenset("br hr img input meta link area base col embed source track wbr param".split())
_TIME_ATTRS = ("data-start", "data-begin", "data-time", "data-timestamp")
_ISO_DURATION = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)D)?T?(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?"
    r"(?:(\d+(?:\.\d+)?)S)?$",
    re.IGNORECASE,
)
_UNITS = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s?)?$", re.IGNORECASE)
_LINK_TIME = re.compile(r"[#?&](?:t|start|time)=(?:npt:)?([^&,#]+)", re.IGNORECASE)
_MARKED_SECTION = re.compile(r"<!(?!--)")
_CLOCKISH = re.compile(rf"^[\[(]?\s*{TIME}\s*[\])]?$")


# -- times --------------------------------------------------------------------------------


def duration_ms(value: str) -> int | None:
    """A time written in HTML in ms: "PT12.345S", "P0DT1H2M", "1:02:03.5", "90", "1m30s"."""
    s = value.strip()
    if not s or len(s) > 40:
        return None
    m = _ISO_DURATION.match(s)
    if m and s.upper() not in ("P", "PT") and any(m.groups()):
        d, h, mi, sec = (float(g) if g else 0.0 for g in m.groups())
        return round((((d * 24 + h) * 60 + mi) * 60 + sec) * 1000)
    if ":" in s:
        return parse_time_ms(s)
    m = _UNITS.match(s)
    if m and any(m.groups()):
        h, mi, sec = (float(g) if g else 0.0 for g in m.groups())
        return round(((h * 60 + mi) * 60 + sec) * 1000)
    return None


def _link_ms(href: str) -> int | None:
    m = _LINK_TIME.search(href)
    return duration_ms(m.group(1)) if m else None


def _attr_ms(attrs: dict[str, str]) -> int | None:
    for name in _TIME_ATTRS:
        if name in attrs:
            return duration_ms(attrs[name])
    return None


# -- tokens: what the page says, in order ---------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    kind: str  # "text" "mark" "cite" "break" "end" "head" "/head"
    line: int
    text: str = ""
    ms: int | None = None
    level: int = 0


@dataclass
class _Capture:
    """An inline element whose text decides what it is: cite, time, a timed link."""

    tag: str
    line: int
    ms: int | None
    parts: list[str] = field(default_factory=list)


class _Tokens(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.toks: list[_Tok] = []
        self.hidden: list[str] = []  # open left-out elements, outermost first
        self.hidden_text: list[str] = []
        self.hidden_line = 0
        self.open_articles = 0
        self.capture: _Capture | None = None
        self.language: str | None = None
        self.chrome: list[tuple[int, str, str]] = []  # (line, text, reason)

    def _line(self) -> int:
        return self.getpos()[0]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "body" and self.hidden[:1] == ["head"]:
            self.hidden = []  # "</head>" may be left out
        if self.hidden:
            if tag not in _VOID:
                self.hidden.append(tag)
            return
        if tag == "html" and language_tag_ok(values.get("lang", "")):
            self.language = values["lang"].strip()
        if tag in _HIDDEN or (tag in _CHROME and not (tag == "header" and self.open_articles)):
            self._end_capture()
            if tag in _CHROME:
                self.toks.append(_Tok("end", self._line()))
            self.hidden, self.hidden_text, self.hidden_line = [tag], [], self._line()
            return
        self._open(tag, values)

    def _open(self, tag: str, values: dict[str, str]) -> None:
        line = self._line()
        if tag in ("article", "main"):
            self.open_articles += 1
        if tag == "br":
            self.toks.append(_Tok("break", line))
        elif tag in _HEADINGS:
            self._end_capture()
            self.toks.append(_Tok("head", line, level=_HEADINGS[tag]))
        elif tag in _BLOCKS:
            self._end_capture()
            self.toks.append(_Tok("end", line))
        ms = _attr_ms(values)
        if tag == "a" and ms is None and "href" in values:
            ms = _link_ms(values["href"])
        if tag == "time":
            ms = duration_ms(values.get("datetime", "")) if "datetime" in values else None
        if self.capture is None and (tag in ("cite", "time") or (tag == "a" and ms is not None)):
            self.capture = _Capture(tag, line, ms)
        elif ms is not None:
            self.toks.append(_Tok("mark", line, ms=ms))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.hidden:
            if tag in self.hidden:
                del self.hidden[len(self.hidden) - 1 - self.hidden[::-1].index(tag) :]
            if not self.hidden:
                self._chrome_done(tag)
            return
        if self.capture is not None and tag == self.capture.tag:
            self._end_capture()
        if tag in ("article", "main") and self.open_articles:
            self.open_articles -= 1
        if tag in _HEADINGS:
            self._end_capture()
            self.toks.append(_Tok("/head", self._line()))
        elif tag in _BLOCKS:
            self._end_capture()
            self.toks.append(_Tok("end", self._line()))

    def _chrome_done(self, tag: str) -> None:
        text = normalize_space(" ".join(self.hidden_text))
        if tag in _CHROME and text:
            self.chrome.append((self.hidden_line, text, _CHROME[tag]))

    def handle_data(self, data: str) -> None:
        if self.hidden:
            if self.hidden[0] in _CHROME:
                self.hidden_text.append(data)
            return
        if self.capture is not None:
            self.capture.parts.append(data)
        elif data:
            self.toks.append(_Tok("text", self._line(), text=data))

    def _end_capture(self) -> None:
        cap, self.capture = self.capture, None
        if cap is None:
            return
        raw = "".join(cap.parts)
        text = normalize_space(raw)
        if cap.tag == "cite":
            name = normalize_space(text.rstrip(":： ").strip("*_ "))
            self.toks.append(_Tok("cite", cap.line, text=name))
            return
        ms = cap.ms
        if ms is None and _CLOCKISH.match(text):
            ms = duration_ms(text.strip("[]() "))
        if ms is not None:
            self.toks.append(_Tok("mark", cap.line, ms=ms))
        if text and (ms is None or not _CLOCKISH.match(text)):
            self.toks.append(_Tok("text", cap.line, text=raw))

    def close(self) -> None:
        super().close()
        self._end_capture()
        if self.hidden:
            self._chrome_done(self.hidden[0])
        self.toks.append(_Tok("end", self._line()))


# -- paragraphs -------------------------------------------------------------------------------


@dataclass
class _Para:
    line: int
    speaker: str | None
    pieces: list[tuple[int | None, str]]  # (given start or None, text); "\n" breaks lines
    explicit: bool = False  # named by a <cite> or a label of its own

    @property
    def text(self) -> str:
        return normalize_space("".join(t for _, t in self.pieces))


class _Reader:
    def __init__(self, builder: TranscriptBuilder, cite_layout: bool) -> None:
        self.b = builder
        self.cite_layout = cite_layout
        self.speaker: str | None = None
        self.cited = False  # a <cite> since the last paragraph
        self.pending_ms: int | None = None
        self.para: _Para | None = None
        self.heading: tuple[int, int, list[str], int | None] | None = None  # level, line, ..

    def feed(self, toks: list[_Tok]) -> None:
        for tok in toks:
            if self.heading is not None and tok.kind in ("text", "mark", "break"):
                self._heading_part(tok)
            elif tok.kind == "text":
                self._text(tok)
            elif tok.kind == "mark":
                self._mark(tok)
            elif tok.kind == "break" and self.para is not None:
                self.para.pieces.append((None, "\n"))
            elif tok.kind == "cite":
                self._flush()
                self.speaker, self.cited = tok.text or None, True
            elif tok.kind in ("end", "head", "/head"):
                self._flush()
                self._heading_edge(tok)

    def _heading_part(self, tok: _Tok) -> None:
        assert self.heading is not None
        level, line, parts, ms = self.heading
        if tok.kind == "mark" and ms is None:
            ms = tok.ms
        parts.append(tok.text)
        self.heading = (level, line, parts, ms)

    def _heading_edge(self, tok: _Tok) -> None:
        if tok.kind == "head":
            self.heading = (tok.level, tok.line, [], None)
            return
        if tok.kind != "/head" or self.heading is None:
            return
        level, line, parts, ms = self.heading
        self.heading = None
        title = normalize_space("".join(parts))
        if not title:
            return
        if ms is None:
            title, ms = split_heading_time(title)
        if level == 1 and self.b.title is None and not self.b.has_paragraphs:
            self.b.title = title
            self.b.set_aside(line, title, "title")
        else:
            self.b.heading(title, line, ms)
            if self.cite_layout:
                self.speaker = None

    def _text(self, tok: _Tok) -> None:
        if self.para is None:
            if not tok.text.strip():
                return
            if self.cite_layout and not self.cited and self.pending_ms is not None:
                self.speaker = None  # a new timed turn without a <cite>: nobody named
            self.para = _Para(tok.line, self.speaker, [(self.pending_ms, "")], self.cited)
            self.pending_ms, self.cited = None, False
        self.para.pieces.append((None, tok.text.replace("\n", " ")))  # "\n": <br> only

    def _mark(self, tok: _Tok) -> None:
        if self.para is None or not self.para.text:
            if self.para is None:
                self.pending_ms = tok.ms
            else:
                self.para.pieces[0] = (tok.ms, self.para.pieces[0][1])
            return
        self.para.pieces.append((tok.ms, ""))

    def _flush(self) -> None:
        para, self.para = self.para, None
        if para is None or not para.text:
            return
        if self.cite_layout:
            self._emit(para)
            return
        parts, rest = _split_labels(para, self.speaker)
        for part in parts:
            self._emit(part)
        self.speaker = rest.speaker
        if not rest.text and rest.pieces and rest.pieces[0][0] is not None:
            self.pending_ms = rest.pieces[0][0]  # "Name 12:30" with its text still to come

    def _emit(self, para: _Para) -> None:
        text = para.text
        reason = classify_line(text) if para.pieces[0][0] is None else None
        if reason == "annotation" or (reason is not None and not para.explicit):
            self.b.set_aside(para.line, text, reason)
            return
        self.b.paragraph(text, para.speaker, para.line, _cues(para))


def _split_labels(para: _Para, speaker: str | None) -> tuple[list[_Para], _Para]:
    """Cut a paragraph where a line opens with a speaker label ("Name:", "[12:30]").
    Return the parts with text and the last part (which may still wait for its text)."""
    out: list[_Para] = []
    current = _Para(para.line, speaker, [])
    lines: list[list[tuple[int | None, str]]] = [[]]
    for ms, text in para.pieces:
        if text == "\n":
            lines.append([])
        else:
            lines[-1].append((ms, text))
    for k, pieces in enumerate(lines):
        if k:
            pieces.insert(0, (None, "\n"))
        first = normalize_space("".join(t for _, t in pieces))
        label = match_label(first) if first else None
        if label is None or not (label.speaker or label.start_ms is not None):
            current.pieces += pieces
            continue
        if label.speaker is not None and not is_plausible_speaker(label.speaker):
            current.pieces += pieces
            continue
        if current.text:
            out.append(current)
        start = label.start_ms if label.start_ms is not None else pieces[0][0]
        who = label.speaker or current.speaker
        current = _Para(para.line, who, [(start, label.text)], explicit=True)
    if current.text:
        out.append(current)
    return out, current


def _cues(para: _Para) -> tuple[Cue, ...]:
    """A paragraph's given cues: its start, then each later time mark that follows the end
    of a sentence (a mark inside a sentence, word-level timing, does not cut a cue); each
    ends where the next starts."""
    start = para.pieces[0][0]
    if start is None:
        return ()
    runs: list[tuple[int, list[str]]] = [(start, [para.pieces[0][1]])]
    for ms, text in para.pieces[1:]:
        before = "".join(runs[-1][1])
        if ms is not None and ms >= runs[-1][0] and before.strip() and ends_sentence(before):
            runs.append((ms, []))
        runs[-1][1].append(text)
    cues = [(ms, normalize_space("".join(parts))) for ms, parts in runs]
    return tuple(Cue(ms, OPEN_END, text, para.speaker, "given") for ms, text in cues if text)


def _tokenize(text: str, path: Path) -> _Tokens:
    """Parse the markup; a broken ``<![ … ]>`` section (which ``html.parser`` rejects) is
    read as text, as browsers show it."""
    for source in (text, _MARKED_SECTION.sub("&lt;!", text)):
        tokens = _Tokens()
        try:
            tokens.feed(source)
            tokens.close()
        except AssertionError:
            continue
        return tokens
    raise TranscriptError("cannot read this HTML", path, None, "save the page as plain HTML")


def parse_html(text: str, path: Path) -> Transcript:
    """Read an HTML transcript: a whole page or a fragment."""
    builder = TranscriptBuilder(path, "html")
    builder.language = transcript_language(path)
    tokens = _tokenize(text, path)
    if tokens.language and builder.language is None:
        builder.language = tokens.language
    cite_layout = any(t.kind == "cite" for t in tokens.toks)
    _Reader(builder, cite_layout).feed(tokens.toks)
    for line, chrome, reason in tokens.chrome:
        builder.set_aside(line, chrome, reason)
    if not builder.has_paragraphs:
        builder.warn(0, "no visible text in the HTML")
    return builder.build()


__all__ = ["duration_ms", "parse_html"]
