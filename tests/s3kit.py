"""A real S3 server for the deploy tests: moto's standalone server as a process over HTTP
on 127.0.0.1, driven by boto3, and its request log (what the server saw, in order)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "podpub-test-key",
    "AWS_SECRET_ACCESS_KEY": "podpub-test-secret-do-not-print",
    "AWS_DEFAULT_REGION": "us-east-1",
}
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # werkzeug colours lines of non-200 answers
_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d+)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class S3Server:
    endpoint: str
    log: Path
    process: subprocess.Popen[bytes]

    def env(self) -> dict[str, str]:
        """The environment a podpub process needs to reach this server."""
        return {**os.environ, **CREDENTIALS, "AWS_ENDPOINT_URL": self.endpoint}

    def client(self) -> Any:
        import boto3

        return boto3.session.Session(
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name="us-east-1",
        ).client("s3", endpoint_url=self.endpoint)

    def new_bucket(self) -> str:
        name = f"show-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def mark(self) -> int:
        """Where the request log is now (to read what comes after)."""
        return self.log.stat().st_size

    def requests(self, since: int, bucket: str) -> list[tuple[str, str]]:
        """(method, path inside the bucket) of every request to ``bucket`` since ``since``."""
        with self.log.open("rb") as handle:
            handle.seek(since)
            text = _COLOUR.sub("", handle.read().decode("utf-8", "replace"))
        out = []
        for match in _LINE.finditer(text):
            path = match.group("path")
            if (
                path == f"/{bucket}"
                or path.startswith(f"/{bucket}/")
                or path.startswith(f"/{bucket}?")
            ):
                out.append((match.group("method"), path[len(bucket) + 2 :]))
        return out


def start_s3_server(folder: Path) -> S3Server:
    port = free_port()
    log = folder / "moto.log"
    handle = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(endpoint + "/moto-api/", timeout=2):
                break
        except (urllib.error.URLError, OSError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("moto server did not start") from None
            time.sleep(0.2)
    return S3Server(endpoint, log, process)


@pytest.fixture(scope="session", name="s3_server")
def s3_server_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    server = start_s3_server(tmp_path_factory.mktemp("moto"))
    yield server
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
