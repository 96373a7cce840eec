"""Real-world transcripts: files published by other podcasts and tools, read right.

Each folder of ``tests/data/realworld/`` holds a file as found (``source.*``), where it
came from (``provenance.yaml``) and what a careful reader finds in it (``truth.yaml``,
written by hand; see the folder's README). Every case goes through ``read_transcript``
with format detection, as a podcaster's file would.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from podpub.model import Transcript
from podpub.transcripts import read_transcript
from podpub.transcripts.chapterlist import parse_chapter_list

CORPUS = Path(__file__).resolve().parent / "data" / "realworld"
TIME_TOLERANCE_S = 1.0  # given times are read, not estimated: a second covers rounding

# Cases whose truth podpub does not reach yet, with what is missing (none, ideally).
WAITING: dict[str, str] = {}


def _cases() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if (p / "truth.yaml").is_file())


def _source(case: str) -> Path:
    found = sorted(p for p in (CORPUS / case).iterdir() if p.stem == "source")
    assert len(found) == 1, f"{case}: expected one source file, found {found}"
    return found[0]


def _unescape(text: str) -> str:
    """Markdown backslash escapes undone ("\\[07:47\\]" must not be said as "[07:47]")."""
    return re.sub(r"\\([\[\]'\"*_.!#()-])", r"\1", text)


def _norm(text: str) -> str:
    """Whitespace collapsed, Markdown emphasis and escapes and HTML entities undone: the
    truth quotes what a reader sees."""
    text = html.unescape(text)
    text = re.sub(r"\\([\[\]'\"*_.!#()-])", r"\1", text)
    text = text.replace("**", "").replace("’", "'").replace("‘", "'")
    return " ".join(text.split())


def _truth(case: str) -> dict[str, Any]:
    data = yaml.safe_load((CORPUS / case / "truth.yaml").read_text("utf-8"))
    assert isinstance(data, dict), case
    return data


def check_transcript(t: Transcript, truth: dict[str, Any]) -> list[str]:
    """What differs from the truth (empty when the transcript was read right)."""
    problems: list[str] = []
    paragraphs = t.paragraphs
    if not paragraphs:
        return ["no spoken paragraphs"]
    texts = [_norm(p.text) for p in paragraphs]
    if "title" in truth and truth["title"] is not None and t.title != truth["title"]:
        problems.append(f"title {t.title!r}, expected {truth['title']!r}")
    if "headings" in truth:
        got = [s.title for s in t.sections if s.title]
        if got != truth["headings"]:
            problems.append(f"headings {got}, expected {truth['headings']}")
    if "speakers" in truth and list(t.speakers) != truth["speakers"]:
        problems.append(f"speakers {list(t.speakers)}, expected {truth['speakers']}")
    for text in truth.get("not_spoken") or []:
        for p in paragraphs:
            if text in p.text or _unescape(text) in p.text:
                problems.append(f"not spoken, but in line {p.line}: {text!r}")
                break
    first = _norm(truth["first_spoken"])
    if not texts[0].startswith(first):
        problems.append(f"first spoken {texts[0][:80]!r}, expected {first!r}")
    last = _norm(truth["last_spoken"])
    if not texts[-1].endswith(last):
        problems.append(f"last spoken {texts[-1][-80:]!r}, expected {last!r}")
    for seconds, words in truth.get("times") or []:
        problems += _check_time(t, float(seconds), _norm(words))
    return problems


def _check_time(t: Transcript, seconds: float, words: str) -> list[str]:
    """The paragraph (or cue) that begins with ``words`` was given that start time."""
    for p in t.paragraphs:
        starts = [(p.given_start_ms, _norm(p.text))] + [(c.start_ms, _norm(c.text)) for c in p.cues]
        for start_ms, text in starts:
            if text.startswith(words):
                if start_ms is None:
                    return [f"no time given for {words!r} (expected {seconds} s)"]
                if abs(start_ms / 1000 - seconds) > TIME_TOLERANCE_S:
                    return [f"{words!r} at {start_ms / 1000} s, expected {seconds} s"]
                return []
    return [f"no paragraph or cue begins with {words!r}"]


def check_chapters(path: Path, truth: dict[str, Any]) -> list[str]:
    chapters = parse_chapter_list(path.read_text("utf-8-sig"), path)
    got = [(round((c.start_ms or 0) / 1000, 3), _norm(c.title or "")) for c in chapters]
    expected = [(round(float(s), 3), _norm(title)) for s, title in truth["chapters"]]
    return [] if got == expected else [f"chapters {got}, expected {expected}"]


@pytest.mark.parametrize("case", _cases())
def test_realworld_transcript(case: str) -> None:
    truth = _truth(case)
    path = _source(case)
    problems: list[str] = []
    if "chapters" in truth:
        problems += check_chapters(path, truth)
    if "first_spoken" in truth:
        problems += check_transcript(read_transcript(path), truth)
    if case in WAITING:
        if problems:
            pytest.xfail(WAITING[case])
        pytest.fail(f"{case} is read right now: take it off WAITING")
    assert not problems, "\n".join(problems)


def test_the_corpus_is_broad() -> None:
    """At least 30 files from at least 15 sources, each with its provenance and licence."""
    sources: set[str] = set()
    families: set[str] = set()
    for case in _cases():
        provenance = yaml.safe_load((CORPUS / case / "provenance.yaml").read_text("utf-8"))
        assert provenance.get("licence"), f"{case}: no licence"
        assert provenance.get("url") or provenance.get("commit"), f"{case}: no origin"
        sources.add(str(provenance["source"]).split("(")[0].strip().lower())
        families.add(str(provenance.get("family")))
    assert len(_cases()) >= 30
    assert len(sources) >= 15, sorted(sources)
