"""Episode and show pages (pure but for reading templates): the one module that uses Jinja2.

Templates live in the package (``site/templates``); a show overrides any of them by a
file of the same name in its own ``templates/`` folder. Autoescaping is on for every
template: no text from the inputs reaches a page as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import jinja2

from podpub.errors import BuildError
from podpub.model import Episode, FeedItem, Show
from podpub.site.context import episode_context, show_context

PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"
SHOW_TEMPLATES = "templates"  # a show's overrides, beside podcast.yaml
EPISODE_PAGE = "index.html"  # feed/SLUG/index.html
SHOW_PAGE = "index.html"  # feed/index.html


def template_files(root: Path) -> list[Path]:
    """The files of a show's templates folder (they change its pages), sorted."""
    folder = root / SHOW_TEMPLATES
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _environment(show_root: Path) -> jinja2.Environment:
    """One environment per show and state of its templates folder (a long-lived process,
    `podpub serve --watch`, sees a template that appears or changes)."""
    stamps = tuple(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in template_files(show_root)
    )
    return _cached_environment(show_root, stamps)


@lru_cache(maxsize=8)
def _cached_environment(
    show_root: Path, stamps: tuple[tuple[str, int, int], ...]
) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([show_root / SHOW_TEMPLATES, PACKAGE_TEMPLATES]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(show: Show, name: str, context: dict[str, object]) -> str:
    hint = "fix the template, or remove it to use podpub's own"
    try:
        template = _environment(show.root).get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        where = Path(exc.filename) if exc.filename else show.root / SHOW_TEMPLATES / name
        raise BuildError(f"template error: {exc.message}", where, exc.lineno, hint) from None
    try:
        return template.render(context)
    except jinja2.TemplateError as exc:
        where = Path(template.filename) if template.filename else Path(name)
        raise BuildError(f"template {name} failed: {exc}", where, None, hint) from None


def render_episode(show: Show, episode: Episode, item: FeedItem, image_name: str) -> str:
    """feed/SLUG/index.html: player, chapters, transcript, notes, persons, downloads."""
    return _render(show, "episode.html", episode_context(show, episode, item, image_name))


def render_show(show: Show, items: Sequence[FeedItem], image_name: str) -> str:
    """feed/index.html: the show, how to subscribe, every episode newest first."""
    return _render(show, "show.html", show_context(show, items, image_name))
