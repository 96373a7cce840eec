"""Deploy targets (I/O): where a show is served, read and written by key.

``open_target`` reads a TARGET argument: ``s3://BUCKET/PREFIX/`` (any S3-compatible
store, ``podpub.deploy.s3``) or ``file:///path/`` (a folder a web server serves). A
target reads one key, writes one key (atomically: a reader sees the old bytes or the new,
never part), and deletes keys; it counts the requests it makes.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from podpub.errors import DeployError

# bytes sent so far, of how many, for which key
Progress = Callable[[int, int, str], None]

_TARGET_HINT = "give s3://BUCKET/PREFIX/ or file:///absolute/path/"


class Target(Protocol):
    description: str
    requests: int

    def read(self, key: str) -> bytes | None:
        """The bytes under ``key``, or None when there is nothing."""

    def put(
        self,
        key: str,
        body: bytes | Path,
        content_type: str,
        cache_control: str,
        progress: Progress | None = None,
    ) -> None:
        """Store bytes (or a file's bytes) under ``key``, replacing what was there."""

    def delete(self, keys: Sequence[str]) -> None:
        """Remove keys (missing ones are fine)."""


def split_s3(target: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> ("bucket", "some/prefix/")."""
    parts = urlsplit(target)
    bucket = parts.netloc
    if parts.scheme != "s3" or not bucket or parts.query or parts.fragment:
        raise DeployError(f"{target!r} is not an S3 target", None, None, _TARGET_HINT)
    prefix = parts.path.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


def file_root(target: str) -> Path:
    parts = urlsplit(target)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost") or not parts.path:
        raise DeployError(f"{target!r} is not a file target", None, None, _TARGET_HINT)
    return Path(unquote(parts.path))


class FileTarget:
    """A folder: each key a file, replaced atomically (temp file + ``os.replace``). A
    web server in front of it sets Content-Type and Cache-Control (see the README)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.description = root.as_uri()
        self.requests = 0
        if not root.is_dir():
            raise DeployError(
                "the deploy folder does not exist", root, None, "create it, or fix the target"
            )

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise DeployError(f"key {key!r} leaves the deploy folder", self.root)
        return path

    def read(self, key: str) -> bytes | None:
        self.requests += 1
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise DeployError(f"cannot read {key}: {exc.strerror}", self.root) from None

    def put(
        self,
        key: str,
        body: bytes | Path,
        content_type: str,
        cache_control: str,
        progress: Progress | None = None,
    ) -> None:
        self.requests += 1
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".podpub-", dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                if isinstance(body, bytes):
                    handle.write(body)
                else:
                    with body.open("rb") as source:
                        total, sent = body.stat().st_size, 0
                        for block in iter(lambda: source.read(1 << 20), b""):
                            handle.write(block)
                            sent += len(block)
                            if progress is not None:
                                progress(sent, total, key)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)  # served files are world-readable, like any upload
            os.replace(tmp, path)
        except OSError as exc:
            raise DeployError(f"cannot write {key}: {exc.strerror}", self.root) from None

    def delete(self, keys: Sequence[str]) -> None:
        for key in keys:
            self.requests += 1
            path = self._path(key)
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise DeployError(f"cannot delete {key}: {exc.strerror}", self.root) from None
            parent = path.parent
            while parent != self.root.resolve() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
