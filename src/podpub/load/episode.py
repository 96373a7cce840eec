"""episode.yaml and the episode's folder -> EpisodeSource (I/O at the edge).

Each field of episode.yaml has a reader in ``EPISODE_FIELDS`` (the table is the list of
known fields); the audio and transcript are found in the folder when not named.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from podpub.errors import ConfigError, MultipleErrors, PodpubError
from podpub.load.audio import read_settings
from podpub.load.chapter_extras import chapter_extras
from podpub.load.fields import boolean, found_inside, image, inside, outside, persons, text, whole
from podpub.load.show import LANGUAGE, unknown_fields
from podpub.load.tags import tag_readers
from podpub.media import AUDIO_EXTENSIONS, MASTER_EXTENSIONS, TRANSCRIPT_EXTENSIONS
from podpub.model import AudioSettings, ChapterOverride, EpisodeSource
from podpub.text_safety import xml_safe
from podpub.timecode import parse_clock_ms
from podpub.transcripts.chapterlist import parse_chapter_list
from podpub.yaml_io import MAX_YAML_BYTES, Doc, read_yaml

EPISODE_FILE = "episode.yaml"
EPISODES_DIR = "episodes"
SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass
class _Context:
    """What the field readers of one episode share: where it is, what was found."""

    root: Path
    folder: Path
    summary: str | None = None
    extra: list[tuple[str, Path]] = field(default_factory=list)
    audio_settings: AudioSettings = field(default_factory=AudioSettings)


def _published(doc: Doc) -> datetime | None:
    value = doc.data.get("published")
    if value is None:
        doc.error(
            "published",
            "'published' is required",
            "add e.g. 'published: 2024-05-01T09:00:00+07:00'",
        )
        return None
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        doc.error(
            "published",
            f"'published' is not an ISO 8601 date and time: {value!r}",
            "write e.g. 2024-05-01T09:00:00+07:00",
        )
        return None
    if moment.tzinfo is None:
        doc.error(
            "published", f"'published' needs a time zone: {value!r}", "append +00:00 or your offset"
        )
        return None
    return moment


def _chapters(doc: Doc, ctx: _Context) -> tuple[ChapterOverride, ...]:
    value = doc.data.get("chapters")
    if value is None:
        return ()
    if not isinstance(value, list):
        doc.error("chapters", "'chapters' must be a list of {title, start}")
        return ()
    out: list[ChapterOverride] = []
    for index, item in enumerate(value):
        key = f"chapters.{index}"
        if isinstance(item, str):
            item = {"title": item}
        if not isinstance(item, dict) or not ({"title", "start"} & set(item)):
            doc.error(key, "each chapter needs a 'title' and/or a 'start' time")
            continue
        extras = chapter_extras(doc, key, item, ctx.root, ctx.folder)
        if extras is None:
            continue
        title = text(doc, f"{key}.title", data=item)
        start_ms: int | None = None
        start = item.get("start")
        if start is not None:
            try:
                if isinstance(start, bool):
                    raise ValueError
                start_ms = (
                    round(float(start) * 1000)
                    if isinstance(start, int | float)
                    else parse_clock_ms(str(start))
                )
            except ValueError:
                doc.error(
                    f"{key}.start",
                    f"chapter start {start!r} is not a time",
                    "write it as HH:MM:SS, MM:SS or seconds",
                )
        out.append(ChapterOverride(title=title, start_ms=start_ms, extras=extras))
    starts = [c.start_ms for c in out if c.start_ms is not None]
    if starts != sorted(starts) or len(set(starts)) != len(starts):
        doc.error("chapters", "chapter start times must increase")
    return tuple(out)


CHAPTER_FILES = ("chapters.json", "chapters.txt", "chapters.md")


def _chapters_from_notes(doc: Doc, ctx: _Context) -> tuple[ChapterOverride, ...]:
    """Chapters given with times in a chapters file (a show-notes list or Podcasting 2.0
    chapters JSON) in the episode folder, or in the summary's show notes."""
    for name in CHAPTER_FILES:
        path = ctx.folder / name
        if path.is_file() and path.stat().st_size <= MAX_YAML_BYTES:
            try:
                return parse_chapter_list(path.read_text("utf-8-sig"), path)
            except PodpubError as exc:
                doc.errors.append(exc)
                return ()
            except UnicodeDecodeError:
                doc.errors.append(
                    ConfigError("not UTF-8 text", path, None, "save the chapters file as UTF-8")
                )
                return ()
    if ctx.summary:
        try:
            return parse_chapter_list(ctx.summary)
        except PodpubError:
            return ()
    return ()


