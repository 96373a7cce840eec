"""Fuzzing the input edges: whatever bytes or YAML arrive, nothing but a PodpubError
escapes from read_yaml, load_show, load_episode and read_transcript."""

from __future__ import annotations

import shutil
import string
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from showkit import FIRST, TINY

from podpub.errors import MultipleErrors, PodpubError
from podpub.load import episode_folders, load_episode, load_show
from podpub.model import EpisodeSource, Show, Transcript
from podpub.transcripts import read_transcript
from podpub.yaml_io import read_yaml

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """A private show folder the examples overwrite (hypothesis runs many per test)."""
    with tempfile.TemporaryDirectory(prefix="podpub-fuzz-") as name:
        root = Path(name) / "show"
        shutil.copytree(TINY, root)
        (root / "episodes" / FIRST / "audio.mp3").write_bytes(b"\xff\xfb\x90\x00" * 8)
        yield root


def expect_only_podpub_errors(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except MultipleErrors as exc:
        assert exc.errors and all(e.message and e.path is not None for e in exc.errors)
        return None
    except PodpubError as exc:
        assert exc.message and exc.path is not None  # says what and where
        return None


# ------------------------------------------------------------------ YAML


YAML_BITS = [
    "title:", "title: x", "  - a", "- b", "{", "}", "[", "]", ": ", "? ", "&a", "*a", "!!str",
    "!!python/object:os.system", "!!binary", "|", ">-", "'", '"', "#", "---", "...", "%YAML 1.1",
    "\t", "\n", "  ", "null", "~", "yes", "2024-01-01", "0x1F", "1e400", ".nan", "<<: *a",
    "\ufeff", "\x00", "\x85", "\u2028", "é", "🎙", "owner: {name: a, email: b@c.d}",
]  # fmt: skip


def yamlish_text() -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=8))
    return st.lists(piece, max_size=40).map("".join)


def encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@FUZZ
@given(data=st.one_of(st.binary(max_size=400), yamlish_text().map(encoded)))
def test_read_yaml_on_anything(scratch: Path, data: bytes) -> None:
    path = scratch / "fuzz.yaml"
    path.write_bytes(data)
    doc = expect_only_podpub_errors(read_yaml, path)
    if doc is not None:
        assert isinstance(doc.data, dict)


def yaml_values(depth: int = 2) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=30),
        st.sampled_from(["", " ", "../x", "/etc/passwd", "artwork.png", "audio.mp3",
                         "transcript.txt", "2024-03-05T18:30:00+01:00", "2024-02-30",
                         "https://example.org/", "News/Politics", "Technology",
                         "0b7e4a52-1c3d-4e5f-8a9b-0c1d2e3f4a5b", "00:01:02", "-1"]),
    )  # fmt: skip
    if depth == 0:
        return scalars
    inner = yaml_values(depth - 1)
    return st.one_of(
        scalars,
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=8) | st.sampled_from(["name", "email", "title",
                                                                 "start", "url", "role"]),
                        inner, max_size=4),
    )  # fmt: skip


SHOW_KEYS = ["title", "description", "author", "owner", "language", "categories", "explicit",
             "image", "base_url", "link", "type", "copyright", "guid", "locked", "funding",
             "subscribe", "persons", "extra"]  # fmt: skip
EPISODE_KEYS = ["title", "published", "guid", "number", "season", "episode_type", "summary",
                "explicit", "image", "audio", "transcript", "transcript_format", "persons",
                "chapters", "language", "speakers", "extra"]  # fmt: skip
GOOD_SHOW = yaml.safe_load((TINY / "podcast.yaml").read_text("utf-8"))
GOOD_EPISODE = yaml.safe_load(
    (TINY / "episodes" / FIRST / "episode.yaml").read_text("utf-8").replace("published:", "p:")
)
GOOD_EPISODE["published"] = "2024-03-05T18:30:00+01:00"
del GOOD_EPISODE["p"]


