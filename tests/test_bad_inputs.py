"""A corpus of bad inputs, each built over a good feed: exit 1 from the CLI, a message
naming the offending file, no traceback, nothing changed under episodes/, and the
previous feed/ (and podpub.lock) byte for byte as they were.

The corpus is generated from the tiny show (a table of case id -> mutation), plus a few
files under tests/data/bad/ that are awkward to make in code. Some "bad" inputs are
accepted by design (a BOM; HTML or control characters in titles and text): they must
build, and come out escaped or stripped.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from showkit import (
    FIRST,
    FIRST_GUID,
    copy_show,
    tiny_built_fixture,  # noqa: F401
    tiny_source_fixture,  # noqa: F401
    tree_digest,
)

from podpub.cli import main

BAD = Path(__file__).resolve().parent / "data" / "bad"
EP = f"episodes/{FIRST}"
EPISODE_YAML = f"{EP}/episode.yaml"
TRANSCRIPT = f"{EP}/transcript.txt"
AUDIO = f"{EP}/audio.mp3"
SECOND_GUID = "6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
Mutation = Callable[[Path], None]


# ------------------------------------------------------------------ mutations


def replace(relative: str, old: str, new: str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / relative
        text = path.read_text("utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), "utf-8")

    return mutate


def append(relative: str, text: str) -> Mutation:
    def mutate(root: Path) -> None:
        with (root / relative).open("a", encoding="utf-8") as handle:
            handle.write(text)

    return mutate


def write(relative: str, data: bytes | str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    return mutate


def copy_bad(name: str, relative: str) -> Mutation:
    return write(relative, (BAD / name).read_bytes())


def remove(relative: str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / relative
        shutil.rmtree(path) if path.is_dir() else path.unlink()

    return mutate


def rename(old: str, new: str) -> Mutation:
    return lambda root: (root / old).rename(root / new)


def sparse(relative: str, size: int) -> Mutation:
    """A file of ``size`` bytes that takes no disk space (zeros)."""

    def mutate(root: Path) -> None:
        path = root / relative
        path.unlink(missing_ok=True)
        with path.open("wb") as handle:
            handle.truncate(size)

    return mutate


def link_outside(relative: str, content: bytes | None = None, *, directory: bool = False):
    """Replace ``relative`` by a link to a copy of it outside the show folder."""

    def mutate(root: Path) -> None:
        path = root / relative
        outside = root.parent / ("outside-" + path.name)
        if directory:
            shutil.copytree(path, outside)
            shutil.rmtree(path)
        else:
            outside.write_bytes(content if content is not None else path.read_bytes())
            path.unlink(missing_ok=True)
        path.symlink_to(outside)

    return mutate


def set_field(relative: str, key: str, value: str) -> Mutation:
    """Replace (or add) the top-level ``key: ...`` line of a YAML file."""

    def mutate(root: Path) -> None:
        path = root / relative
        lines = path.read_text("utf-8").splitlines()
        out = [line for line in lines if not line.startswith(f"{key}:")]
        out.append(f"{key}: {value}")
        path.write_text("\n".join(out) + "\n", "utf-8")

    return mutate


def drop_field(relative: str, key: str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / relative
        lines = path.read_text("utf-8").splitlines()
        kept = [line for line in lines if not line.startswith(f"{key}:")]
        assert len(kept) < len(lines), f"no {key} in {relative}"
        path.write_text("\n".join(kept) + "\n", "utf-8")

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(root: Path) -> None:
        for mutation in mutations:
            mutation(root)

    return mutate


def second_episode(guid: str = SECOND_GUID, slug: str = "second-look") -> Mutation:
    def mutate(root: Path) -> None:
        folder = root / "episodes" / slug
        shutil.copytree(root / EP, folder)
        text = (folder / "episode.yaml").read_text("utf-8").replace(FIRST_GUID, guid)
        (folder / "episode.yaml").write_text(text, "utf-8")

    return mutate


def png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + b"\0\0\0\0"


def audio_bytes(root: Path) -> bytes:
    return (root / AUDIO).read_bytes()


def truncate_audio(fraction: float) -> Mutation:
    def mutate(root: Path) -> None:
        data = audio_bytes(root)
        (root / AUDIO).write_bytes(data[: int(len(data) * fraction)])

    return mutate


def audio_as(relative: str) -> Mutation:
    """The (MP3) audio under another name: the content no longer matches the name."""
    return lambda root: (root / AUDIO).rename(root / relative)


def convert_audio(extension: str, relative: str) -> Mutation:
    def mutate(root: Path) -> None:
        out = root.parent / f"converted{extension}"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-i", str(root / AUDIO), "-t", "5", str(out)],
            check=True,
        )
        (root / AUDIO).unlink()
        (root / relative).write_bytes(out.read_bytes())

    return mutate


P = "podcast.yaml"
Y = EPISODE_YAML
LONG = "x" * 100_001  # past the sanity limit on any YAML text (not a directory's limit)

# (case id, path the message must name, mutation)
# fmt: off
CASES: list[tuple[str, str, Mutation]] = [
    # ---- podcast.yaml: broken YAML and encodings
    ("show-empty", P, write(P, "")),
    ("show-comment-only", P, write(P, "# nothing here\n")),
    ("show-unclosed-quote", P, replace(P, "title: Tiny Test Show", 'title: "Tiny Test Show')),
    ("show-bad-indent", P, replace(P, "author: Test Author", "  author: Test Author\n bad")),
    ("show-tab-indent", P, replace(P, "funding:\n  - ", "funding:\n\t- ")),
    ("show-is-list", P, write(P, "- title\n- description\n")),
    ("show-is-scalar", P, write(P, "just a sentence\n")),
    ("show-latin1", P, copy_bad("latin1-podcast.yaml", P)),
    ("show-utf16", P, lambda r: (r / P).write_bytes((r / P).read_text("utf-8").encode("utf-16"))),
    ("show-binary", P, write(P, bytes(range(256)) * 4)),
    ("show-nul", P, write(P, "title: Tiny\0Show\n")),
    ("show-huge", P, append(P, "# " + "x" * 1_100_000 + "\n")),
    ("show-deep-nesting", P, write(P, "title: " + "[" * 5000 + "]" * 5000 + "\n")),
    ("show-python-tag", P, set_field(P, "title", "!!python/object/apply:os.getcwd []")),
    ("show-billion-laughs", P, append(P, (BAD / "billion-laughs-episode.yaml").read_text()
                                      .split("guid:")[1].split("\n", 1)[1])),
    ("show-duplicate-unknown", P, append(P, "titel: Typo\n")),
    # ---- podcast.yaml: fields
    ("show-no-title", P, drop_field(P, "title")),
    ("show-empty-title", P, set_field(P, "title", '""')),
    ("show-title-list", P, set_field(P, "title", "[a, b]")),
    ("show-title-too-long", P, set_field(P, "title", LONG)),
    ("show-no-description", P, drop_field(P, "description")),
    ("show-description-map", P, set_field(P, "description", "{a: b}")),
    ("show-description-too-long", P, set_field(P, "description", "d" * 100_001)),
    ("show-no-author", P, drop_field(P, "author")),
    ("show-no-owner", P, drop_field(P, "owner")),
    ("show-owner-text", P, set_field(P, "owner", "Test Owner")),
    ("show-owner-bad-email", P, set_field(P, "owner", "{name: T, email: not-an-email}")),
    ("show-owner-no-name", P, set_field(P, "owner", "{email: owner@example.org}")),
    ("show-no-language", P, drop_field(P, "language")),
    ("show-language-word", P, set_field(P, "language", "English (US)")),
    ("show-language-number", P, set_field(P, "language", "42")),
    ("show-no-categories", P, drop_field(P, "categories")),
    ("show-empty-categories", P, set_field(P, "categories", "[]")),
    ("show-unknown-category", P, set_field(P, "categories", '["Podcasting"]')),
    ("show-obsolete-category", P, set_field(P, "categories", '["Technology/Podcasting"]')),
    ("show-wrong-parent", P, set_field(P, "categories", '["Comedy/Physics"]')),
    ("show-category-number", P, set_field(P, "categories", "[7]")),
    ("show-explicit-yes", P, set_field(P, "explicit", '"yes"')),
    ("show-explicit-clean", P, set_field(P, "explicit", "clean")),
    ("show-explicit-empty", P, set_field(P, "explicit", "")),
    ("show-no-explicit", P, drop_field(P, "explicit")),
    ("show-no-image", P, drop_field(P, "image")),
    ("show-image-missing", P, set_field(P, "image", "cover.png")),
    ("show-image-dotdot", P, set_field(P, "image", "../artwork.png")),
    ("show-image-absolute", P, set_field(P, "image", "/etc/passwd")),
    ("show-image-gif", P, both(write("cover.gif", b"GIF89a"), set_field(P, "image", "cover.gif"))),
    ("show-image-dir", P, both(lambda r: (r / "art").mkdir(), set_field(P, "image", "art"))),
    ("show-image-link-out", P, link_outside("artwork.png")),
    ("show-image-huge", P, sparse("artwork.png", 100_000_001)),
    ("show-image-not-png", "artwork.png", write("artwork.png", b"\xff\xd8\xff\xe0 not really")),
    ("show-no-base-url", P, drop_field(P, "base_url")),
    ("show-base-url-bare", P, set_field(P, "base_url", "example.org/tiny")),
    ("show-base-url-ftp", P, set_field(P, "base_url", "ftp://example.org/tiny")),
    ("show-no-link", P, drop_field(P, "link")),
    ("show-type-daily", P, set_field(P, "type", "daily")),
    ("show-guid-not-uuid", P, set_field(P, "guid", "my-show")),
    ("show-funding-text", P, set_field(P, "funding", "please")),
    ("show-persons-text", P, set_field(P, "persons", "Ada")),
    ("show-locked-maybe", P, set_field(P, "locked", "maybe")),
    ("show-link-out", P, link_outside(P)),
    ("show-missing", P, remove(P)),
    # ---- episode.yaml: broken YAML and encodings
    ("ep-empty", Y, write(Y, "")),
    ("ep-broken-yaml", Y, replace(Y, "season: 2", "season: [2")),
    ("ep-is-list", Y, write(Y, "- published\n- guid\n")),
    ("ep-latin1", Y, write(Y, b"title: Caf\xe9\n")),
    ("ep-bom-utf16", Y, lambda r: (r / Y).write_bytes((r / Y).read_text("utf-8").encode("utf-16"))),
    ("ep-python-tag", Y, copy_bad("python-object-episode.yaml", Y)),
    ("ep-billion-laughs", Y, copy_bad("billion-laughs-episode.yaml", Y)),
    ("ep-recursive-alias", Y, copy_bad("recursive-alias-episode.yaml", Y)),
    ("ep-huge", Y, append(Y, "#" * 1_000_001 + "\n")),
    ("ep-unknown-field", Y, append(Y, "duration: 60\n")),
    # ---- episode.yaml: fields
    ("ep-no-published", Y, drop_field(Y, "published")),
    ("ep-published-word", Y, set_field(Y, "published", "yesterday")),
    ("ep-published-no-zone", Y, set_field(Y, "published", "2024-03-05T18:30:00")),
    ("ep-published-feb-30", Y, set_field(Y, "published", "2024-02-30T10:00:00+00:00")),
    ("ep-published-number", Y, set_field(Y, "published", "20240305")),
    ("ep-published-empty", Y, set_field(Y, "published", "")),
    ("ep-no-guid", Y, drop_field(Y, "guid")),
    ("ep-guid-empty", Y, set_field(Y, "guid", '""')),
    ("ep-guid-null", Y, set_field(Y, "guid", "null")),
    ("ep-guid-list", Y, set_field(Y, "guid", "[1, 2]")),
    ("ep-number-zero", Y, set_field(Y, "number", "0")),
    ("ep-number-word", Y, set_field(Y, "number", "three")),
    ("ep-number-bool", Y, set_field(Y, "number", "true")),
    ("ep-season-negative", Y, set_field(Y, "season", "-1")),
    ("ep-type-teaser", Y, set_field(Y, "episode_type", "teaser")),
    ("ep-explicit-no", Y, set_field(Y, "explicit", '"no"')),
    ("ep-title-list", Y, set_field(Y, "title", "[a]")),
    ("ep-title-too-long", Y, set_field(Y, "title", LONG)),
    ("ep-summary-map", Y, set_field(Y, "summary", "{a: 1}")),
    ("ep-persons-text", Y, set_field(Y, "persons", "Ada")),
    ("ep-persons-no-name", Y, set_field(Y, "persons", "[{role: host}]")),
    ("ep-chapters-text", Y, set_field(Y, "chapters", "Intro")),
    ("ep-chapter-start-word", Y, set_field(Y, "chapters", "[{title: A, start: soon}]")),
    ("ep-chapters-backwards", Y, set_field(Y, "chapters",
                                           '[{title: A, start: "00:30"}, {title: B, start: "9"}]')),
    ("ep-chapter-minutes-60", Y, set_field(Y, "chapters", '[{title: A, start: "00:75"}]')),
    ("ep-language-word", Y, set_field(Y, "language", "Klingon!")),
    ("ep-speakers-list", Y, set_field(Y, "speakers", "[a, b]")),
    ("ep-image-missing", Y, set_field(Y, "image", "cover.png")),
    ("ep-image-gif", Y, both(write(f"{EP}/c.gif", b"GIF8"), set_field(Y, "image", "c.gif"))),
    ("ep-image-escape", Y, set_field(Y, "image", "../../artwork.png/../../../etc/passwd")),
    ("ep-audio-missing", Y, set_field(Y, "audio", "episode.mp3")),
    ("ep-audio-dotdot", Y, set_field(Y, "audio", "../../artwork.png")),
    ("ep-audio-absolute", Y, set_field(Y, "audio", "/dev/zero")),
    ("ep-audio-wrong-ext", Y, set_field(Y, "audio", "transcript.txt")),
    ("ep-audio-link-out", Y, both(link_outside(AUDIO), set_field(Y, "audio", "audio.mp3"))),
    ("ep-transcript-missing", Y, set_field(Y, "transcript", "notes.txt")),
    ("ep-transcript-dotdot", Y, set_field(Y, "transcript", "../../podcast.yaml")),
    ("ep-transcript-absolute", Y, set_field(Y, "transcript", "/etc/hostname")),
    ("ep-transcript-format", TRANSCRIPT, set_field(Y, "transcript_format", "klingon")),
    # ---- episode folders
    ("ep-no-yaml", Y, remove(Y)),
    ("ep-bad-slug", "episodes/First Light", rename(EP, "episodes/First Light")),
    ("ep-two-audio", EP, lambda r: shutil.copy(r / AUDIO, r / EP / "other.mp3")),
    ("ep-no-audio", EP, remove(AUDIO)),
    ("ep-only-odd-audio", EP, rename(AUDIO, f"{EP}/audio.xyz")),
    ("ep-no-transcript", EP, remove(TRANSCRIPT)),
    ("ep-two-transcripts", EP, lambda r: shutil.copy(r / TRANSCRIPT, r / EP / "transcript.md")),
    ("ep-duplicate-guid", "episodes/second-look/episode.yaml", second_episode(FIRST_GUID)),
    ("ep-folder-link-out", EP, link_outside(EP, directory=True)),
    ("ep-yaml-link-out", Y, link_outside(Y)),
    ("ep-audio-found-link-out", AUDIO, link_outside(AUDIO)),
    ("ep-transcript-found-link-out", TRANSCRIPT, link_outside(TRANSCRIPT)),
    ("ep-audio-link-dev-zero", EP,
     both(remove(AUDIO), lambda r: (r / AUDIO).symlink_to("/dev/zero"))),
    ("ep-audio-is-dir", EP, both(remove(AUDIO), lambda r: (r / AUDIO).mkdir())),
    ("episodes-missing", "episodes", remove("episodes")),
    # ---- transcripts
    ("tr-empty", TRANSCRIPT, write(TRANSCRIPT, "")),
    ("tr-blank", TRANSCRIPT, write(TRANSCRIPT, " \n\n\t\n")),
    ("tr-binary", TRANSCRIPT, write(TRANSCRIPT, b"\x00\x01\x02binary\x00" * 50)),
    ("tr-huge", TRANSCRIPT, sparse(TRANSCRIPT, 20_000_001)),
    ("tr-title-only", TRANSCRIPT, write(TRANSCRIPT, "Only a title line\n")),
    ("tr-srt-broken", f"{EP}/transcript.srt",
     both(remove(TRANSCRIPT), write(f"{EP}/transcript.srt", "1\n00:00:01,000 --> soon\nHi\n"))),
    ("tr-vtt-backwards", f"{EP}/transcript.vtt",
     both(remove(TRANSCRIPT),
          write(f"{EP}/transcript.vtt", "WEBVTT\n\n00:02.000 --> 00:01.000\nHi\n"))),
    ("tr-json-broken", f"{EP}/transcript.json",
     both(remove(TRANSCRIPT), write(f"{EP}/transcript.json", '{"segments": [{'))),
    ("tr-json-chapters", f"{EP}/transcript.json",
     both(remove(TRANSCRIPT), copy_bad("chapters-as-transcript.json", f"{EP}/transcript.json"))),
    ("tr-json-list", f"{EP}/transcript.json",
     both(remove(TRANSCRIPT), write(f"{EP}/transcript.json", "[1, 2, 3]"))),
    # ---- audio
    ("audio-empty", AUDIO, write(AUDIO, b"")),
    ("audio-100-bytes", AUDIO, truncate_audio(0.0004)),
    ("audio-truncated-half", AUDIO, truncate_audio(0.5)),
    ("audio-truncated-tenth", AUDIO, truncate_audio(0.1)),
    ("audio-text", AUDIO, copy_bad("not-audio.mp3", AUDIO)),
    ("audio-png", AUDIO, lambda r: shutil.copy(r / "artwork.png", r / AUDIO)),
    ("audio-random", AUDIO, write(AUDIO, bytes((i * 7919) % 251 for i in range(50_000)))),
    ("audio-id3-only", AUDIO, copy_bad("id3-header-only.mp3", AUDIO)),
    ("audio-wav-as-mp3", AUDIO, convert_audio(".wav", AUDIO)),
    ("audio-huge", AUDIO, sparse(AUDIO, 2 * 1024**3 + 1)),
    ("audio-mp3-as-m4a", f"{FIRST}.m4a", audio_as(f"{EP}/audio.m4a")),
    ("audio-text-as-m4a", f"{EP}/audio.m4a", both(remove(AUDIO), write(f"{EP}/audio.m4a", "hi"))),
    ("audio-text-as-ogg", f"{EP}/audio.ogg", both(remove(AUDIO), write(f"{EP}/audio.ogg", "hi"))),
    # (Ogg data named .flac is no longer refused: a FLAC is a master, read by its content
    # and encoded; tests/test_mastering.py covers bad masters)
    # ---- the GUID lock
    ("lock-guid-edited", Y, set_field(Y, "guid", SECOND_GUID)),
    ("lock-episode-deleted", EP, remove(EP)),
    ("lock-episode-renamed", "episodes/first-light-2", rename(EP, "episodes/first-light-2")),
    ("lock-podcast-guid", P, replace(P, "example.org/tiny", "example.net/tiny")),
    ("lock-damaged", "podpub.lock", write("podpub.lock", "{ not json")),
]
# fmt: on


def test_corpus_is_large_and_unique() -> None:
    ids = [case[0] for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 100


@pytest.fixture
def built(tiny_built: Path, tmp_path: Path) -> Path:
    return copy_show(tiny_built, tmp_path / "show")


def inputs_digest(root: Path) -> dict[str, str]:
    """Everything the build must not write: all but feed/ and its cache."""
    return {
        name: digest
        for name, digest in tree_digest(root).items()
        if not name.startswith(("feed/", ".podpub-cache/"))
    }


@pytest.mark.parametrize(("case", "where", "mutate"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_and_nothing_is_lost(
    built: Path, capsys: pytest.CaptureFixture[str], case: str, where: str, mutate: Mutation
) -> None:
    feed_before = tree_digest(built / "feed")
    mutate(built)
    inputs_before = inputs_digest(built)
    capsys.readouterr()
    code = main(["-q", "build", "--root", str(built), "--no-align"])
    err = capsys.readouterr().err
    assert code == 1, f"{case}: exit {code}\n{err}"
    assert "Traceback" not in err
    assert err.startswith("error: ")
    assert str(built / where) in err or where in err, f"{case}: {where} not named in\n{err}"
    assert inputs_digest(built) == inputs_before, f"{case}: the build changed its inputs"
    assert tree_digest(built / "feed") == feed_before, f"{case}: feed/ changed"
    assert not list((built / "feed").glob(".stage-*"))


SUBPROCESS_CASES = ["show-latin1", "ep-billion-laughs", "tr-binary", "audio-truncated-half",
                    "ep-audio-link-out"]  # fmt: skip


@pytest.mark.parametrize("case", SUBPROCESS_CASES)
def test_real_cli_in_a_subprocess(built: Path, case: str) -> None:
    _, where, mutate = next(c for c in CASES if c[0] == case)
    feed_before = tree_digest(built / "feed")
    mutate(built)
    inputs_before = inputs_digest(built)
    result = subprocess.run(
        [sys.executable, "-m", "podpub", "build", "--root", str(built), "--no-align"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert str(built / where) in result.stderr
    assert inputs_digest(built) == inputs_before
    assert tree_digest(built / "feed") == feed_before


def test_unsafe_yaml_runs_nothing(built: Path) -> None:
    copy_bad("python-object-episode.yaml", EPISODE_YAML)(built)
    main(["-q", "build", "--root", str(built), "--no-align"])
    assert not (built / "pwned.txt").exists() and not Path("pwned.txt").exists()


# ------------------------------------------------------------------ accepted by design


def build_ok(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    code = main(["-q", "build", "--root", str(root), "--no-align"])
    err = capsys.readouterr().err
    assert code == 0, err
    return err


def test_bom_in_yaml_and_transcript_builds(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for relative in ("podcast.yaml", EPISODE_YAML, TRANSCRIPT):
        path = built / relative
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    episodes_before = tree_digest(built / "episodes")
    build_ok(built, capsys)
    assert tree_digest(built / "episodes") == episodes_before
    feed = (built / "feed" / "feed.xml").read_text("utf-8")
    assert "\ufeff" not in feed
    assert "<title>Tiny Test Show</title>" in feed
    assert (built / "feed" / FIRST / "transcript.txt").read_text("utf-8")[0] != "\ufeff"


INJECTIONS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "]]><script>alert(2)</script><![CDATA[",
    "Tom &amp; Jerry & <b>friends</b>",
]


def test_injection_strings_build_and_come_out_escaped(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title, summary, person, chapter = INJECTIONS
    yaml = built / EPISODE_YAML
    yaml.write_text(
        yaml.read_text("utf-8").replace("summary: The first", "x_summary: The first")
        .replace("x_summary", "# summary")
        + f"title: {json.dumps(title)}\nsummary: {json.dumps(summary)}\n"
        + f"speakers: {{Ben Guest: {json.dumps(person)}}}\n"
        + f"chapters:\n  - {{title: {json.dumps(chapter)}}}\n"
        + '  - {title: "Building the Mirror"}\n  - {title: "The Night Itself"}\n',
        "utf-8",
    )  # fmt: skip
    transcript = built / TRANSCRIPT
    transcript.write_text(
        transcript.read_text("utf-8").replace(
            "Hello, and thanks", "<script>alert(3)</script> Hello, and thanks"
        ),
        "utf-8",
    )
    build_ok(built, capsys)
    feed_dir = built / "feed"
    raw = (feed_dir / "feed.xml").read_text("utf-8")
    # the feed parses, and nothing in it is live markup
    tree = etree.fromstring(raw.encode("utf-8"))
    assert tree.tag == "rss"
    assert "<script" not in raw and "<img" not in raw and "<b>" not in raw
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries[0].title == title  # the text itself survives, escaped
    html = (feed_dir / FIRST / "transcript.html").read_text("utf-8")
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html
    vtt = (feed_dir / FIRST / "transcript.vtt").read_text("utf-8")
    assert "<script" not in vtt and "<img" not in vtt
    notes = tree.find(".//{http://purl.org/rss/1.0/modules/content/}encoded")
    assert notes is not None and "<script" not in (notes.text or "")
    chapters = json.loads((feed_dir / FIRST / "chapters.json").read_text("utf-8"))
    assert chapters["chapters"][0]["title"] == chapter  # JSON carries text, not markup


def test_control_characters_are_stripped(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    yaml = built / EPISODE_YAML
    yaml.write_text(
        yaml.read_text("utf-8")
        + 'title: "Bell\\x07 and\\x00 nul\\x1b[31m red\\ud800"\n'
        + 'speakers: {Ben Guest: "Ben\\x0cGuest"}\n',
        "utf-8",
    )
    transcript = built / TRANSCRIPT
    transcript.write_text(
        transcript.read_text("utf-8").replace("Hello", "Hel\x01lo\x7f\x9b"), "utf-8"
    )
    build_ok(built, capsys)
    raw = (built / "feed" / "feed.xml").read_text("utf-8")
    etree.fromstring(raw.encode("utf-8"))
    assert "<title>Bell and nul[31m red</title>" in raw
    for name in ("transcript.vtt", "transcript.html", "transcript.srt", "transcript.txt"):
        text = (built / "feed" / FIRST / name).read_text("utf-8")
        assert not any(ord(c) < 32 and c not in "\t\n" for c in text), name
        assert "\x7f" not in text and "\x9b" not in text
