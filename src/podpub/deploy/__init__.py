"""podpub deploy (I/O at the edges): publish feed/ where listeners fetch it.

Read top to bottom: read the target's manifest -> list feed/ as entries (media under
content-derived names, links rewritten; ``plan``) -> compare -> mark what is about to be
sent as pending -> send media, transcripts, chapters, pages, artwork, then feed.xml ->
delete what the new feed no longer names -> write the manifest -> tell the directories
(only when feed.xml changed). A deploy killed at any point leaves the old or the new
feed.xml served, each naming only files that are there; the next deploy finishes the job
(files confirmed in the manifest are not sent again).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from podpub.deploy import notify, plan
from podpub.deploy.plan import MANIFEST_KEY, Changes, Entry, Manifest
from podpub.deploy.s3 import S3Target
from podpub.deploy.targets import FileTarget, Progress, Target, file_root, split_s3
from podpub.errors import DeployError
from podpub.feed import feed_url
from podpub.load import load_show
from podpub.media import CACHE_DIR, FEED_DIR, FEED_FILE, file_digest

log = logging.getLogger(__name__)

DIGEST_CACHE = "deploy-digests.json"
# a long deploy records its progress on the target after this many files or bytes (by
# count, not time: the same deploy makes the same requests)
CHECKPOINT_FILES = 100
CHECKPOINT_BYTES = 256 * 1024 * 1024


@dataclass
class DeployReport:
    target: str
    sent: list[str] = field(default_factory=list)
    sent_bytes: int = 0
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # stale, left by --no-delete
    notified: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    requests: int = 0
    dry_run: bool = False


def open_target(target: str, endpoint_url: str | None = None) -> Target:
    if target.startswith("s3://"):
        bucket, prefix = split_s3(target)
        return S3Target(bucket, prefix, endpoint_url)
    return FileTarget(file_root(target))


def deploy(
    root: Path,
    target: str,
    *,
    dry_run: bool = False,
    delete: bool = True,
    endpoint_url: str | None = None,
    notify_directories: bool = True,
    progress: Progress | None = None,
) -> DeployReport:
    """Send feed/ of the show at ``root`` to ``target``; see the module docstring."""
    show = load_show(root)
    feed_dir = root / FEED_DIR
    if not (feed_dir / FEED_FILE).is_file():
        raise DeployError(f"no {FEED_FILE} to deploy", feed_dir, None, "run podpub build first")
    where = open_target(target, endpoint_url)
    report = DeployReport(where.description, dry_run=dry_run)
    remote = Manifest.parse(where.read(MANIFEST_KEY))
    entries = collect(feed_dir, show.base_url, root / CACHE_DIR / DIGEST_CACHE)
    changes = plan.plan_changes(entries, remote, delete)
    report.unchanged = len(entries) - len(changes.send)
    report.kept = sorted(changes.after.pending)
    if dry_run:
        report.sent = [e.key for e in changes.send]
        report.sent_bytes = sum(e.size for e in changes.send)
        report.deleted = list(changes.stale)
    else:
        _apply(where, feed_dir, remote, changes, report, progress)
        if changes.feed_changed and notify_directories:
            report.notified, warnings = notify.notify(feed_url(show), show.websub_hub)
            report.warnings.extend(warnings)
    report.requests = where.requests
    return report


def _apply(
    where: Target,
    feed_dir: Path,
    remote: Manifest,
    changes: Changes,
    report: DeployReport,
    progress: Progress | None,
) -> None:
    """Send, then delete, then record; the manifest on the target is kept true at each
    step (a key being written is listed as pending until it is confirmed)."""

    recorded = remote

    def record(manifest: Manifest) -> None:
        nonlocal recorded
        if manifest != recorded:
            where.put(MANIFEST_KEY, manifest.render(), "application/json", "no-store")
            recorded = manifest

    record(changes.before)
    confirmed, files, size = changes.before, 0, 0
    for entry in changes.send:
        body = entry.body if entry.body is not None else feed_dir / entry.source
        where.put(entry.key, body, entry.content_type, entry.cache_control, progress)
        log.info("sent %s (%d bytes)", entry.key, entry.size)
        report.sent.append(entry.key)
        report.sent_bytes += entry.size
        confirmed = confirmed.with_sent([entry])
        files, size = files + 1, size + entry.size
        if files >= CHECKPOINT_FILES or size >= CHECKPOINT_BYTES:  # a rerun skips these
            record(confirmed)
            files, size = 0, 0
    if changes.stale:  # only now that the new feed.xml is served
        where.delete(list(changes.stale))
        report.deleted = list(changes.stale)
        for key in changes.stale:
            log.info("deleted %s", key)
    record(changes.after)


_LINKING = (".xml", ".html", ".htm", ".json")  # files whose links to media are rewritten


def collect(feed_dir: Path, base_url: str, cache_file: Path) -> list[Entry]:
    """Every file of feed/ as an entry (dot files, such as the build's manifest, stay
    home). Plain strings and one stat per file: a show has thousands."""
    stats = dict(sorted(_published(str(feed_dir), "")))
    digests = _digests(feed_dir, stats, cache_file)
    renamed = plan.media_keys(digests)
    entries: list[Entry] = []
    for name, (size, _) in stats.items():
        group = plan.group_of(name)
        entry = Entry(name, renamed.get(name, name), digests[name], size, group)
        if renamed and name.lower().endswith(_LINKING):
            with open(os.path.join(feed_dir, name), "rb") as handle:
                data = handle.read()
            body = plan.rewrite_links(data, name, base_url, renamed)
            if body != data:
                entry = plan.with_body(entry, body, hashlib.sha256(body).hexdigest())
        entries.append(entry)
    return entries


def _published(folder: str, prefix: str) -> Iterator[tuple[str, tuple[int, int]]]:
    """(path relative to feed/, (size, mtime_ns)) of every file, dot files left out."""
    with os.scandir(folder) as found:
        for item in found:
            if item.name.startswith("."):
                continue
            if item.is_dir():
                yield from _published(item.path, f"{prefix}{item.name}/")
            elif item.is_file():
                stat = item.stat()
                yield f"{prefix}{item.name}", (stat.st_size, stat.st_mtime_ns)


def _digests(feed_dir: Path, stats: dict[str, tuple[int, int]], cache_file: Path) -> dict[str, str]:
    """sha256 of each file, reusing the last deploy's where size and mtime are the same
    (a no-change deploy of a big show reads no audio)."""
    try:
        cached = json.loads(cache_file.read_text("utf-8"))
    except (OSError, ValueError):
        cached = {}
    if not isinstance(cached, dict):
        cached = {}
    out: dict[str, str] = {}
    fresh: dict[str, list[object]] = {}
    for name, (size, mtime_ns) in stats.items():
        hit = cached.get(name)
        if isinstance(hit, list) and hit[:2] == [size, mtime_ns]:
            out[name] = str(hit[2])
        else:
            out[name] = file_digest(feed_dir / name)
        fresh[name] = [size, mtime_ns, out[name]]
    if fresh != cached:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(fresh, sort_keys=True), "utf-8")
            os.replace(tmp, cache_file)
        except OSError:
            pass  # a cache only: the next deploy hashes again
    return out
