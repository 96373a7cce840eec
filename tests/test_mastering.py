"""From master to published audio (issue #16): a WAV master with the show's intro and
outro, loudness-normalised and encoded to MP3 with Opus and M4A alternates; read back by
tools nobody here wrote: ffmpeg's ebur128 meter (loudness, true peak), ffprobe
(chapters in every file), podcast-partytime (podcast:alternateEnclosure)."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_mp3
from showkit import FIRST, TINY, copy_show, partytime_fixture, tree_digest  # noqa: F401

from podpub.build import build
from podpub.cli import main
from podpub.errors import MultipleErrors
from podpub.load import load_show

REPO = Path(__file__).resolve().parent.parent
MASTER_S = 60
GIVEN_STARTS_S = [0.0, 25.0, 42.0]  # the tiny transcript's three chapters, as given
CROSSFADE_MS = 300
AUDIO_BLOCK = f"""
audio:
  loudness: -16
  intro: jingles/intro.wav
  outro: jingles/outro.wav
  crossfade_ms: {CROSSFADE_MS}
  alternates: [opus, m4a]
"""
CHAPTERS = """
chapters:
  - {title: Introduction, start: 0}
  - {title: Building the Mirror, start: 25}
  - {title: The Night Itself, start: 42}
soundbite: {start_time: 10, duration: 20, text: A moment}
"""


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True, capture_output=True)


def make_master(path: Path, seconds: float = MASTER_S, *, channels: int = 2) -> Path:
    """A stereo 48 kHz WAV 'master': pink noise at a level far from -16 LUFS, under a tone."""
    ffmpeg(
        "-filter_complex",
        f"anoisesrc=d={seconds}:c=pink:r=48000:a=0.03:seed=7[n];"
        f"sine=f=220:r=48000:d={seconds}[s];[n][s]amix=inputs=2:weights=1 0.2",
        "-ac", str(channels), "-c:a", "pcm_s16le", str(path),
    )  # fmt: skip
    return path


def make_show(target: Path) -> Path:
    root = copy_show(TINY, target)
    episode = root / "episodes" / FIRST
    make_master(episode / "master.wav")
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_jingles.py"), str(root)], check=True
    )
    with (root / "podcast.yaml").open("a", encoding="utf-8") as handle:
        handle.write(AUDIO_BLOCK)
    with (episode / "episode.yaml").open("a", encoding="utf-8") as handle:
        handle.write(CHAPTERS)
    return root


@pytest.fixture(scope="module", name="mastered")
def mastered_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_show(tmp_path_factory.mktemp("mastered") / "show")
    build(root, align=False)
    return root


def probe_chapters(path: Path) -> list[tuple[float, str]]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(path)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return [(float(c["start_time"]), c["tags"]["title"]) for c in json.loads(out)["chapters"]]


def ebur128(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) as ffmpeg's EBU R128 meter reads."""
    err = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128=peak=true",
         "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    ).stderr  # fmt: skip
    summary = err[err.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))  # type: ignore[union-attr]
    peak = float(re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))  # type: ignore[union-attr]
    return integrated, peak