def _find_one(
    folder: Path, accept: Callable[[Path], bool], what: str, key: str, doc: Doc
) -> Path | None:
    found = sorted(p for p in folder.iterdir() if p.is_file() and accept(p))
    if len(found) == 1:
        return found[0]
    if not found:
        doc.error(key, f"no {what} in {folder.name}/", f"add one, or name it with '{key}:'")
    else:
        names = ", ".join(p.name for p in found)
        doc.error(key, f"several {what} files ({names})", f"name the one to use with '{key}:'")
    return None


def _summary(doc: Doc, ctx: _Context) -> str | None:
    ctx.summary = text(doc, "summary")
    return ctx.summary


def _guid(doc: Doc, ctx: _Context) -> str | None:
    guid = text(doc, "guid")
    raw = doc.data.get("guid")
    if guid is None and (raw is None or (isinstance(raw, str) and not raw.strip())):
        doc.error(
            "guid",
            "'guid' is required: an episode's GUID must never change",
            f"add 'guid: {uuid.uuid4()}' (podpub new does this for you)",
        )
    return guid


def _episode_type(doc: Doc, ctx: _Context) -> str:
    episode_type = text(doc, "episode_type") or "full"
    if episode_type not in ("full", "trailer", "bonus"):
        doc.error(
            "episode_type", f"'episode_type' must be full, trailer or bonus, not {episode_type!r}"
        )
    return episode_type


def _image(doc: Doc, ctx: _Context) -> Path | None:
    name = text(doc, "image")
    return image(doc, ctx.root, ctx.folder, name) if name else None


def _audio(doc: Doc, ctx: _Context) -> Path | None:
    """The audio (or master) named or found in the folder; given as a mapping, 'audio:'
    names it with 'file:' and overrides the show's audio settings."""
    key = "audio"
    value = doc.data.get("audio")
    if isinstance(value, dict):
        ctx.audio_settings = read_settings(doc, value, ctx.root, extra=("file",))
        key = "audio.file"
    name = text(doc, key, data=value if isinstance(value, dict) else None)
    if name:
        audio = inside(doc, key, ctx.root, ctx.folder, name)
        known = (*AUDIO_EXTENSIONS, *MASTER_EXTENSIONS)
        if audio is not None and audio.suffix.lower() not in known:
            doc.error(
                key,
                f"'{key}' must be an audio file or a master ({', '.join(known)})",
                "name the episode's audio; masters are encoded when the show is built",
            )
        return audio
    audio = _find_one(
        ctx.folder,
        lambda p: p.suffix.lower() in AUDIO_EXTENSIONS or p.suffix.lower() in MASTER_EXTENSIONS,
        "audio file",
        "audio",
        doc,
    )
    return found_inside(doc, "audio", ctx.root, audio)


def _transcript(doc: Doc, ctx: _Context) -> Path | None:
    """The transcript named, or the one transcript.* in the folder; transcripts in other
    languages (transcript.<lang>.<ext>) are noted in the context."""
    name = text(doc, "transcript")
    if name:
        return inside(doc, "transcript", ctx.root, ctx.folder, name)
    candidates = sorted(
        p
        for p in ctx.folder.iterdir()
        if p.is_file()
        and p.name.startswith("transcript.")
        and p.suffix.lower() in TRANSCRIPT_EXTENSIONS
    )
    main = [p for p in candidates if len(p.suffixes) == 1]
    transcript = (
        _find_one(ctx.folder, lambda p: p in main, "transcript.* file", "transcript", doc)
        if main or not candidates
        else candidates[0]
    )
    for other in candidates:
        if (
            other != transcript
            and len(other.suffixes) == 2
            and found_inside(doc, "transcript", ctx.root, other) is not None
        ):
            ctx.extra.append((other.suffixes[0].lstrip("."), other))
    return found_inside(doc, "transcript", ctx.root, transcript)


def _language(doc: Doc, ctx: _Context) -> str | None:
    language = text(doc, "language", max_len=35)
    if language and not LANGUAGE.match(language):
        doc.error("language", f"'language' must be a language code like 'en', not {language!r}")
    return language.lower() if language else None


