"""The safety findings: a transcript absurd for its audio, staging outside feed/, limits
that are a directory's taste (warnings) not a client's need (errors), SubRip's line
length, and encodings told apart. (Markup in every field: test_hostile.py.)"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import srt
from showkit import FIRST, copy_show, tiny_built_fixture, tiny_source_fixture  # noqa: F401

from podpub.build import build
from podpub.cli import main
from podpub.errors import TranscriptError
from podpub.transcripts import read_transcript

TRANSCRIPT = Path("episodes") / FIRST / "transcript.txt"
EPISODE_YAML = Path("episodes") / FIRST / "episode.yaml"


def test_a_transcript_far_too_long_for_its_audio_is_refused(
    tiny_built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_show(tiny_built, tmp_path / "show")
    before = (root / "feed" / "feed.xml").read_bytes()
    # one line of 5 MB (the audio is a minute long): refused at once, by word count
    (root / TRANSCRIPT).write_text("Hello there.\n\n" + "word " * 1_048_576 + "\n", "utf-8")
    capsys.readouterr()
    assert main(["-q", "build", "--root", str(root), "--no-align"]) == 1
    err = capsys.readouterr().err
    assert "transcript.txt" in err and "words" in err and "Traceback" not in err
    assert (root / "feed" / "feed.xml").read_bytes() == before


def test_stages_live_outside_feed_and_a_no_change_build_clears_stale_ones(
    tiny_built: Path, tmp_path: Path
) -> None:
    root = copy_show(tiny_built, tmp_path / "show")
    # what builds killed mid-way leave: one stage of an older version inside feed/, one
    # in the cache
    old_stage = root / "feed" / ".stage-old"
    new_stage = root / ".podpub-cache" / "stage" / ".stage-killed"
    for stage in (old_stage, new_stage):
        (stage / FIRST).mkdir(parents=True)
        (stage / FIRST / "transcript.vtt").write_text("WEBVTT\n", "utf-8")
    report = build(root, align=False)
    assert not report.written, "nothing changed: nothing is written"
    assert not old_stage.exists() and not new_stage.exists()
    # and a build that does write stages in the cache, never in feed/
    (root / EPISODE_YAML).write_text(
        (root / EPISODE_YAML).read_text("utf-8") + "title: A new title\n", "utf-8"
    )
    seen: list[Path] = []
    import podpub.output as output

    real_publish = output.Stage.publish

    def spy(stage: output.Stage) -> None:
        seen.append(stage.root)
        real_publish(stage)

    try:
        output.Stage.publish = spy  # type: ignore[method-assign]
        assert build(root, align=False).written
    finally:
        output.Stage.publish = real_publish  # type: ignore[method-assign]
    assert seen and seen[0].parent == root / ".podpub-cache" / "stage"
    assert not list((root / "feed").rglob(".stage-*"))


def test_a_long_episode_title_builds_and_check_warns(
    tiny_built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_show(tiny_built, tmp_path / "show")
    title = "A very long title " * 14 + "about the sea and its tides"  # 279 characters
    lines = [
        line
        for line in (root / EPISODE_YAML).read_text("utf-8").splitlines()
        if not line.startswith("title:")
    ]
    (root / EPISODE_YAML).write_text("\n".join([*lines, f"title: {title}"]) + "\n", "utf-8")
    assert main(["-q", "build", "--root", str(root), "--no-align"]) == 0
    assert title.encode() in (root / "feed" / "feed.xml").read_bytes()
    capsys.readouterr()
    assert main(["check", "--root", str(root), "--no-align"]) == 0
    out = capsys.readouterr()
    assert "warning PP108" in out.out + out.err


def test_a_long_description_is_a_warning_not_an_error(
    tiny_built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_show(tiny_built, tmp_path / "show")
    lines = [
        line
        for line in (root / "podcast.yaml").read_text("utf-8").splitlines()
        if not line.startswith("description:")
    ]
    description = "A show about the sea. " * 250  # 5500 bytes: Apple keeps 4000
    (root / "podcast.yaml").write_text("\n".join([*lines, f"description: {description}"]), "utf-8")
    assert main(["-q", "build", "--root", str(root), "--no-align"]) == 0
    capsys.readouterr()
    assert main(["check", "--root", str(root), "--no-align"]) == 0
    out = capsys.readouterr()
    assert "warning PP104" in out.out + out.err


def test_subrip_cards_follow_the_transcript_guide(tiny_built: Path) -> None:
    cards = list(srt.parse((tiny_built / "feed" / FIRST / "transcript.srt").read_text("utf-8")))
    assert cards
    for card in cards:
        lines = card.content.splitlines()
        assert 1 <= len(lines) <= 2, card
        assert all(len(line) <= 32 for line in lines), card
    assert all(a.end <= b.start for a, b in itertools.pairwise(cards))
    vtt = (tiny_built / "feed" / FIRST / "transcript.vtt").read_text("utf-8")
    assert any(len(line) > 32 for line in vtt.splitlines()), "WebVTT keeps its 65"


TEXT = "First Light\n\nWelcome to the show. Café au lait, naïve and “quoted”.\n"


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("utf-8", TEXT.encode("utf-8")),
        ("utf-8 with BOM", b"\xef\xbb\xbf" + TEXT.encode("utf-8")),
        ("utf-16 LE with BOM", TEXT.encode("utf-16")),
        ("utf-16 BE with BOM", b"\xfe\xff" + TEXT.encode("utf-16-be")),
        ("windows-1252", TEXT.replace("\n", "\r\n").encode("cp1252")),
    ],
)
def test_encodings_are_decoded(tmp_path: Path, encoding: str, data: bytes) -> None:
    path = tmp_path / "transcript.txt"
    path.write_bytes(data)
    transcript = read_transcript(path)
    assert transcript.paragraphs[0].text == "Welcome to the show. Café au lait, naïve and “quoted”."
    assert any("Windows-1252" in w for w in transcript.warnings) == (encoding == "windows-1252")


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (TEXT.encode("utf-16-le"), "UTF-16 text without a byte-order mark"),
        (b"\x00\x01\x02binary\x00" * 50, "NUL bytes"),
        (b"Caf\xe9 \x81 au lait\n", "neither UTF-8 nor Windows-1252"),
    ],
)
def test_undecodable_transcripts_say_what_they_look_like(
    tmp_path: Path, data: bytes, said: str
) -> None:
    path = tmp_path / "transcript.txt"
    path.write_bytes(data)
    with pytest.raises(TranscriptError) as raised:
        read_transcript(path)
    assert said in str(raised.value) and "transcript.txt" in str(raised.value)
