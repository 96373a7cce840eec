"""Chapter lists in show notes, in the conventions found in the wild (made-up notes)."""

from __future__ import annotations

import pytest

from podpub.transcripts.chapterlist import parse_chapter_list


def chapters(text: str) -> list[tuple[int, str | None]]:
    return [(c.start_ms or 0, c.title) for c in parse_chapter_list(text)]


INTRO_NEXT = [(0, "Intro"), (330_000, "Next")]


@pytest.mark.parametrize(
    "text",
    [
        "00:00 Intro\n05:30 Next",
        "(00:00) Intro\n(05:30) Next",
        "[00:00:00] Intro\n[00:05:30] Next",
        "Intro - 00:00\nNext - 05:30",
        "Intro (00:00)\nNext (05:30)",
        "- 0:00 — Intro\n- 5:30 — Next",
        "1. 00:00 - Intro\n2. 05:30 - Next",
        "- [00:00](https://example.org/ep#t=0) Intro\n- [05:30](https://example.org/ep#t=330) Next",
        "* **[00:00](#t=00:00)** Intro\n* **[05:30](#t=05:30)** Next",
        "00:00 [Intro](https://example.org/a)\n05:30 [Next](https://example.org/b)",
        "- [Intro](https://example.org/a) - *00:00*.\n- [Next](https://example.org/b) - *05:30*.",
        "*00:00* Intro\n_05:30_ Next",
        "**Intro** – 00:00\n**Next** – 05:30",
        "\\[00:00\\] Intro\n\\[05:30\\] Next",
        "| Time | Topic |\n|---|---|\n| 00:00 | Intro |\n| 05:30 | Next |",
        "- [ ] 00:00 Intro\n- [x] 05:30 Next",
        "## 00:00 Intro\n## 05:30 Next",
        "<p>Chapters:<br/>00:00 Intro<br/>05:30 Next</p>",
        "<ul><li><a href='#t=0'>00:00</a> Intro</li><li>05:30 Next</li></ul>",
    ],
)
def test_one_chapter_a_line(text: str) -> None:
    assert chapters(text) == INTRO_NEXT


def test_hours_and_a_range() -> None:
    text = "00:00:00 Intro\n1:02:03 – 1:10:00 Middle\n01:10:00 End."
    assert chapters(text) == [(0, "Intro"), (3_723_000, "Middle"), (4_200_000, "End.")]


def test_a_title_keeps_its_own_dashes_and_period() -> None:
    text = "2:18 - Jason Lengstorf - What do you do?\n9:37 - Gatsby refresher."
    assert chapters(text) == [
        (138_000, "Jason Lengstorf - What do you do?"),
        (577_000, "Gatsby refresher."),
    ]


def test_a_time_alone_on_its_line_takes_the_next_line_as_title() -> None:
    text = "## Show Notes\n\n5:23\n\n* Components\n\n12:30\n\n- JSX\n\n## Links\n\n* [A](b)\n"
    assert chapters(text) == [(323_000, "Components"), (750_000, "JSX")]


def test_talking_points_and_link_sub_items_are_not_chapters() -> None:
    text = (
        "00:00 - Intro\n\n* a talking point\n* another\n\n"
        "05:30 - Next\n  * [A link](https://example.org)\n\n## Links\n* [Site](https://x.org)\n"
    )
    assert chapters(text) == INTRO_NEXT


@pytest.mark.parametrize(
    "fence",
    [
        ("---", "title: Ep 1\ntime: 00:30\nlength: 01:02:03"),
        ("+++", 'title = "Ep 1"\nat = "00:30"'),
    ],
)
def test_front_matter_lines_are_never_chapters(fence: tuple[str, str]) -> None:
    mark, body = fence
    text = f"{mark}\n{body}\n{mark}\n\n00:00 Intro\n05:30 Next\n"
    assert chapters(text) == INTRO_NEXT


def test_the_longest_run_of_increasing_times_is_the_list() -> None:
    text = (
        "Our stream starts at - 20:00\n\n### Chapters\n\n"
        "- [00:00] Intro\n- [05:30] Next\n- [09:00] Last\n\n### Transcript\n\n"
        "**Ann** [00:00:00]: Hello and welcome.\n**Bob** [00:00:04]: Hi.\n"
    )
    assert chapters(text) == [(0, "Intro"), (330_000, "Next"), (540_000, "Last")]


def test_one_timed_line_and_prose_are_no_list() -> None:
    assert chapters("Intro - 00:00\nWe met at 10:30 am, and 12:30 into the show.\n") == []
    assert chapters("A score of 3:2.\nAnd 4:1 - the next.\n") == []
    long_title = "word " * 60
    assert chapters(f"00:00 {long_title}\n05:30 {long_title}\n") == []


def test_words_with_underscores_keep_them() -> None:
    assert chapters("00:00 The snake_case name\n05:30 _Emphasis_\n") == [
        (0, "The snake_case name"),
        (330_000, "Emphasis"),
    ]


def test_a_list_out_of_order_is_one_list_in_time_order() -> None:
    assert chapters("05:30 Next\n00:00 Intro\n") == INTRO_NEXT


def test_a_time_going_back_after_prose_starts_another_list() -> None:
    text = "We went live - 45:00\n\nChapters:\n- 00:00 Intro\n- 05:30 Next\n"
    assert chapters(text) == INTRO_NEXT


def test_sections_with_increasing_times_make_one_list() -> None:
    text = "## Part one\n00:00 Intro\n05:30 Next\n\n## Part two\n10:00 Third\n12:00 Fourth\n"
    assert [start for start, _ in chapters(text)] == [0, 330_000, 600_000, 720_000]
