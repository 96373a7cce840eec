"""YouTube's rolling auto-captions: each phrase read once, at the time it first appears."""

from __future__ import annotations

from pathlib import Path

from podpub.transcripts.captions import parse_vtt

HERE = Path("captions.vtt")


def _cues(text: str) -> list[tuple[int, str]]:
    return [(c.start_ms, c.text) for p in parse_vtt(text, HERE).paragraphs for c in p.cues]


def test_blank_line_before_the_text_and_hold_cues() -> None:
    """As yt-dlp writes them once the lone space on the first line is stripped."""
    text = """WEBVTT
Kind: captions
Language: en

00:00:00.240 --> 00:00:03.750 align:start position:0%

Does<00:00:00.560><c> fast</c><00:00:00.800><c> charging</c><00:00:01.680><c> hurt?</c>

00:00:03.750 --> 00:00:03.760 align:start position:0%
Does fast charging hurt?


00:00:03.760 --> 00:00:06.789 align:start position:0%
Does fast charging hurt?
We<00:00:04.000><c> tested</c><00:00:04.400><c> it.</c>

00:00:06.789 --> 00:00:06.799 align:start position:0%
We tested it.

"""
    t = parse_vtt(text, HERE)
    assert _cues(text) == [(240, "Does fast charging hurt?"), (3760, "We tested it.")]
    assert t.paragraphs[0].text == "Does fast charging hurt? We tested it."
    assert t.language == "en" and t.warnings == () and t.set_aside == ()


def test_a_repeat_of_two_lines_is_dropped() -> None:
    text = """WEBVTT

00:00:01.000 --> 00:00:02.000
one<00:00:01.500><c> two</c>
three

00:00:02.000 --> 00:00:03.000
one two
three
four<00:00:02.500><c> five</c>
"""
    assert _cues(text) == [(1000, "one two three"), (2000, "four five")]


def test_rolling_captions_without_word_times() -> None:
    lines = ["alpha beta", "gamma delta", "epsilon zeta", "eta theta", "iota kappa"]
    blocks = ["WEBVTT", f"00:00:00.000 --> 00:00:01.000\n{lines[0]}"]
    for k in range(1, len(lines)):
        blocks.append(f"00:00:0{k}.000 --> 00:00:0{k + 1}.000\n{lines[k - 1]}\n{lines[k]}")
    got = _cues("\n\n".join(blocks) + "\n")
    assert got == [(k * 1000, line) for k, line in enumerate(lines)]


def test_ordinary_captions_keep_their_repeats() -> None:
    text = """WEBVTT

00:00:01.000 --> 00:00:02.000
Yes.

00:00:02.000 --> 00:00:03.000
Yes.
Really yes.

00:00:03.000 --> 00:00:04.000
Really yes.
"""
    assert _cues(text) == [(1000, "Yes."), (2000, "Yes. Really yes."), (3000, "Really yes.")]


def test_text_after_a_blank_line_in_an_ordinary_cue_is_its_text() -> None:
    text = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\nHello there.\n\n"
        "00:00:02.000 --> 00:00:03.000\nBye.\n"
    )
    t = parse_vtt(text, HERE)
    assert _cues(text) == [(1000, "Hello there."), (2000, "Bye.")]
    assert any("blank line between" in w for w in t.warnings)
