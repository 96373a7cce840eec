"""Load stage (I/O): podcast.yaml and episode.yaml -> validated records.

The only module that imports PyYAML. Every problem in a file is reported at once, each
with the file and line and what to do.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, cast

import yaml

from podpub.errors import ConfigError, MultipleErrors, PodpubError
from podpub.model import (
    Category,
    ChapterOverride,
    EpisodeSource,
    Funding,
    Person,
    Show,
)
from podpub.text_safety import xml_safe
from podpub.timecode import parse_clock_ms

SHOW_FILE = "podcast.yaml"
EPISODE_FILE = "episode.yaml"
EPISODES_DIR = "episodes"
MAX_YAML_BYTES = 1_000_000
MAX_YAML_NODES = 100_000
# Hard limits refuse only what no client could use; what a directory merely dislikes
# (Apple's 255-character titles, 4000-byte descriptions) is a warning of podpub check.
MAX_TEXT_CHARS = 100_000  # a YAML text this long is a file pasted by mistake
MAX_ARTWORK_BYTES = 100_000_000  # a guard against a wrong file; check warns above 10 MB
AUDIO_EXTENSIONS = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/x-m4a",
    ".mp4": "audio/mp4",
    ".aac": "audio/aac",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
}
TRANSCRIPT_EXTENSIONS = (".txt", ".md", ".markdown", ".srt", ".vtt", ".json", ".html")
SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


def apple_categories() -> dict[str, list[str]]:
    text = resources.files("podpub").joinpath("data/apple_categories.json").read_text("utf-8")
    return cast(dict[str, list[str]], json.loads(text))


class _Loader(yaml.SafeLoader):
    """Safe loading; timestamps stay strings so that we parse (and check) them ourselves.

    Aliases are allowed, but not "billion laughs": a document whose aliases expand it
    beyond ``MAX_YAML_NODES`` values is refused before anything walks it.
    """

    def compose_document(self) -> Any:
        node = super().compose_document()
        if node is not None and _expanded_nodes(node) > MAX_YAML_NODES:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"aliases (*name) expand this file to more than {MAX_YAML_NODES} values "
                "(or into itself)",
                node.start_mark,
            )
        return node


def _expanded_nodes(root: yaml.Node) -> int:
    """How many values the document holds once every alias is expanded (memoised).

    A value that contains itself (``&a [*a]``) is infinite: it counts as too many.
    """
    memo: dict[int, int] = {}
    too_many = MAX_YAML_NODES + 1

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key not in memo:
            memo[key] = too_many  # reached again while being counted: recursive
            total = 1
            if isinstance(node, yaml.MappingNode):
                total += sum(size(k) + size(v) for k, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                total += sum(size(v) for v in node.value)
            memo[key] = min(total, too_many)
        return memo[key]

    return size(root)


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class _Doc:
    """A loaded YAML mapping plus the line of every key path ("owner.email")."""

    path: Path
    data: dict[str, Any]
    lines: dict[str, int]
    errors: list[PodpubError]

    def line(self, key: str) -> int | None:
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0]
        return None

    def error(self, key: str, message: str, hint: str | None = None) -> None:
        self.errors.append(ConfigError(message, self.path, self.line(key), hint))


def _key_lines(node: yaml.Node, prefix: str = "") -> Iterator[tuple[str, int]]:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}{key_node.value}"
            yield key, key_node.start_mark.line + 1
            yield from _key_lines(value_node, key + ".")
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            key = f"{prefix}{index}"
            yield key, item.start_mark.line + 1
            yield from _key_lines(item, key + ".")


class YamlTextError(ValueError):
    """YAML text that does not parse: the problem and its 1-based line (if known)."""

    def __init__(self, problem: str, line: int | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line


def parse_yaml_text(text: str) -> Any:
    """Safe-load a YAML document held in a string (e.g. Markdown front matter)."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise YamlTextError(problem, mark.line + 1 if mark is not None else None) from None
    except RecursionError:
        raise YamlTextError("nested too deeply", None) from None


