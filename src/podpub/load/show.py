"""podcast.yaml -> Show (I/O at the edge: the file and the artwork it names).

Each field of podcast.yaml has a reader in ``SHOW_FIELDS`` (the table is the list of
known fields); every problem is reported at once, each with its line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, cast

from podpub.errors import ConfigError, MultipleErrors
from podpub.load.audio import show_audio
from podpub.load.fields import boolean, image, outside, persons, text, url
from podpub.load.tags import tag_readers
from podpub.model import Category, Funding, Link, Show
from podpub.yaml_io import Doc, read_yaml

SHOW_FILE = "podcast.yaml"
UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")

Reader = Callable[[Doc, Path], Any]


def apple_categories() -> dict[str, list[str]]:
    text = resources.files("podpub").joinpath("data/apple_categories.json").read_text("utf-8")
    return cast(dict[str, list[str]], json.loads(text))


def _owner(doc: Doc, root: Path) -> tuple[str | None, str | None]:
    owner = doc.data.get("owner")
    if not isinstance(owner, dict):
        doc.error(
            "owner",
            "'owner' is required: a mapping with 'name' and 'email'",
            "add 'owner: {name: ..., email: ...}'",
        )
        return None, None
    name = text(doc, "owner.name", required=True, data=owner)
    email = text(doc, "owner.email", required=True, data=owner, max_len=255)
    if email and not EMAIL.match(email):
        doc.error("owner.email", f"'owner.email' is not an email address: {email!r}")
    return name, email


def _language(doc: Doc, root: Path) -> str | None:
    language = text(doc, "language", required=True, max_len=35)
    if language and not LANGUAGE.match(language):
        doc.error(
            "language", f"'language' must be a language code like 'en' or 'en-us', not {language!r}"
        )
    return language.lower() if language else None


def _categories(doc: Doc, root: Path) -> tuple[Category, ...]:
    raw = doc.data.get("categories")
    if not isinstance(raw, list) or not raw:
        doc.error(
            "categories",
            "'categories' is required: a list of Apple categories",
            'e.g. categories: ["News/Politics"]',
        )
        return ()
    allowed = apple_categories()
    categories: list[Category] = []
    for index, item in enumerate(raw):
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
    return tuple(categories)


def _explicit(doc: Doc, root: Path) -> bool | None:
    explicit = boolean(doc, "explicit", None)
    if explicit is None and doc.data.get("explicit") is None:  # missing, or left empty
        doc.error("explicit", "'explicit' is required (Apple)", "add 'explicit: false'")
    return explicit


def _image(doc: Doc, root: Path) -> Path | None:
    name = text(doc, "image", required=True)
    return image(doc, root, root, name) if name else None


def _base_url(doc: Doc, root: Path) -> str | None:
    base_url = url(doc, "base_url", required=True)
    return base_url if base_url is None or base_url.endswith("/") else base_url + "/"


def _type(doc: Doc, root: Path) -> str:
    show_type = text(doc, "type") or "episodic"
    if show_type not in ("episodic", "serial"):
        doc.error("type", f"'type' must be episodic or serial, not {show_type!r}")
    return show_type


def _guid(doc: Doc, root: Path) -> str | None:
    guid = text(doc, "guid")
    if guid and not UUID_RE.match(guid):
        doc.error(
            "guid",
            f"'guid' must be a UUID, not {guid!r}",
            "remove it to derive it from the feed URL",
        )
    return guid


def _funding(doc: Doc, root: Path) -> tuple[Funding, ...]:
    raw = doc.data.get("funding") or []
    if not isinstance(raw, list):
        doc.error("funding", "'funding' must be a list of {url, text}")
        return ()
    funding: list[Funding] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            doc.error(f"funding.{index}", "each funding entry needs 'url' and 'text'")
            continue
        link = url(doc, f"funding.{index}.url", required=True, data=item)
        label = text(doc, f"funding.{index}.text", data=item) or "Support the show"
        if link:
            funding.append(Funding(link, label))
    return tuple(funding)


def _subscribe(doc: Doc, root: Path) -> tuple[Link, ...]:
    raw = doc.data.get("subscribe") or []
    if not isinstance(raw, list):
        doc.error("subscribe", "'subscribe' must be a list of {url, text}")
        return ()
    links: list[Link] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            doc.error(
                f"subscribe.{index}",
                "each subscribe entry needs 'url' and 'text'",
                "e.g. {url: https://podcasts.apple.com/podcast/id123, text: Apple Podcasts}",
            )
            continue
        link = url(doc, f"subscribe.{index}.url", required=True, data=item)
        label = text(doc, f"subscribe.{index}.text", required=True, data=item)
        if link and label:
            links.append(Link(link, label))
    return tuple(links)


def _lead_in(doc: Doc, root: Path) -> int:
    lead_in = doc.data.get("chapter_lead_in_ms", 0)
    if isinstance(lead_in, bool) or not isinstance(lead_in, int) or not 0 <= lead_in <= 5000:
        doc.error(
            "chapter_lead_in_ms",
            f"'chapter_lead_in_ms' must be a whole number of milliseconds from 0 to 5000, "
            f"not {lead_in!r}",
            "e.g. 200 starts each chapter 0.2 s before its first word",
        )
        return 0
    return lead_in


# podcast.yaml's fields, read in this order (errors are reported in it)
SHOW_FIELDS: dict[str, Reader] = {
    "title": lambda doc, root: text(doc, "title", required=True),
    "description": lambda doc, root: text(doc, "description", required=True),
    "author": lambda doc, root: text(doc, "author", required=True),
    "owner": _owner,
    "language": _language,
    "categories": _categories,
    "explicit": _explicit,
    "image": _image,
    "base_url": _base_url,
    "link": lambda doc, root: url(doc, "link", required=True),
    "type": _type,
    "guid": _guid,
    "funding": _funding,
    "subscribe": _subscribe,
    "persons": lambda doc, root: persons(doc),
    "copyright": lambda doc, root: text(doc, "copyright"),
    "locked": lambda doc, root: boolean(doc, "locked", False),
    "chapter_lead_in_ms": _lead_in,
    "websub_hub": lambda doc, root: url(doc, "websub_hub"),
    "audio": show_audio,
}
# the Podcasting 2.0 tags (podpub.namespace.TAGS), one field each, read by one reader
NAMESPACE_FIELDS = tag_readers("channel")
SHOW_FIELDS |= NAMESPACE_FIELDS


def unknown_fields(doc: Doc, known: dict[str, Any]) -> None:
    for key in doc.data:
        if key not in known:
            doc.error(
                str(key), f"unknown field '{key}'", f"known fields: {', '.join(sorted(known))}"
            )


def load_show(root: Path) -> Show:
    path = root / SHOW_FILE
    if path.exists() and outside(root, path):
        raise ConfigError(
            f"{SHOW_FILE} points outside the show folder (a link)",
            path,
            None,
            f"copy {SHOW_FILE} into the show folder instead of linking to it",
        )
    doc = read_yaml(path)
    unknown_fields(doc, SHOW_FIELDS)
    v = {key: read(doc, root) for key, read in SHOW_FIELDS.items()}
    if doc.errors:
        raise doc.errors[0] if len(doc.errors) == 1 else MultipleErrors(doc.errors)
    owner_name, owner_email = v.pop("owner")
    tags = tuple(tag for key in NAMESPACE_FIELDS for tag in v.pop(key))
    return Show(
        root=root,
        owner_name=owner_name,
        owner_email=owner_email,
        type=v.pop("type"),
        chapter_lead_in_ms=v.pop("chapter_lead_in_ms"),
        tags=tags,
        **v,
    )
