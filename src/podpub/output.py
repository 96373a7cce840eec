"""Output stage (I/O): stage every file, then publish into feed/ atomically.

Nothing in feed/ changes until every output of the build exists in a staging folder.
Publishing replaces only files whose bytes changed (temp file + ``os.replace``), writes
feed.xml last (so it never points at a file that is not there yet), and only then removes
files an earlier build made that this one no longer makes.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from podpub.errors import BuildError
from podpub.media import FEED_FILE, file_digest

MANIFEST = ".podpub-manifest.json"


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
    except FileNotFoundError:
        return False
    return file_digest(a) == file_digest(b)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class StageWriter:
    """Writes one episode's files into a staging folder (also from a worker process)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: list[str] = []

    def path(self, relative: str) -> Path:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        self.written.append(relative)
        return target

    def write_text(self, relative: str, text: str) -> None:
        self.path(relative).write_bytes(text.encode("utf-8"))

    def write_bytes(self, relative: str, data: bytes) -> None:
        self.path(relative).write_bytes(data)

    def size(self, relative: str) -> int:
        return (self.root / relative).stat().st_size


STAGE_PREFIX = ".stage-"


def stage_parent(feed_dir: Path, cache_dir: Path) -> Path:
    """Where staging folders go: in the cache, never inside feed/ (a folder synced to a
    server would upload a half-built stage), on feed/'s file system (``os.replace``)."""
    home = feed_dir.resolve().parent
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        if cache_dir.stat().st_dev == home.stat().st_dev:
            return cache_dir / "stage"
    except OSError:
        pass
    return home


class Stage:
    """A staging folder outside feed/, on its file system (so ``os.replace`` is atomic)."""

    def __init__(self, feed_dir: Path, parent: Path) -> None:
        self.feed_dir = feed_dir
        self.parent = parent
        self.files: dict[str, Path] = {}
        self.kept: set[str] = set()  # files of unchanged episodes, left as they are
        self.written: list[str] = []
        self.unchanged: list[str] = []
        self.removed: list[str] = []
        self._tmp: Path | None = None

    def __enter__(self) -> Stage:
        try:
            self.feed_dir.mkdir(parents=True, exist_ok=True)
            self.parent.mkdir(parents=True, exist_ok=True)
            self._tmp = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=self.parent))
        except OSError as exc:
            raise BuildError(
                f"cannot write the feed folder: {exc.strerror}", self.feed_dir
            ) from None
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def path(self, relative: str) -> Path:
        """A staged file to be written by the caller (e.g. the tagged audio copy)."""
        assert self._tmp is not None
        target = self._tmp / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        self.files[relative] = target
        return target

    @property
    def root(self) -> Path:
        assert self._tmp is not None
        return self._tmp

    def adopt(self, relative: str) -> None:
        """Register a file a worker process wrote into the stage."""
        assert self._tmp is not None
        self.files[relative] = self._tmp / relative

    def adopt_all(self, relatives: tuple[str, ...]) -> None:
        for relative in relatives:
            self.adopt(relative)

    def keep(self, relatives: list[str]) -> None:
        """Files already in feed/ that belong to this build unchanged."""
        self.kept.update(relatives)

    def write_text(self, relative: str, text: str) -> None:
        self.write_bytes(relative, text.encode("utf-8"))

    def write_bytes(self, relative: str, data: bytes) -> None:
        self.path(relative).write_bytes(data)

    def size(self, relative: str) -> int:
        return self.files[relative].stat().st_size

    def publish(self) -> None:
        """Move staged files into feed/: changed files only, feed.xml last, then clean up."""
        # list this build's files in the manifest first: if the build is killed while
        # publishing, the next build still knows every file it may have to remove
        self._write_manifest(self._read_manifest() | set(self.files) | self.kept)
        order = sorted(self.files, key=lambda name: (name == FEED_FILE, name))
        for relative in order:
            staged = self.files[relative]
            final = self.feed_dir / relative
            if _same_file(staged, final):
                self.unchanged.append(relative)
                continue
            final.parent.mkdir(parents=True, exist_ok=True)
            with staged.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(staged, final)
            _fsync_dir(final.parent)
            self.written.append(relative)
        self._remove_stale()

    def _read_manifest(self) -> set[str]:
        try:
            names = json.loads((self.feed_dir / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            return set()
        return {n for n in names if isinstance(n, str)} if isinstance(names, list) else set()

    def _write_manifest(self, names: set[str]) -> None:
        manifest = self.feed_dir / MANIFEST
        data = json.dumps(sorted(names), indent=1) + "\n"
        if not manifest.is_file() or manifest.read_bytes() != data.encode("utf-8"):
            tmp = manifest.with_suffix(".tmp")
            tmp.write_text(data, "utf-8")
            os.replace(tmp, manifest)

    def _remove_stale(self) -> None:
        """Remove files earlier builds made that this one does not (after feed.xml)."""
        previous = self._read_manifest()
        for relative in sorted(previous - set(self.files) - self.kept):
            target = self.feed_dir / relative
            if target.is_file() and target.resolve().is_relative_to(self.feed_dir.resolve()):
                target.unlink()
                self.removed.append(relative)
                parent = target.parent
                if parent != self.feed_dir and not any(parent.iterdir()):
                    parent.rmdir()
        self._write_manifest(set(self.files) | self.kept)


def remove_stale_stages(feed_dir: Path, parent: Path) -> None:
    """Staging folders left by a killed build (and, from older versions, inside feed/)."""
    for folder in (parent, feed_dir):
        if folder.is_dir():
            for leftover in folder.glob(f"{STAGE_PREFIX}*"):
                if leftover.is_dir() and not leftover.is_symlink():
                    shutil.rmtree(leftover, ignore_errors=True)