def mutated(good: dict[str, Any], keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """A good mapping with some fields replaced by random values or dropped."""
    changes = st.dictionaries(st.sampled_from(keys), yaml_values(), max_size=4)
    drops = st.sets(st.sampled_from(keys), max_size=3)
    return st.builds(
        lambda c, d: {k: v for k, v in {**good, **c}.items() if k not in d}, changes, drops
    )


def dump(mapping: dict[str, Any]) -> str:
    return yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False)


@FUZZ
@given(mapping=mutated(GOOD_SHOW, SHOW_KEYS))
def test_load_show_on_random_fields(scratch: Path, mapping: dict[str, Any]) -> None:
    (scratch / "podcast.yaml").write_text(dump(mapping), "utf-8")
    show = expect_only_podpub_errors(load_show, scratch)
    if show is not None:
        assert isinstance(show, Show) and show.image.is_file()


@FUZZ
@given(mapping=mutated(GOOD_EPISODE, EPISODE_KEYS))
def test_load_episode_on_random_fields(scratch: Path, mapping: dict[str, Any]) -> None:
    folder = scratch / "episodes" / FIRST
    (folder / "episode.yaml").write_text(dump(mapping), "utf-8")
    source = expect_only_podpub_errors(load_episode, scratch, folder)
    if source is not None:
        assert isinstance(source, EpisodeSource)
        for path in (source.audio, source.transcript, source.image):
            assert path is None or path.resolve().is_relative_to(scratch.resolve())


@FUZZ
@given(text=yamlish_text())
def test_load_episode_on_random_text(scratch: Path, text: str) -> None:
    folder = scratch / "episodes" / FIRST
    (folder / "episode.yaml").write_text(text, "utf-8", errors="surrogatepass")
    expect_only_podpub_errors(load_episode, scratch, folder)
    expect_only_podpub_errors(episode_folders, scratch)


# ------------------------------------------------------------------ transcripts

TRANSCRIPT_BITS = [
    "WEBVTT\n", "\n\n", "1\n", "00:00:01,000 --> 00:00:02,000\n", "00:01.000 --> 00:00.500\n",
    "<v Alice>", "Alice: ", "**Bob:** ", "[00:01:02] ", "# Heading\n", "## ", "---\n",
    "title: x\n", '{"version": "1.0.0", "segments": [', '{"startTime": 1, "body": "hi"}', "]}",
    '{"chapters": []}', "<p>", "<cite>A</cite>", "&amp;", "\ufeff", "\r\n", "\x00", "\u2028",
    "Hello there. ", "Music ", "©2024 ", "é", "🎙",
]  # fmt: skip
EXTENSIONS = [".txt", ".md", ".srt", ".vtt", ".json", ".html"]
FORMATS = [None, "plain", "markdown", "srt", "vtt", "json", "labelled", "klingon"]


def transcript_bytes() -> st.SearchStrategy[bytes]:
    text = st.lists(st.one_of(st.sampled_from(TRANSCRIPT_BITS), st.text(max_size=12)),
                    max_size=60).map("".join)  # fmt: skip
    return st.one_of(
        st.binary(max_size=600),
        text.map(encoded),
        text.map(lambda t: t.encode("utf-16")),
    )


@FUZZ
@given(
    data=transcript_bytes(),
    extension=st.sampled_from(EXTENSIONS),
    fmt=st.sampled_from(FORMATS),
)
def test_read_transcript_on_anything(
    scratch: Path, data: bytes, extension: str, fmt: str | None
) -> None:
    path = scratch / f"fuzz-transcript{extension}"
    path.write_bytes(data)
    transcript = expect_only_podpub_errors(read_transcript, path, fmt)
    if transcript is not None:
        assert isinstance(transcript, Transcript)
        for paragraph in transcript.paragraphs:  # nothing an XML file cannot carry
            assert all(c in "\t\n" or ord(c) >= 32 for c in paragraph.text)


@FUZZ
@given(text=st.text(alphabet=string.printable + "é🎙\u2028", max_size=300))
def test_read_transcript_on_printable_text(scratch: Path, text: str) -> None:
    path = scratch / "fuzz-printable.txt"
    path.write_text(text, "utf-8")
    expect_only_podpub_errors(read_transcript, path, None)