def read_yaml(path: Path) -> _Doc:
    """Read a YAML mapping safely, with clear errors for every way it can be wrong."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ConfigError(
            "file not found", path, None, f"create it (see README: {path.name})"
        ) from None
    if size > MAX_YAML_BYTES:
        raise ConfigError(f"file is {size} bytes; a {path.name} is a few kilobytes", path)
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError("not UTF-8 text", path, bad_line, "save the file as UTF-8") from None
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        yaml_line: int | None = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(
            f"invalid YAML: {problem}",
            path,
            yaml_line,
            "check indentation and quoting on that line",
        ) from None
    except RecursionError:
        raise ConfigError("invalid YAML: nested too deeply", path) from None
    if data is None:
        raise ConfigError("file is empty", path, None, "fill in the fields listed in README")
    if not isinstance(data, dict):
        raise ConfigError(
            "must be a mapping of field: value",
            path,
            1,
            "start each line with a field name, e.g. 'title: ...'",
        )
    lines = dict(_key_lines(node)) if node is not None else {}
    return _Doc(path, cast(dict[str, Any], data), lines, [])


# ---------------------------------------------------------------- field readers


def _str(
    doc: _Doc,
    key: str,
    *,
    required: bool = False,
    data: dict[str, Any] | None = None,
    max_len: int = MAX_TEXT_CHARS,
) -> str | None:
    source = doc.data if data is None else data
    name = key.rpartition(".")[2]
    value = source.get(name)
    if value is None:
        if required:
            doc.error(key, f"'{key}' is required", f"add '{name}: ...'")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        doc.error(key, f"'{key}' must be text, not {type(value).__name__}")
        return None
    text = xml_safe(str(value)).strip()  # no control characters in any output
    if required and not text:
        doc.error(key, f"'{key}' must not be empty")
        return None
    if len(text) > max_len:
        doc.error(key, f"'{key}' is {len(text)} characters; at most {max_len} are allowed")
        return None
    return text or None


def _bool(doc: _Doc, key: str, default: bool | None) -> bool | None:
    value = doc.data.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        doc.error(key, f"'{key}' must be true or false, not {value!r}")
        return default
    return value


def _int(doc: _Doc, key: str) -> int | None:
    value = doc.data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        doc.error(key, f"'{key}' must be a whole number of 1 or more, not {value!r}")
        return None
    return value


def _url(
    doc: _Doc, key: str, *, required: bool = False, data: dict[str, Any] | None = None
) -> str | None:
    """An http(s) URL: no other scheme (``javascript:``, ``data:``) reaches an output."""
    value = _str(doc, key, required=required, data=data)
    if value is not None and not re.match(r"^https?://[^\s/]+\.[^\s]+$", value):
        doc.error(key, f"'{key}' must be an http(s) URL, not {value!r}")
        return None
    return value


def _inside(doc: _Doc, key: str, root: Path, base: Path, value: str) -> Path | None:
    """A file named in YAML, relative to ``base``, which must stay inside the show root."""
    candidate = Path(value)
    if candidate.is_absolute() or ".." in candidate.parts:
        doc.error(
            key,
            f"'{key}' must be a path inside the show folder, not {value!r}",
            "give a file name relative to the folder of this YAML file",
        )
        return None
    path = base / candidate
    try:
        resolved = path.resolve(strict=True)
    except (FileNotFoundError, RuntimeError, OSError):
        doc.error(key, f"'{key}': file not found: {value}", "check the file name")
        return None
    if not resolved.is_relative_to(root.resolve()):
        doc.error(key, f"'{key}' points outside the show folder (through a link): {value}")
        return None
    if not resolved.is_file():
        doc.error(key, f"'{key}' is not a file: {value}")
        return None
    return path


def _outside(root: Path, path: Path) -> bool:
    """True when ``path``, links followed, leaves the show root (or cannot be resolved)."""
    try:
        return not path.resolve(strict=True).is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return True


def _found_inside(doc: _Doc, key: str, root: Path, found: Path | None) -> Path | None:
    """A file found by name in the episode folder, refused if it links outside the show."""
    if found is not None and _outside(root, found):
        doc.error(
            key,
            f"{found.relative_to(root).as_posix()} points outside the show folder (a link)",
            "copy the file into the episode folder instead of linking to it",
        )
        return None
    return found


def _image(doc: _Doc, root: Path, base: Path, name: str) -> Path | None:
    """Artwork named in YAML: inside the show, PNG or JPEG, not absurdly large."""
    image = _inside(doc, "image", root, base, name)
    if image is None:
        return None
    if image.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        doc.error("image", "artwork must be a PNG or JPEG file", "use a .png or .jpg file")
        return None
    size = image.stat().st_size
    if size > MAX_ARTWORK_BYTES:
        doc.error(
            "image",
            f"artwork is {size} bytes, more than the {MAX_ARTWORK_BYTES} any cover image can "
            "reasonably be",
            "export it as a JPEG or PNG of 1400 to 3000 pixels",
        )
        return None
    return image


def _persons(doc: _Doc, key: str = "persons") -> tuple[Person, ...]:
    value = doc.data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        doc.error(key, f"'{key}' must be a list of {{name, role}} entries")
        return ()
    out: list[Person] = []
    for index, item in enumerate(value):
        item_key = f"{key}.{index}"
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            doc.error(item_key, f"'{key}' entry {index + 1} must be a mapping with 'name'")
            continue
        name = _str(doc, f"{item_key}.name", required=True, data=item)
        role = _str(doc, f"{item_key}.role", data=item) or "host"
        group = _str(doc, f"{item_key}.group", data=item) or "cast"
        href = _url(doc, f"{item_key}.href", data=item)
        img = _url(doc, f"{item_key}.img", data=item)
        if name:
            out.append(
                Person(name=name, role=role.lower(), group=group.lower(), href=href, img=img)
            )
    return tuple(out)


def podcast_guid_for(feed_url: str) -> str:
    """podcast:guid: UUIDv5 of the feed URL without scheme and trailing slashes
    (podcast namespace, docs/tags/guid.md)."""
    seed = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", feed_url).rstrip("/")
    return str(uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), seed))


def load_show(root: Path) -> Show:
    path = root / SHOW_FILE
    if path.exists() and _outside(root, path):
        raise ConfigError(
            f"{SHOW_FILE} points outside the show folder (a link)",
            path,
            None,
            f"copy {SHOW_FILE} into the show folder instead of linking to it",
        )
    doc = read_yaml(path)
    known = {
        "title",
        "description",
        "author",
        "owner",
        "language",
        "categories",
        "explicit",
        "image",
        "base_url",
        "link",
        "type",
        "copyright",
        "guid",
        "locked",
        "funding",
        "persons",
        "chapter_lead_in_ms",
    }
    for key in doc.data:
        if key not in known:
            doc.error(
                str(key), f"unknown field '{key}'", f"known fields: {', '.join(sorted(known))}"
            )
    title = _str(doc, "title", required=True)
    description = _str(doc, "description", required=True)
    author = _str(doc, "author", required=True)
    owner = doc.data.get("owner")
    owner_name = owner_email = None
    if not isinstance(owner, dict):
        doc.error(
            "owner",
            "'owner' is required: a mapping with 'name' and 'email'",
            "add 'owner: {name: ..., email: ...}'",
        )
    else:
        owner_name = _str(doc, "owner.name", required=True, data=owner)
        owner_email = _str(doc, "owner.email", required=True, data=owner, max_len=255)
        if owner_email and not EMAIL.match(owner_email):
            doc.error("owner.email", f"'owner.email' is not an email address: {owner_email!r}")
    language = _str(doc, "language", required=True, max_len=35)
    if language and not LANGUAGE.match(language):
        doc.error(
            "language", f"'language' must be a language code like 'en' or 'en-us', not {language!r}"
        )
    categories: list[Category] = []
    raw_categories = doc.data.get("categories")
    allowed = apple_categories()
    if not isinstance(raw_categories, list) or not raw_categories:
        doc.error(
            "categories",
            "'categories' is required: a list of Apple categories",
            'e.g. categories: ["News/Politics"]',
        )
    else:
        for index, item in enumerate(raw_categories):
            key = f"categories.{index}"
            if not isinstance(item, str):
                doc.error(key, f'category {item!r} must be text like "News/Politics"')
                continue
            top, _, sub = (part.strip() for part in item.partition("/"))
            if top not in allowed:
                doc.error(
                    key,
                    f"{top!r} is not an Apple Podcasts category",
                    f"use one of: {', '.join(allowed)}",
                )
            elif sub and sub not in allowed[top]:
                doc.error(
                    key,
                    f"{sub!r} is not a subcategory of {top!r}",
                    f"use one of: {', '.join(allowed[top])}",
                )
            else:
                categories.append(Category(top, sub or None))
    explicit = _bool(doc, "explicit", None)
    if explicit is None and doc.data.get("explicit") is None:  # missing, or left empty
        doc.error("explicit", "'explicit' is required (Apple)", "add 'explicit: false'")
    image_name = _str(doc, "image", required=True)
    image = _image(doc, root, root, image_name) if image_name else None
    base_url = _url(doc, "base_url", required=True)
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    link = _url(doc, "link", required=True)
    show_type = _str(doc, "type") or "episodic"
    if show_type not in ("episodic", "serial"):
        doc.error("type", f"'type' must be episodic or serial, not {show_type!r}")
    guid = _str(doc, "guid")
    if guid and not UUID_RE.match(guid):
        doc.error(
            "guid",
            f"'guid' must be a UUID, not {guid!r}",
            "remove it to derive it from the feed URL",
        )
    funding: list[Funding] = []
    raw_funding = doc.data.get("funding") or []
    if not isinstance(raw_funding, list):
        doc.error("funding", "'funding' must be a list of {url, text}")
        raw_funding = []
    for index, item in enumerate(raw_funding):
        if not isinstance(item, dict):
            doc.error(f"funding.{index}", "each funding entry needs 'url' and 'text'")
            continue
        url = _url(doc, f"funding.{index}.url", required=True, data=item)
        text = _str(doc, f"funding.{index}.text", data=item) or "Support the show"
        if url:
            funding.append(Funding(url, text))
    persons = _persons(doc)
    copyright_ = _str(doc, "copyright")
    locked = _bool(doc, "locked", False)
    lead_in = doc.data.get("chapter_lead_in_ms", 0)
    if isinstance(lead_in, bool) or not isinstance(lead_in, int) or not 0 <= lead_in <= 5000:
        doc.error(
            "chapter_lead_in_ms",
            f"'chapter_lead_in_ms' must be a whole number of milliseconds from 0 to 5000, "
            f"not {lead_in!r}",
            "e.g. 200 starts each chapter 0.2 s before its first word",
        )
        lead_in = 0
    if doc.errors:
        raise doc.errors[0] if len(doc.errors) == 1 else MultipleErrors(doc.errors)
    assert title and description and author and owner_name and owner_email and language
    assert image and base_url and link and explicit is not None and locked is not None
    return Show(
        root=root,
        title=title,
        description=description,
        author=author,
        owner_name=owner_name,
        owner_email=owner_email,
        language=language.lower(),
        categories=tuple(categories),
        explicit=explicit,
        image=image,
        base_url=base_url,
        link=link,
        type=cast(Any, show_type),
        copyright=copyright_,
        guid=guid,
        locked=locked,
        funding=tuple(funding),
        persons=persons,
        chapter_lead_in_ms=lead_in,
    )


def _published(doc: _Doc) -> datetime | None:
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


def _chapters(doc: _Doc) -> tuple[ChapterOverride, ...]:
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
        title = _str(doc, f"{key}.title", data=item)
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
        out.append(ChapterOverride(title=title, start_ms=start_ms))
    starts = [c.start_ms for c in out if c.start_ms is not None]
    if starts != sorted(starts) or len(set(starts)) != len(starts):
        doc.error("chapters", "chapter start times must increase")
    return tuple(out)


CHAPTER_FILES = ("chapters.json", "chapters.txt", "chapters.md")


def _chapters_from_notes(
    doc: _Doc, folder: Path, summary: str | None
) -> tuple[ChapterOverride, ...]:
    """Chapters given with times in a chapters file (a show-notes list or Podcasting 2.0
    chapters JSON) in the episode folder, or in the summary's show notes."""
    from podpub.transcripts.chapterlist import parse_chapter_list

    for name in CHAPTER_FILES:
        path = folder / name
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
    if summary:
        try:
            return parse_chapter_list(summary)
        except PodpubError:
            return ()
    return ()


