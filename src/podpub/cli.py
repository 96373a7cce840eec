"""Command line (thin): parse arguments, call the library, print, return an exit code.

stdout carries data (``inspect --json``); stderr carries messages. A ``PodpubError``
becomes ``error: path:line: message`` and exit 1; anything else is a bug.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import threading
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from podpub import __version__
from podpub.build import build, episode_record
from podpub.check import check_show, exit_code, render_json, render_text
from podpub.deploy import deploy
from podpub.episode import prepare_episode
from podpub.errors import MultipleErrors, PodpubError
from podpub.load import (
    EPISODE_FILE,
    EPISODES_DIR,
    SHOW_FILE,
    SLUG,
    load_episode,
    load_show,
    new_episode_yaml,
)
from podpub.media import FEED_DIR
from podpub.site import serve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="podpub", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"podpub {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="build feed/ from podcast.yaml and episodes/")
    p.add_argument("--root", type=Path, default=Path("."), help="show folder (default: .)")
    p.add_argument(
        "--no-align", action="store_true", help="skip forced alignment; chapter times are estimated"
    )
    p.add_argument(
        "--repair",
        action="store_true",
        help="run speech recognition over the whole episode, not only its doubtful stretches "
        "(slower; also repairs sentences inside paragraphs after ads and asides)",
    )
    p.add_argument(
        "--allow-remove",
        action="append",
        default=[],
        metavar="SLUG",
        help="drop a published episode from the feed and the GUID lock on purpose (repeatable)",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run the per-episode work on a Dask distributed cluster (e.g. "
        "tcp://10.0.0.5:8786); the show folder must be on a file system the workers share",
    )
    p = sub.add_parser(
        "deploy", help="publish feed/ to s3://BUCKET/PREFIX/ or file:///path/, feed.xml last"
    )
    p.add_argument("target", help="s3://BUCKET/PREFIX/ or file:///path/")
    p.add_argument("--root", type=Path, default=Path("."), help="show folder (default: .)")
    p.add_argument("--dry-run", action="store_true", help="say what would change; send nothing")
    p.add_argument(
        "--delete",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="remove files the new feed no longer names, after it is served (default: on)",
    )
    p.add_argument(
        "--endpoint-url",
        default=None,
        help="S3-compatible endpoint (default: AWS_ENDPOINT_URL, else AWS)",
    )
    p.add_argument(
        "--no-notify", action="store_true", help="do not ping WebSub or the Podcast Index"
    )
    p = sub.add_parser("inspect", help="show the derived record of one episode")
    p.add_argument("episode", type=Path, help="episode folder (episodes/<slug>)")
    p.add_argument(
        "--root",
        type=Path,
        default=None,
        help="show folder (default: two levels above the episode)",
    )
    p.add_argument("--json", action="store_true", help="print the record as JSON")
    p.add_argument("--no-align", action="store_true", help="skip forced alignment")
    p.add_argument("--repair", action="store_true", help="repair alignment (see build)")
    p = sub.add_parser(
        "check", help="lint the inputs and feed/ against Apple, Podcasting 2.0 and validators"
    )
    p.add_argument("--root", type=Path, default=Path("."), help="show folder (default: .)")
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p.add_argument(
        "--no-align", action="store_true", help="do not align to find estimated chapter starts"
    )
    p = sub.add_parser("serve", help="serve feed/ over HTTP for preview (ranges, CORS)")
    p.add_argument("--root", type=Path, default=Path("."), help="show folder (default: .)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0: any free)")
    p.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    p.add_argument("--watch", action="store_true", help="rebuild when an input changes")
    p.add_argument("--no-align", action="store_true", help="rebuild without alignment (--watch)")
    p = sub.add_parser("new", help="scaffold episodes/<slug>/episode.yaml with a fresh GUID")
    p.add_argument("slug")
    p.add_argument("--root", type=Path, default=Path("."), help="show folder (default: .)")
    p.add_argument("--title", default=None)
    return parser


def _error(exc: PodpubError) -> None:
    errors = exc.errors if isinstance(exc, MultipleErrors) else [exc]
    for error in errors:
        print(f"error: {error}", file=sys.stderr)


def _progress_bar(done: int, total: int, slug: str) -> None:
    """A one-line progress bar on a terminal (stderr); plain logging covers the rest."""
    width = 30
    filled = width * done // max(total, 1)
    end = "\n" if done >= total else ""
    print(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {slug[:40]:<40}",
        end=end,
        file=sys.stderr,
        flush=True,
    )


def _align_bar(slug: str, fraction: float) -> None:
    """Alignment progress of one episode on a terminal."""
    _progress_bar(round(fraction * 100), 100, f"aligning {slug}")


def _cmd_build(args: argparse.Namespace) -> int:
    tty = sys.stderr.isatty() and not args.quiet
    if tty:  # the bar replaces the one-line-per-episode log on a terminal
        logging.getLogger("podpub.build").setLevel(logging.WARNING)
    report = build(
        args.root,
        align=not args.no_align,
        repair=args.repair,
        allow_remove=tuple(args.allow_remove),
        progress=_progress_bar if tty else None,
        align_progress=_align_bar if tty else None,
        scheduler=args.scheduler,
    )
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not args.quiet:
        print(
            f"built {len(report.episodes)} episode(s) into {args.root / 'feed'}: "
            f"{len(report.written)} written, {len(report.unchanged)} unchanged, "
            f"{len(report.removed)} removed",
            file=sys.stderr,
        )
    return 0


def _upload_bar(sent: int, total: int, key: str) -> None:
    """Progress of one large upload on a terminal."""
    _progress_bar(sent * 100 // max(total, 1), 100, f"sending {key}")


def _cmd_deploy(args: argparse.Namespace) -> int:
    tty = sys.stderr.isatty() and not args.quiet
    if args.quiet:
        logging.getLogger("podpub.deploy").setLevel(logging.WARNING)
    report = deploy(
        args.root,
        args.target,
        dry_run=args.dry_run,
        delete=args.delete,
        endpoint_url=args.endpoint_url,
        notify_directories=not args.no_notify,
        progress=_upload_bar if tty else None,
    )
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.dry_run:
        for key in report.sent:
            print(f"would send {key}")
        for key in report.deleted:
            print(f"would delete {key}")
    if not args.quiet:
        verb = "would send" if args.dry_run else "sent"
        gone = "would delete" if args.dry_run else "deleted"
        kept = f", {len(report.kept)} stale kept (--no-delete)" if report.kept else ""
        told = f"; told {', '.join(report.notified)}" if report.notified else ""
        print(
            f"deploy to {report.target}: {verb} {len(report.sent)} file(s) "
            f"({report.sent_bytes} bytes), {report.unchanged} unchanged, {gone} "
            f"{len(report.deleted)}{kept}; {report.requests} request(s){told}",
            file=sys.stderr,
        )
    return 0


def _cmd_inspect(args: argparse.Namespace) -> int:
    folder: Path = args.episode
    root: Path = args.root or folder.resolve().parent.parent
    show = load_show(root)
    source = load_episode(root, folder.resolve())
    tty = sys.stderr.isatty()
    episode = prepare_episode(
        show,
        source,
        align=not args.no_align,
        root=root,
        repair=args.repair,
        progress=partial(_align_bar, source.slug) if tty else None,
    )
    record = episode_record(episode)
    if args.json:
        print(json.dumps(record, ensure_ascii=False, indent=2))
        return 0
    t = record["transcript"]
    assert isinstance(t, dict)
    print(f"{record['title']}  ({record['slug']}, {t['format']}, {t['language']})")
    layout = episode.transcript.layout
    print(f"read as: {t['format']}" + (f" ({', '.join(layout)})" if layout else ""))
    print(f"speakers: {', '.join(t['speakers']) or '-'}")
    print(f"paragraphs: {t['paragraphs']}")
    given = sum(1 for p in episode.paragraphs if p.source == "given")
    print(f"times given in the transcript: {given} of {len(episode.paragraphs)} paragraphs")
    print("chapters:")
    for c in episode.chapters:
        confidence = f" confidence {c.confidence:.2f}" if c.confidence is not None else ""
        print(f"  {c.start_ms / 1000:9.3f}s  {c.title}  [{c.source}{confidence}]")
    if episode.transcript.hints:
        print("marked in the transcript (audio it does not hold):")
        starts = {id(p.paragraph): p.start_ms for p in episode.paragraphs}
        for h in episode.transcript.hints:
            at = starts.get(id(episode.transcript.paragraphs[h.paragraph]))
            then = f", next paragraph at {at / 1000:.3f}s" if at is not None else ""
            print(f"  line {h.line} {h.text}{then}")
    if episode.unscripted:
        print("unscripted (speech heard that the transcript does not have):")
        for a, b in episode.unscripted:
            print(f"  {a / 1000:9.3f}s - {b / 1000:9.3f}s")
    print("set aside (not spoken):")
    for s in episode.transcript.set_aside:
        print(f"  line {s.line} {s.reason}: {s.text[:70]}")
    if episode.transcript.guesses:
        print("unsure (settle in episode.yaml):")
        for g in episode.transcript.guesses:
            print(f"  line {g.line}: {g.reading}; {g.settle}")
    for warning in [*episode.warnings, *(str(n) for n in episode.notices)]:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _cmd_new(args: argparse.Namespace) -> int:
    if not SLUG.match(args.slug):
        raise PodpubError(
            f"{args.slug!r} is not a valid slug",
            None,
            None,
            "use lower-case letters, digits, '-', '_' and '.'",
        )
    folder = args.root / EPISODES_DIR / args.slug
    if folder.exists():
        raise PodpubError("episode folder already exists", folder, None, "choose another slug")
    folder.mkdir(parents=True)
    now = datetime.now(UTC).replace(microsecond=0)
    title = args.title or args.slug.replace("-", " ").title()
    (folder / EPISODE_FILE).write_text(new_episode_yaml(title, now), "utf-8")
    print(
        f"created {folder / EPISODE_FILE}; add the audio and transcript.* next to it",
        file=sys.stderr,
    )
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    findings = check_show(args.root, align=not args.no_align)
    if args.format == "json":
        sys.stdout.write(render_json(findings))
    else:
        sys.stdout.write(render_text(findings))
    errors = sum(f.severity == "error" for f in findings)
    if not args.quiet or errors:
        print(f"check: {errors} error(s), {len(findings) - errors} warning(s)", file=sys.stderr)
    return exit_code(findings, strict=args.strict)


def _cmd_serve(args: argparse.Namespace) -> int:
    root: Path = args.root
    feed_dir = root / FEED_DIR

    def rebuild() -> None:
        try:
            report = build(root, align=not args.no_align)
        except PodpubError as exc:
            _error(exc)
            print("serving the last good build", file=sys.stderr)
            return
        for warning in report.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        print(f"rebuilt: {len(report.written)} file(s) written", file=sys.stderr)

    image: tuple[Path, ...] = ()
    seen = None
    if args.watch:
        # the inputs as they are before the first build: an edit made during it, or
        # before the watcher's thread starts, is one the watcher sees
        with contextlib.suppress(PodpubError):
            image = (load_show(root).image,) if (root / SHOW_FILE).is_file() else ()
        seen = serve.input_stamps(root, image)
        rebuild()
    if not serve.have_feed(feed_dir):
        raise PodpubError(
            "there is no feed/ to serve", feed_dir, None, "build first: podpub build --root ..."
        )
    try:
        server = serve.make_server(feed_dir, args.host, args.port)
    except OSError as exc:
        raise PodpubError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror}",
            None,
            None,
            "choose another --port (0 picks a free one)",
        ) from None
    host, port = server.server_address[:2]
    print(f"serving {feed_dir} at http://{host!s}:{port}/ (Ctrl-C stops)", file=sys.stderr)
    sys.stderr.flush()
    stop = threading.Event()
    if args.watch:
        threading.Thread(
            target=serve.watch, args=(root, rebuild, stop, image, 1.0, seen), daemon=True
        ).start()
    try:
        server.serve_forever()
    finally:
        stop.set()
        server.server_close()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(message)s",
        stream=sys.stderr,
    )
    commands = {
        "build": _cmd_build,
        "check": _cmd_check,
        "deploy": _cmd_deploy,
        "inspect": _cmd_inspect,
        "new": _cmd_new,
        "serve": _cmd_serve,
    }
    try:
        return commands[args.command](args)
    except PodpubError as exc:
        _error(exc)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
