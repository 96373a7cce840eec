"""``podpub check`` on a show: the inputs (podcast.yaml, every episode), the GUID lock, then
the built feed/ (I/O: reads the inputs and feed/; writes nothing but the alignment cache).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from podpub import episode as pipeline
from podpub.check.gate import check_feed, feed_files
from podpub.check.rules import RULES, Finding
from podpub.errors import MultipleErrors, PodpubError
from podpub.feed import show_guid
from podpub.lock import lock_problems, read_lock
from podpub.media import FEED_DIR, FEED_FILE
from podpub.model import EpisodeSource, Show


def _from_error(rule: str, error: PodpubError) -> Finding:
    return Finding(
        rule,
        RULES[rule].severity,
        str(error.path) if error.path is not None else "",
        error.message,
        error.hint,
        error.line,
    )


def _errors_of(exc: PodpubError) -> list[PodpubError]:
    return list(exc.errors) if isinstance(exc, MultipleErrors) else [exc]


def check_show(root: Path, *, align: bool = True, now: datetime | None = None) -> list[Finding]:
    """``podpub check``: the inputs, the GUID lock, then the built feed/."""
    findings: list[Finding] = []
    show: Show | None = None
    try:
        show, sources = pipeline.load_sources(root)
    except PodpubError as exc:
        findings += [_from_error("PP001", e) for e in _errors_of(exc)]
        sources = []
    if show is not None:
        findings += _lock_findings(root, show, sources)
    for source in sources:
        assert show is not None
        findings += _episode_findings(root, show, source, align)
    feed_dir = root / FEED_DIR
    files = feed_files(feed_dir)
    if FEED_FILE not in files:
        findings.append(
            Finding(
                "PP003",
                "warning",
                str(feed_dir),
                "feed/ has not been built, so the feed rules were not checked",
                "run podpub build (it refuses to publish a feed that breaks an error rule)",
            )
        )
    else:
        findings += check_feed(files, feed_dir, show, now=now)
    return findings


def _lock_findings(root: Path, show: Show, sources: list[EpisodeSource]) -> list[Finding]:
    """PP500-PP502: what the next build would change of what podpub.lock holds."""
    try:
        previous = read_lock(root)
    except PodpubError as exc:
        return [_from_error("PP501", exc)]
    planned = pipeline.locked_episodes(show, sources)
    errors, warnings = lock_problems(previous, show_guid(show), planned, (), root)
    findings = [_from_error("PP500", e) for e in errors]
    findings += [
        Finding(
            "PP502",
            "warning",
            str(root / "podpub.lock"),
            w,
            "expected after a move; the lock is updated by the next build",
        )
        for w in warnings
    ]
    return findings


def _episode_findings(root: Path, show: Show, source: EpisodeSource, align: bool) -> list[Finding]:
    """PP002, PP010-PP013: one episode parsed and timed as the build would."""
    try:
        episode = pipeline.prepare_episode(show, source, align=align, root=root)
    except PodpubError as exc:
        return [_from_error("PP002", e) for e in _errors_of(exc)]
    findings = [
        Finding(
            "PP012",
            "warning",
            str(source.transcript),
            guess.reading,
            guess.settle,
            line=guess.line,
        )
        for guess in episode.transcript.guesses
    ]
    findings += [
        Finding(n.rule, RULES[n.rule].severity, n.path, n.message, n.hint, line=n.line)
        for n in episode.notices
    ]
    return findings