def intro_offset_s(root: Path) -> float:
    """The intro's length (as generated) less the crossfade: what is put before the master."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
         str(root / "jingles" / "intro.wav")],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return float(out) - CROSSFADE_MS / 1000


PUBLISHED = [f"{FIRST}/{FIRST}.mp3", f"{FIRST}/{FIRST}.opus", f"{FIRST}/{FIRST}.m4a"]


@pytest.mark.parametrize("name", PUBLISHED)
def test_every_file_is_at_minus_16_lufs_under_minus_1_dbtp(mastered: Path, name: str) -> None:
    integrated, peak = ebur128(mastered / "feed" / name)
    assert abs(integrated - -16.0) <= 1.0, integrated
    assert peak <= -1.0 + 0.5, peak


@pytest.mark.parametrize("name", PUBLISHED)
def test_every_file_carries_the_chapters_shifted_by_the_intro(mastered: Path, name: str) -> None:
    chapters = probe_chapters(mastered / "feed" / name)
    offset = intro_offset_s(mastered)
    expected = [0.0] + [start + offset for start in GIVEN_STARTS_S[1:]]
    assert [title for _, title in chapters] == [
        "Introduction",
        "Building the Mirror",
        "The Night Itself",
    ]
    for (start, title), want in zip(chapters, expected, strict=True):
        assert abs(start - want) <= 0.05, (title, start, want)


def test_transcripts_and_chapters_json_are_shifted_too(mastered: Path) -> None:
    folder = mastered / "feed" / FIRST
    offset = intro_offset_s(mastered)
    doc = json.loads((folder / "chapters.json").read_text("utf-8"))
    assert abs(doc["chapters"][1]["startTime"] - (25.0 + offset)) <= 0.002
    vtt = (folder / "transcript.vtt").read_text("utf-8")
    first_cue = re.search(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) -->", vtt)
    assert first_cue is not None
    h, m, s, ms = (int(g) for g in first_cue.groups())
    assert h * 3600 + m * 60 + s + ms / 1000 >= offset - 0.001


def test_soundbites_move_with_the_intro(mastered: Path) -> None:
    xml = (mastered / "feed" / "feed.xml").read_text("utf-8")
    found = re.search(r'<podcast:soundbite startTime="([\d.]+)"', xml)
    assert found is not None
    assert abs(float(found.group(1)) - (10.0 + intro_offset_s(mastered))) <= 0.002


def test_the_feed_lists_the_alternates_as_partytime_reads_them(
    mastered: Path, partytime: Path
) -> None:
    feed = mastered / "feed" / "feed.xml"
    out = subprocess.run(
        ["node", str(partytime / "parse.js"), str(feed)],
        check=True, capture_output=True, text=True, cwd=partytime, timeout=60,
    ).stdout  # fmt: skip
    item = json.loads(out)["items"][0]
    alternates = item["alternativeEnclosures"]
    base = "https://example.org/tiny/"
    found = {a["source"][0]["uri"]: a for a in alternates}
    assert sorted(found) == sorted(base + name for name in PUBLISHED)
    main_entry = found[base + PUBLISHED[0]]
    assert main_entry["default"] is True and main_entry["type"] == "audio/mpeg"
    assert item["enclosure"]["url"] == base + PUBLISHED[0]
    for name in PUBLISHED:
        entry = found[base + name]
        assert entry["length"] == (mastered / "feed" / name).stat().st_size
        assert entry["bitrate"] > 16_000
    assert found[base + PUBLISHED[1]]["codecs"] == "opus"


def test_a_rebuild_from_scratch_is_byte_identical(mastered: Path, tmp_path: Path) -> None:
    again = make_show(tmp_path / "show")
    build(again, align=False)
    assert tree_digest(again / "feed") == tree_digest(mastered / "feed")


def test_an_unchanged_episode_is_not_encoded_again(mastered: Path, tmp_path: Path) -> None:
    root = copy_show(mastered, tmp_path / "show")
    shutil.rmtree(root / "feed")
    entries = sorted((root / ".podpub-cache" / "audio").iterdir())
    stamps = {p: p.stat().st_mtime_ns for e in entries for p in e.iterdir()}
    build(root, align=False)
    assert sorted((root / ".podpub-cache" / "audio").iterdir()) == entries
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps


def test_an_mp3_with_nothing_to_do_is_copied_and_tagged(tmp_path: Path) -> None:
    """Alternates alone do not re-encode the MP3 (no second lossy pass)."""
    plain = copy_show(TINY, tmp_path / "plain")
    make_mp3(plain / "episodes" / FIRST / "audio.mp3", 60.0)
    alternates = copy_show(plain, tmp_path / "alternates")
    with (alternates / "podcast.yaml").open("a", encoding="utf-8") as handle:
        handle.write("audio:\n  alternates: [opus]\n")
    build(plain, align=False)
    build(alternates, align=False)
    mp3 = f"{FIRST}/{FIRST}.mp3"
    assert (alternates / "feed" / mp3).read_bytes() == (plain / "feed" / mp3).read_bytes()
    assert (alternates / "feed" / FIRST / f"{FIRST}.opus").is_file()
    assert [t for _, t in probe_chapters(alternates / "feed" / FIRST / f"{FIRST}.opus")] == [
        t for _, t in probe_chapters(plain / "feed" / mp3)
    ]


def test_replaced_audio_with_given_times_is_warned_of(mastered: Path, tmp_path: Path) -> None:
    root = copy_show(mastered, tmp_path / "show")
    make_master(root / "episodes" / FIRST / "master.wav", MASTER_S + 2)
    report = build(root, align=False)
    assert any("now 62.0 s long (it was 60.0 s)" in w for w in report.warnings), report.warnings
    # the old encoding is dropped from the cache once the new one is made
    assert len(list((root / ".podpub-cache" / "audio").iterdir())) == 1


def test_an_episode_may_drop_the_intro(mastered: Path, tmp_path: Path) -> None:
    root = copy_show(mastered, tmp_path / "show")
    yaml = root / "episodes" / FIRST / "episode.yaml"
    yaml.write_text(
        yaml.read_text("utf-8") + "audio: {file: master.wav, intro: none, alternates: []}\n",
        "utf-8",
    )
    build(root, align=False)
    mp3 = root / "feed" / FIRST / f"{FIRST}.mp3"
    assert abs(probe_chapters(mp3)[1][0] - 25.0) <= 0.05
    assert not (root / "feed" / FIRST / f"{FIRST}.opus").exists()


def test_an_episode_s_own_intro_changing_rebuilds_it(mastered: Path, tmp_path: Path) -> None:
    """An intro named only in an episode's audio: lives outside its folder; replacing it
    still rebuilds that episode (its chapters move by the new intro's length)."""
    root = copy_show(mastered, tmp_path / "show")
    yaml = root / "episodes" / FIRST / "episode.yaml"
    yaml.write_text(
        yaml.read_text("utf-8") + "audio: {file: master.wav, intro: own/intro.wav}\n", "utf-8"
    )
    (root / "own").mkdir()
    ffmpeg("-f", "lavfi", "-i", "sine=f=440:r=48000:d=2", str(root / "own" / "intro.wav"))
    build(root, align=False)
    mp3 = root / "feed" / FIRST / f"{FIRST}.mp3"
    first = probe_chapters(mp3)[1][0]
    ffmpeg("-f", "lavfi", "-i", "sine=f=440:r=48000:d=5", str(root / "own" / "intro.wav"))
    build(root, align=False)
    assert abs(probe_chapters(mp3)[1][0] - first - 3.0) <= 0.05


def test_bad_audio_settings_name_the_file_and_line(tmp_path: Path) -> None:
    root = copy_show(TINY, tmp_path / "show")
    with (root / "podcast.yaml").open("a", encoding="utf-8") as handle:
        handle.write(
            "audio:\n  format: wav\n  loudness: loud\n  intro: missing.wav\n"
            "  alternates: [flac]\n  bitrate: 5000k\n  volume: 11\n"
        )
    with pytest.raises(MultipleErrors) as caught:
        load_show(root)
    lines = text = str(caught.value)
    assert "podcast.yaml" in text
    for fragment in ("audio.format", "audio.loudness", "audio.intro", "audio.alternates",
                     "audio.bitrate", "audio.volume"):  # fmt: skip
        assert fragment in lines, fragment
    assert all(e.line is not None for e in caught.value.errors)


def _wav_header_only(path: Path) -> None:
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "0", str(path))


