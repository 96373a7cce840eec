"""The transcript families of the real-world issue, each in a few made-up lines: the
layouts the corpus (tests/data/realworld) has no licensed file for, and the smallest
form of those it has. Each asserts speakers, given times and what is left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from podpub.transcripts import read_transcript

Turn = tuple[str | None, int | None, str]  # speaker, given start (ms), words (or opening)


def _turns(tmp_path: Path, name: str, text: str) -> list[Turn]:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return [(p.speaker, p.given_start_ms, p.text) for p in read_transcript(path).paragraphs]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (  # labels with no space after the colon
            "transcript.txt",
            "Claire Waite Brown:Welcome back to the show.\n\nJo Smith:Thanks for having me.\n",
            [
                ("Claire Waite Brown", None, "Welcome back to the show"),
                ("Jo Smith", None, "Thanks for having me."),
            ],
        ),
        (  # "Name (MM:SS):" on its own line, the text below, a bare "(MM:SS):" inside a turn
            "transcript.txt",
            "Maya Ortiz (00:00):\nWelcome back to Tidewater.\n"
            "(00:12):\nToday we talk about tides.\n\n"
            "Jonas Berg (00:30):\nHi Maya.\n",
            [
                ("Maya Ortiz", 0, "Welcome back to Tidewater"),
                ("Maya Ortiz", 12_000, "Today we talk about tide"),
                ("Jonas Berg", 30_000, "Hi Maya."),
            ],
        ),
        (  # "Name: HH:MM:SS" label lines: the time after the name
            "transcript.txt",
            "Maya Ortiz: 00:00:05\nWelcome back to Tidewater.\n\nJonas Berg: 00:01:10\nHi Maya.\n",
            [
                ("Maya Ortiz", 5_000, "Welcome back to Tidewater"),
                ("Jonas Berg", 70_000, "Hi Maya."),
            ],
        ),
        (  # a group label holding only an annotation, and a "Break:" label: no one speaks
            "transcript.txt",
            "[00:00:01] Maya: Welcome back.\n\n[00:00:05] Maya & Jonas: (laughing)\n\n"
            "[00:00:09] Jonas: Good to be here.\n\n**Break:**\n\n"
            "[00:01:00] Maya: And we are back.\n",
            [
                ("Maya", 1_000, "Welcome back."),
                ("Jonas", 9_000, "Good to be here."),
                ("Maya", 60_000, "And we are back."),
            ],
        ),
        (  # an unlabelled cold open before the first label is spoken
            "transcript.txt",
            "We could not believe what we found that night.\n\nMaya: Welcome to Tidewater.\n\n"
            "Jonas: And I'm Jonas.\n\nMaya: Let's start.\n",
            [
                (None, None, "We could not believe wha"),
                ("Maya", None, "Welcome to Tidewater."),
                ("Jonas", None, "And I'm Jonas."),
                ("Maya", None, "Let's start."),
            ],
        ),
        (  # inline marks, Markdown-escaped: given times, gone from the text
            "transcript.md",
            "**Maya:** Welcome back. \\[00:00:07\\] Today, the tides.\n\n"
            "\\[01:02\\] **Jonas:** Hi Maya.\n",
            [("Maya", None, "Welcome back. Today, the"), ("Jonas", 62_000, "Hi Maya.")],
        ),
        (  # a page: its description, a sentence saying a transcript follows, bold questions
            "transcript.md",
            "# What Buildpacks Mean\n\nThe foundation announced buildpacks last week.\n\n"
            "To learn more, our host spoke with two guests.\n\n"
            "_Here is a lightly edited transcript of the interview:_\n\n"
            "**Swapnil Bhartiya: Today we have two guests. What are buildpacks?**\n\n"
            "Chip Childers: They turn source code into images.\n\n"
            "**Swapnil Bhartiya: Thanks for explaining that.**\n",
            [
                ("Swapnil Bhartiya", None, "Today we have two guests."),
                ("Chip Childers", None, "They turn source code"),
                ("Swapnil Bhartiya", None, "Thanks for explaining that."),
            ],
        ),
    ],
)
def test_family(tmp_path: Path, name: str, text: str, expected: list[Turn]) -> None:
    got = _turns(tmp_path, name, text)
    assert [(s, t) for s, t, _ in got] == [(s, t) for s, t, _ in expected]
    for (_, _, words), (_, _, opening) in zip(got, expected, strict=True):
        assert words.startswith(opening), (words, opening)


def test_an_inline_mark_starts_a_cue_within_the_turn(tmp_path: Path) -> None:
    path = tmp_path / "transcript.txt"
    path.write_text(
        "[00:00:02] Maya: Welcome back. [00:00:07] Today, the tides.\n\n"
        "[00:00:12] Jonas: Hi Maya.\n",
        "utf-8",
    )
    paragraph = read_transcript(path).paragraphs[0]
    assert paragraph.text == "Welcome back. Today, the tides."
    assert [(c.start_ms, c.text) for c in paragraph.cues] == [
        (2_000, "Welcome back."),
        (7_000, "Today, the tides."),
    ]
    assert paragraph.cues[0].end_ms == 7_000
