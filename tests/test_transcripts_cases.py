"""Transcript reader data cases: tests/data/transcripts/<case>.<ext> + <case>.expected.json.

Adding a case means adding two files. ``pytest --update-golden`` rewrites the expected
JSON from what the readers produce now (review the diff like code); cases listed in
``WAITING`` keep their hand-written expectation and are not rewritten.

A case whose name starts with ``chapters_`` is a show-notes chapter list (or chapters
JSON) read by ``parse_chapter_list``; every other case goes through ``read_transcript``,
format detection included.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from podpub.model import ChapterOverride, Transcript
from podpub.transcripts import read_transcript
from podpub.transcripts.chapterlist import parse_chapter_list

CASES = Path(__file__).resolve().parent / "data" / "transcripts"
SUFFIX = ".expected.json"

# Cases whose hand-written expectation is not met yet (none at present); they are
# marked xfail and never rewritten by --update-golden.
WAITING: dict[str, str] = {}


def _case_names() -> list[str]:
    return sorted(p.name[: -len(SUFFIX)] for p in CASES.glob(f"*{SUFFIX}"))


def _input_of(case: str) -> Path:
    found = [
        p
        for p in CASES.glob(f"{case}.*")
        if not p.name.endswith(SUFFIX) and p.name[len(case) + 1 :].count(".") == 0
    ]
    assert len(found) == 1, f"case {case}: expected one input file, found {found}"
    return found[0]


def dump_transcript(t: Transcript) -> dict[str, Any]:
    """The parts of a Transcript a case pins down, as JSON-ready data."""
    sections = []
    for s in t.sections:
        paragraphs = []
        for p in s.paragraphs:
            para: dict[str, Any] = {
                "speaker": p.speaker,
                "text": p.text,
                "start_ms": p.given_start_ms,
            }
            if p.cues:
                para["cues"] = [[c.start_ms, c.end_ms] for c in p.cues]
            paragraphs.append(para)
        sections.append({"title": s.title, "start_ms": s.given_start_ms, "paragraphs": paragraphs})
    return {
        "format": t.format,
        "title": t.title,
        "language": t.language,
        "sections": sections,
        "set_aside": [{"line": a.line, "reason": a.reason} for a in t.set_aside],
        "warnings": list(t.warnings),
    }


def _chapter(chapter: ChapterOverride) -> dict[str, Any]:
    """A chapter as the case files write it: what it carries beside its title and start
    only when it has it (img, url, a silent chapter's toc: false)."""
    out: dict[str, Any] = {"title": chapter.title, "start_ms": chapter.start_ms}
    extras = chapter.extras
    out |= {k: v for k, v in (("img", extras.img), ("url", extras.url)) if v}
    if not extras.toc:
        out["toc"] = False
    return out


def _read(case: str) -> dict[str, Any]:
    path = _input_of(case)
    if case.startswith("chapters_"):
        chapters = parse_chapter_list(path.read_text(encoding="utf-8"), path)
        return {"chapters": [_chapter(c) for c in chapters]}
    return dump_transcript(read_transcript(path))


@pytest.mark.parametrize("case", _case_names())
def test_case(case: str, update_golden: bool) -> None:
    expected_path = CASES / f"{case}{SUFFIX}"
    got = _read(case)
    if update_golden and case not in WAITING:
        expected_path.write_text(
            json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        return
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    if case in WAITING:
        # Hand-written: the exact warning texts are plain.py's to choose.
        got.pop("warnings")
        expected.pop("warnings")
        if got != expected:
            pytest.xfail(WAITING[case])
    assert got == expected


def test_every_style_has_three_cases() -> None:
    names = _case_names()
    for prefix in ("plain_", "md_", "labelled_", "chapters_", "json_", "lang_"):
        assert sum(n.startswith(prefix) for n in names) >= 3, prefix
    assert sum(n.startswith(("srt_", "vtt_")) for n in names) >= 3
