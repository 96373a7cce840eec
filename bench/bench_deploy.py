#!/usr/bin/env python3
"""Deploy benchmark: a synthetic show deployed to a real S3 server (moto's standalone
server, a process over HTTP on 127.0.0.1), measured against the first deploy in one run.

Prints, each measured in this run on this machine:
- the first deploy: time, requests (counted by boto3 as it sends them, and by the server
  in its request log);
- a no-change deploy: time as a share of the first deploy's, and its requests;
- a no-change deploy after the local digest cache is lost (every file hashed again).

Targets (issue #18): a no-change deploy makes at most a handful (5) of requests and
takes under 2 % of the first deploy's time.

usage: python bench/bench_deploy.py [--episodes N] [--work DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from make_show import make_show  # noqa: E402
from s3kit import CREDENTIALS, start_s3_server  # noqa: E402

from podpub.build import build  # noqa: E402
from podpub.deploy import DIGEST_CACHE, deploy  # noqa: E402
from podpub.media import CACHE_DIR  # noqa: E402

CLIP_SECONDS = 80.0  # as bench_build.py: long enough for each episode's transcript
MAX_REQUESTS = 5
MAX_SHARE = 0.02


def server_requests(log: Path, since: int) -> int:
    with log.open("rb") as handle:
        handle.seek(since)
        text = handle.read().decode("utf-8", "replace")
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # werkzeug colours non-200 lines
    return len(re.findall(r'"[A-Z]+ /show-bench[/?]', text))


def timed_deploy(root: Path, target: str) -> tuple[float, int, int]:
    start = time.perf_counter()
    report = deploy(root, target)
    return time.perf_counter() - start, report.requests, len(report.sent)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="podpub-bench-deploy-"))
    root = work / "show"
    if not (root / "feed" / "feed.xml").is_file():
        shutil.rmtree(root, ignore_errors=True)
        make_show(root, args.episodes, CLIP_SECONDS)
        print(f"building {args.episodes} episodes ...", flush=True)
        build(root, align=False)
    server = start_s3_server(work)
    try:
        os.environ.update(CREDENTIALS)
        os.environ["AWS_ENDPOINT_URL"] = server.endpoint
        os.environ["PODPUB_PUBNOTIFY_URL"] = ""  # no pings from a benchmark
        server.client().create_bucket(Bucket="show-bench")
        target = "s3://show-bench/podcast/"
        (root / CACHE_DIR / DIGEST_CACHE).unlink(missing_ok=True)

        mark = server.mark()
        first_s, first_requests, first_sent = timed_deploy(root, target)
        first_seen = server_requests(server.log, mark)
        mark = server.mark()
        again_s, again_requests, again_sent = timed_deploy(root, target)
        again_seen = server_requests(server.log, mark)
        (root / CACHE_DIR / DIGEST_CACHE).unlink()
        cold_s, cold_requests, _ = timed_deploy(root, target)
    finally:
        server.process.terminate()
        server.process.wait(10)

    share = again_s / first_s
    print(f"episodes: {args.episodes}")
    print(
        f"first deploy: {first_s:.2f} s, {first_sent} files, {first_requests} requests "
        f"(server saw {first_seen})"
    )
    print(
        f"no-change deploy: {again_s:.3f} s = {share:.2%} of the first "
        f"(target <= {MAX_SHARE:.0%}); {again_requests} requests (server saw {again_seen}; "
        f"target <= {MAX_REQUESTS}); {again_sent} files sent"
    )
    print(
        f"no-change deploy, digest cache lost: {cold_s:.3f} s = {cold_s / first_s:.2%}; "
        f"{cold_requests} requests"
    )
    ok = again_requests <= MAX_REQUESTS and again_seen <= MAX_REQUESTS and share <= MAX_SHARE
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
