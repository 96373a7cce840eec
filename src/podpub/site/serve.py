"""`podpub serve` (I/O): feed/ over HTTP for preview, as a web host would serve it.

Single byte ranges (players seek; 206, or 416 when the range is past the end), the
Content-Types of ``podpub.media.content_type``, ``index.html`` for a folder, and
``Access-Control-Allow-Origin: *`` on every file (the Podcasting 2.0 transcript guide
asks it of transcripts and chapters; web players read the feed and audio the same way).
Hidden files (the build's manifest) are not served. ``watch`` polls the show's inputs and
rebuilds when one changes; a failed rebuild leaves the last feed/ served.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable
from email.utils import formatdate
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from podpub.media import content_type

log = logging.getLogger(__name__)

_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
WATCHED = ("podcast.yaml", "episodes", "templates")


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) bytes of a single ``Range: bytes=...`` inside a file of ``size``
    bytes; None when it cannot be satisfied. Raises ValueError for a header to ignore."""
    m = _RANGE.match(header.strip())
    if not m or (not m.group(1) and not m.group(2)):
        raise ValueError(header)
    if not m.group(1):  # the last N bytes
        length = int(m.group(2))
        return (max(0, size - length), size - 1) if length and size else None
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) else size - 1
    if m.group(2) and last < first:
        raise ValueError(header)
    if first >= size:
        return None
    return first, min(last, size - 1)


class FeedHandler(SimpleHTTPRequestHandler):
    """GET and HEAD for the files of one folder, with ranges; nothing else."""

    server_version = "podpub"
    protocol_version = "HTTP/1.1"  # keep-alive: a player asks for many ranges

    def __init__(self, *args: Any, directory: str, **kwargs: Any) -> None:
        super().__init__(*args, directory=directory, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def _target(self) -> Path | None:
        """The file a request names, or None after answering it (redirect, 404)."""
        url_path = unquote(urlsplit(self.path).path)
        parts = [p for p in url_path.split("/") if p]
        if any(p.startswith(".") or "\\" in p or "\0" in p for p in parts):
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        path = Path(self.directory, *parts)
        if path.is_dir():
            if not url_path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", url_path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            path = path / "index.html"
        if not path.is_file():
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return path

    def _serve(self, body: bool) -> None:
        path = self._target()
        if path is None:
            return
        try:
            handle = path.open("rb")
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        with handle:
            stat = os.fstat(handle.fileno())
            size = stat.st_size
            first, last, status = 0, size - 1, HTTPStatus.OK
            header = self.headers.get("Range")
            if header:
                try:
                    span = parse_range(header, size)
                except ValueError:
                    span = (0, size - 1)  # a range podpub does not read: the whole file
                else:
                    if span is None:
                        self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                        self.send_header("Content-Range", f"bytes */{size}")
                        self.send_header("Content-Length", "0")
                        self._common_headers()
                        self.end_headers()
                        return
                    status = HTTPStatus.PARTIAL_CONTENT
                first, last = span
            self.send_response(status)
            self.send_header("Content-Type", content_type(path.name))
            self.send_header("Content-Length", str(max(0, last - first + 1)))
            if status == HTTPStatus.PARTIAL_CONTENT:
                self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
            self.send_header("Last-Modified", formatdate(stat.st_mtime, usegmt=True))
            self._common_headers()
            self.end_headers()
            if body:
                handle.seek(first)
                _copy(handle, self.wfile, last - first + 1)

    def _common_headers(self) -> None:
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Expose-Headers", "Content-Length, Content-Range")
        self.send_header("Cache-Control", "no-cache")


def _copy(source: BinaryIO, target: Any, length: int) -> None:
    try:
        while length > 0:
            block = source.read(min(length, 1 << 16))
            if not block:
                return
            target.write(block)
            length -= len(block)
    except (BrokenPipeError, ConnectionResetError):
        return  # the player moved on (a seek): not an error


def make_server(feed_dir: Path, host: str, port: int) -> ThreadingHTTPServer:
    """A server for ``feed_dir`` (port 0: any free port; see ``server_address``)."""

    def handler(*args: Any) -> FeedHandler:
        return FeedHandler(*args, directory=str(feed_dir))

    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def input_stamps(root: Path, extra: tuple[Path, ...] = ()) -> tuple[tuple[str, int, int], ...]:
    """Every input of the show (podcast.yaml, episodes/, templates/ and ``extra``, the
    artwork), by path, size and modification time: cheap to poll."""
    out: list[tuple[str, int, int]] = []
    paths = [root / name for name in WATCHED] + list(extra)
    for path in paths:
        files = [path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []
        for file in files:
            try:
                st = file.stat()
            except OSError:
                continue
            if file.is_file() and not file.name.endswith(".part"):
                out.append((str(file), st.st_size, st.st_mtime_ns))
    return tuple(out)


def watch(
    root: Path,
    rebuild: Callable[[], None],
    stop: threading.Event,
    extra: tuple[Path, ...] = (),
    interval: float = 1.0,
    seen: tuple[tuple[str, int, int], ...] | None = None,
) -> None:
    """Call ``rebuild`` whenever an input changes (until ``stop`` is set). Changes count
    from ``seen``: the caller's ``input_stamps`` from before its first build, so that an
    edit made before this thread runs is not missed (taken here when None)."""
    if seen is None:
        seen = input_stamps(root, extra)
    while not stop.wait(interval):
        if input_stamps(root, extra) != seen:
            time.sleep(0.2)  # let an editor finish writing
            seen = input_stamps(root, extra)
            rebuild()


def have_feed(feed_dir: Path) -> bool:
    return feed_dir.is_dir() and any(feed_dir.iterdir())
