"""Transcript reading: headings the podcaster says are not chapters (pure).

episode.yaml's ``not_chapters:`` lists headings the reader took for section headings but
that are not (a page heading such as "Disclaimer", a caption). Each is set aside and its
paragraphs join the section before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from podpub.model import Section, SetAside, Transcript
from podpub.transcripts.lines import normalize_space


def _key(title: str) -> str:
    return normalize_space(title).casefold()


def drop_headings(t: Transcript, titles: Sequence[str]) -> tuple[Transcript, tuple[str, ...]]:
    """The transcript without those headings, and the titles that matched no heading."""
    wanted = {_key(title) for title in titles}
    if not wanted:
        return t, ()
    found: set[str] = set()
    sections: list[Section] = []
    set_aside = list(t.set_aside)
    for section in t.sections:
        if section.title is not None and _key(section.title) in wanted:
            found.add(_key(section.title))
            set_aside.append(SetAside(section.line, section.title, "not-a-chapter"))
            if sections:
                last = sections[-1]
                sections[-1] = replace(last, paragraphs=last.paragraphs + section.paragraphs)
            else:
                sections.append(replace(section, title=None, given_start_ms=None))
            continue
        sections.append(section)
    unmatched = tuple(title for title in titles if _key(title) not in found)
    set_aside.sort(key=lambda s: s.line)
    dropped = {a.line for a in set_aside if a.reason == "not-a-chapter"}
    guesses = tuple(g for g in t.guesses if g.line not in dropped)  # settled
    settled = replace(t, sections=tuple(sections), set_aside=tuple(set_aside), guesses=guesses)
    return settled, unmatched


__all__ = ["drop_headings"]
