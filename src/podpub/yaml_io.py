"""YAML input (I/O): the only module that imports PyYAML.

Safe loading with a line for every key path, so that every problem in a file is reported
with the file and line; a size and an alias-expansion limit ("billion laughs").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml

from podpub.errors import ConfigError, PodpubError

MAX_YAML_BYTES = 1_000_000
MAX_YAML_NODES = 100_000


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
class Doc:
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


def read_yaml(path: Path) -> Doc:
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
    return Doc(path, cast(dict[str, Any], data), lines, [])


__all__ = ["Doc", "YamlTextError", "parse_yaml_text", "read_yaml"]