def _truncated(path: Path) -> None:
    make_master(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _unknown_codec(path: Path) -> None:
    make_master(path, 2)
    data = bytearray(path.read_bytes())
    at = data.index(b"fmt ")
    struct.pack_into("<H", data, at + 8, 0x1234)  # a WAVE format tag nobody decodes
    path.write_bytes(bytes(data))


def _silent(path: Path) -> None:
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", str(MASTER_S), str(path))


def _eight_channels(path: Path) -> None:
    ffmpeg("-f", "lavfi", "-i", "anoisesrc=r=8000:a=0.1:d=2", "-ac", "8", str(path))


BAD_MASTERS = [
    ("truncated", _truncated, "truncated"),
    ("unknown-codec", _unknown_codec, "codec"),
    ("zero-seconds", _wav_header_only, "0 s"),
    ("silent", _silent, "silent"),
    ("eight-channels", _eight_channels, "8 channels"),
]


@pytest.mark.parametrize(("case", "make", "says"), BAD_MASTERS, ids=[c[0] for c in BAD_MASTERS])
def test_a_bad_master_is_refused_by_name(
    mastered: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, make, says: str
) -> None:
    root = copy_show(mastered, tmp_path / "show")
    master = root / "episodes" / FIRST / "master.wav"
    make(master)
    before = tree_digest(root / "feed")
    capsys.readouterr()
    assert main(["-q", "build", "--root", str(root), "--no-align"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {master}"), err
    assert says in err, err
    assert "Traceback" not in err
    assert tree_digest(root / "feed") == before