def _find_one(
    folder: Path, accept: Callable[[Path], bool], what: str, key: str, doc: _Doc
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


def load_episode(root: Path, folder: Path) -> EpisodeSource:
    path = folder / EPISODE_FILE
    if _outside(root, folder) or (path.exists() and _outside(root, path)):
        raise ConfigError(
            "the episode folder or its episode.yaml points outside the show folder (a link)",
            path,
            None,
            "copy the episode into episodes/ instead of linking to it",
        )
    doc = read_yaml(path)
    known = {
        "title",
        "published",
        "guid",
        "number",
        "season",
        "episode_type",
        "summary",
        "explicit",
        "image",
        "audio",
        "transcript",
        "transcript_format",
        "persons",
        "chapters",
        "language",
        "speakers",
        "not_chapters",
    }
    for key in doc.data:
        if key not in known:
            doc.error(
                str(key), f"unknown field '{key}'", f"known fields: {', '.join(sorted(known))}"
            )
    slug = folder.name
    if not SLUG.match(slug):
        doc.error(
            "",
            f"episode folder name {slug!r} is not a valid slug",
            "use lower-case letters, digits, '-', '_' and '.'",
        )
    title = _str(doc, "title")
    published = _published(doc)
    guid = _str(doc, "guid")
    raw_guid = doc.data.get("guid")
    if guid is None and (raw_guid is None or (isinstance(raw_guid, str) and not raw_guid.strip())):
        doc.error(
            "guid",
            "'guid' is required: an episode's GUID must never change",
            f"add 'guid: {uuid.uuid4()}' (podpub new does this for you)",
        )
    number = _int(doc, "number")
    season = _int(doc, "season")
    episode_type = _str(doc, "episode_type") or "full"
    if episode_type not in ("full", "trailer", "bonus"):
        doc.error(
            "episode_type", f"'episode_type' must be full, trailer or bonus, not {episode_type!r}"
        )
    summary = _str(doc, "summary")
    explicit = _bool(doc, "explicit", None)
    image_name = _str(doc, "image")
    image = _image(doc, root, folder, image_name) if image_name else None
    audio_name = _str(doc, "audio")
    if audio_name:
        audio = _inside(doc, "audio", root, folder, audio_name)
        if audio is not None and audio.suffix.lower() not in AUDIO_EXTENSIONS:
            doc.error("audio", f"'audio' must be one of {', '.join(AUDIO_EXTENSIONS)} files")
    else:
        audio = _find_one(
            folder, lambda p: p.suffix.lower() in AUDIO_EXTENSIONS, "audio file", "audio", doc
        )
        audio = _found_inside(doc, "audio", root, audio)
    transcript_name = _str(doc, "transcript")
    extra: list[tuple[str, Path]] = []
    if transcript_name:
        transcript = _inside(doc, "transcript", root, folder, transcript_name)
    else:
        candidates = sorted(
            p
            for p in folder.iterdir()
            if p.is_file()
            and p.name.startswith("transcript.")
            and p.suffix.lower() in TRANSCRIPT_EXTENSIONS
        )
        main = [p for p in candidates if len(p.suffixes) == 1]
        transcript = (
            _find_one(folder, lambda p: p in main, "transcript.* file", "transcript", doc)
            if main or not candidates
            else candidates[0]
        )
        for other in candidates:
            if (
                other != transcript
                and len(other.suffixes) == 2
                and _found_inside(doc, "transcript", root, other) is not None
            ):
                extra.append((other.suffixes[0].lstrip("."), other))
        transcript = _found_inside(doc, "transcript", root, transcript)
    transcript_format = _str(doc, "transcript_format")
    persons = _persons(doc)
    chapters = _chapters(doc) or _chapters_from_notes(doc, folder, summary)
    language = _str(doc, "language", max_len=35)
    if language and not LANGUAGE.match(language):
        doc.error("language", f"'language' must be a language code like 'en', not {language!r}")
    speakers = doc.data.get("speakers") or {}
    if not isinstance(speakers, dict) or not all(
        isinstance(k, str | int) and isinstance(v, str) for k, v in speakers.items()
    ):
        doc.error(
            "speakers",
            "'speakers' maps transcript labels to names, e.g. {SPEAKER_1: Karina Tehusijarana}",
        )
        speakers = {}
    not_chapters = doc.data.get("not_chapters") or []
    if not isinstance(not_chapters, list) or not all(
        isinstance(t, str | int | float) and not isinstance(t, bool) for t in not_chapters
    ):
        doc.error(
            "not_chapters",
            "'not_chapters' lists transcript headings that are not chapters, e.g. [Disclaimer]",
        )
        not_chapters = []
    if doc.errors:
        raise doc.errors[0] if len(doc.errors) == 1 else MultipleErrors(doc.errors)
    assert published is not None and guid is not None
    assert audio is not None and transcript is not None
    return EpisodeSource(
        slug=slug,
        folder=folder,
        guid=guid,
        published=published,
        audio=audio,
        transcript=transcript,
        title=title,
        number=number,
        season=season,
        episode_type=cast(Any, episode_type),
        summary=summary,
        explicit=explicit,
        image=image,
        persons=persons,
        chapters=chapters,
        transcript_format=transcript_format,
        language=language.lower() if language else None,
        speaker_map=tuple((xml_safe(str(k)), xml_safe(v)) for k, v in speakers.items()),
        extra_transcripts=tuple(extra),
        not_chapters=tuple(xml_safe(str(t)) for t in not_chapters),
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