def _speakers(doc: Doc, ctx: _Context) -> tuple[tuple[str, str], ...]:
    speakers = doc.data.get("speakers") or {}
    if not isinstance(speakers, dict) or not all(
        isinstance(k, str | int) and isinstance(v, str) for k, v in speakers.items()
    ):
        doc.error(
            "speakers",
            "'speakers' maps transcript labels to names, e.g. {SPEAKER_1: Karina Tehusijarana}",
        )
        return ()
    return tuple((xml_safe(str(k)), xml_safe(v)) for k, v in speakers.items())


def _not_chapters(doc: Doc, ctx: _Context) -> tuple[str, ...]:
    titles = doc.data.get("not_chapters") or []
    if not isinstance(titles, list) or not all(
        isinstance(t, str | int | float) and not isinstance(t, bool) for t in titles
    ):
        doc.error(
            "not_chapters",
            "'not_chapters' lists transcript headings that are not chapters, e.g. [Disclaimer]",
        )
        return ()
    return tuple(xml_safe(str(t)) for t in titles)


Reader = Callable[[Doc, _Context], Any]

# episode.yaml's fields, read in this order (errors are reported in it); "chapters" come
# from the list, else from a chapters file or the summary's show notes
EPISODE_FIELDS: dict[str, Reader] = {
    "title": lambda doc, ctx: text(doc, "title"),
    "published": lambda doc, ctx: _published(doc),
    "guid": _guid,
    "number": lambda doc, ctx: whole(doc, "number"),
    "season": lambda doc, ctx: whole(doc, "season"),
    "episode_type": _episode_type,
    "summary": _summary,
    "explicit": lambda doc, ctx: boolean(doc, "explicit", None),
    "image": _image,
    "audio": _audio,
    "transcript": _transcript,
    "transcript_format": lambda doc, ctx: text(doc, "transcript_format"),
    "persons": lambda doc, ctx: persons(doc),
    "chapters": lambda doc, ctx: _chapters(doc, ctx) or _chapters_from_notes(doc, ctx),
    "language": _language,
    "speakers": _speakers,
    "not_chapters": _not_chapters,
}
# the Podcasting 2.0 tags (podpub.namespace.TAGS), one field each, read by one reader
NAMESPACE_FIELDS = tag_readers("item")
EPISODE_FIELDS |= NAMESPACE_FIELDS


def load_episode(root: Path, folder: Path) -> EpisodeSource:
    path = folder / EPISODE_FILE
    if outside(root, folder) or (path.exists() and outside(root, path)):
        raise ConfigError(
            "the episode folder or its episode.yaml points outside the show folder (a link)",
            path,
            None,
            "copy the episode into episodes/ instead of linking to it",
        )
    doc = read_yaml(path)
    unknown_fields(doc, EPISODE_FIELDS)
    slug = folder.name
    if not SLUG.match(slug):
        doc.error(
            "",
            f"episode folder name {slug!r} is not a valid slug",
            "use lower-case letters, digits, '-', '_' and '.'",
        )
    ctx = _Context(root, folder)
    v = {key: read(doc, ctx) for key, read in EPISODE_FIELDS.items()}
    if doc.errors:
        raise doc.errors[0] if len(doc.errors) == 1 else MultipleErrors(doc.errors)
    tags = tuple(tag for key in NAMESPACE_FIELDS for tag in v.pop(key))
    return EpisodeSource(
        slug=slug,
        tags=tags,
        folder=folder,
        speaker_map=v.pop("speakers"),
        extra_transcripts=tuple(ctx.extra),
        audio_settings=ctx.audio_settings,
        **v,
    )


def episode_folders(root: Path) -> list[Path]:
    base = root / EPISODES_DIR
    if not base.is_dir():
        raise ConfigError(
            "no episodes/ folder", base, None, "create one, or run 'podpub new <slug>'"
        )
    return sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))


def new_episode_yaml(title: str, published: datetime) -> str:
    """The text of a fresh episode.yaml, with a permanent random GUID."""
    return (
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        f"published: {published.isoformat()}\n"
        f"guid: {uuid.uuid4()}  # never change this once published\n"
        "episode_type: full\n"
        'summary: ""\n'
        "persons:\n"
        "  - {name: Your Name, role: host}\n"
    )
