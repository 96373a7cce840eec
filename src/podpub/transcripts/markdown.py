"""Reader for Markdown transcripts (pure): front matter, headings, speaker labels.

- YAML front matter (``---`` … ``---`` on the first lines) or TOML (``+++``) gives ``title`` and
  ``language``/``lang``; it is set aside as "front-matter".
- The first ``#`` heading is the document title when nothing precedes it and it is the
  only ``#`` heading (or the others are ``##`` and deeper), or when it repeats the front
  matter's title; other headings (ATX ``##`` or setext underlines) become sections. A
  time in a heading ("## [12:30] Topic", "## Topic (12:30)") is the section's start.
- ``**Name:** text``, ``**Name**: text`` and ``Name: text`` label speakers, with the
  same rules (and times) as the labelled-text reader.
- Inline markup is removed from the text; code blocks, HTML comments and images are set
  aside; list items holding links ("- [Site](https://…)") are set aside as "links".
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from podpub.errors import TranscriptError
from podpub.model import Transcript
from podpub.transcripts.assemble import TranscriptBuilder
from podpub.transcripts.labelled import LineReader
from podpub.transcripts.language import language_tag_ok, transcript_language
from podpub.transcripts.lines import split_lines
from podpub.yaml_io import YamlTextError, parse_yaml_text


def parse_markdown(text: str, path: Path) -> Transcript:
    """Read a Markdown transcript."""
    builder = TranscriptBuilder(path, "markdown")
    builder.language = transcript_language(path)
    lines = split_lines(text)
    reader = LineReader(builder, markdown=True)
    body_start = _front_matter(lines, path, builder, reader)
    reader.feed(lines[body_start:], first_line=body_start + 1)
    return builder.build()


def _front_matter(
    lines: list[str], path: Path, builder: TranscriptBuilder, reader: LineReader
) -> int:
    """Read YAML front matter into the builder; return the index of the first body line."""
    fence = lines[0].strip() if lines else ""
    if fence not in ("---", "+++"):
        return 0
    closing = ("---", "...") if fence == "---" else ("+++",)
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in closing), None)
    if end is None:
        return 0  # a lone rule at the top, not front matter
    data = _front_matter_data(lines[1:end], fence, path)
    builder.found("front matter (TOML)" if fence == "+++" else "front matter (YAML)")
    for i in range(end + 1):
        builder.set_aside(i + 1, lines[i], "front-matter")
    if data is None:
        return end + 1
    if not isinstance(data, dict):
        builder.warn(1, "front matter is not a mapping of keys to values; ignored")
        return end + 1
    title = data.get("title")
    if isinstance(title, (str, int, float)) and str(title).strip():
        builder.title = str(title).strip()
        reader.title_from_front_matter = builder.title
    elif title is not None:
        builder.warn(1, "front matter 'title' is not text; ignored")
    for key in ("language", "lang"):
        value = data.get(key)
        if isinstance(value, str) and language_tag_ok(value):
            builder.language = value.strip().replace("_", "-")
            break
        if value is not None:
            builder.warn(
                1, f"front matter {key!r} is not a language tag such as 'en' or 'pt-BR'; ignored"
            )
    return end + 1


def _front_matter_data(lines: list[str], fence: str, path: Path) -> Any:
    """YAML between ``---`` lines (Jekyll, Hugo, Eleventy…) or TOML between ``+++`` (Hugo,
    Zola); a clear error when it does not parse."""
    source = "\n".join(lines)
    if fence == "+++":
        try:
            return tomllib.loads(source)
        except tomllib.TOMLDecodeError as exc:
            raise TranscriptError(
                f"front matter is not valid TOML: {exc}",
                path,
                None,
                "fix the TOML between the '+++' lines, or remove it",
            ) from None
    try:
        return parse_yaml_text(source)
    except YamlTextError as exc:
        line = exc.line + 1 if exc.line is not None else 1  # the '---' line comes first
        raise TranscriptError(
            f"front matter is not valid YAML: {exc.problem}",
            path,
            line,
            "fix the YAML between the '---' lines, or remove it",
        ) from None


__all__ = ["parse_markdown"]
