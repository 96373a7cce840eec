"""The pipeline, top to bottom: load -> parse -> time -> render -> tag -> feed.

Read this module first. Each stage is a call into its own module; this one only wires
them together and collects the report. One episode's load, parse and time stages are in
``podpub.episode`` (shared with ``podpub check``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from podpub import incremental
from podpub.audio import TagSet, write_ogg_chapters, write_tagged_copy
from podpub.check import refuse_failing_feed
from podpub.cluster import cluster_executor
from podpub.encode import EXTENSIONS, Metadata, write_with_metadata
from podpub.episode import audio_relative, load_changed, locked_episodes, prepare_episode
from podpub.errors import MultipleErrors, PodpubError
from podpub.feed import show_guid, write_feed
from podpub.formats import CHAPTERS, TRANSCRIPTS, show_notes
from podpub.incremental import Built
from podpub.lock import LockedEpisode, plan_lock, write_lock
from podpub.mastering import CODEC_NAMES, MIME_TYPES, Produced, produce
from podpub.media import (
    CACHE_DIR,
    FEED_DIR,
    FEED_FILE,
    MP4_SIGNATURE,
    OGG_SIGNATURE,
    TRANSCRIPT_TYPES,
    is_png,
    starts_with,
)
from podpub.model import (
    AlternateEnclosure,
    AudioFacts,
    Chapter,
    Episode,
    EpisodeSource,
    FeedItem,
    Show,
)
from podpub.namespace import shift_soundbites
from podpub.output import Stage, StageWriter, remove_stale_stages, stage_parent
from podpub.site import pages
from podpub.state import ItemStore
from podpub.text_safety import xml_safe_record
from podpub.timing import shift_episode
from podpub.transcripts import read_transcript

log = logging.getLogger(__name__)


@dataclass
class Report:
    episodes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class AlignOptions:
    """Whether to align transcripts to the audio, and with the slower repair pass."""

    enabled: bool = True
    repair: bool = False


def _build_episode(
    show: Show,
    source: EpisodeSource,
    stage_root: Path,
    options: AlignOptions,
    root: Path,
    key: str,
    previous_ms: int | None = None,
    align_progress: Callable[[float], None] | None = None,
) -> Built:
    """Parse, time, encode, render and tag one episode into the stage (runs in a worker)."""
    episode = prepare_episode(
        show,
        source,
        align=options.enabled,
        root=root,
        repair=options.repair,
        progress=align_progress,
    )
    # times are found on the episode's own audio, then moved by the intro put before it
    produced = produce(show, source, episode.audio.duration_ms, root / CACHE_DIR)
    episode = _published_audio(
        shift_episode(episode, produced.offset_ms, produced.duration_ms), produced
    )
    if _replaced(episode, previous_ms):
        episode = replace(
            episode,
            warnings=(
                *episode.warnings,
                f"{source.slug}: the audio is now {produced.own_ms / 1000:.1f} s long (it was "
                f"{(previous_ms or 0) / 1000:.1f} s) while its chapter or transcript times are "
                "given: check that they still match the new audio",
            ),
        )
    writer = StageWriter(stage_root)
    item = _stage_episode(writer, show, episode, show.image.read_bytes(), produced)
    writer.write_text(
        f"{item.slug}/{pages.EPISODE_PAGE}",
        pages.render_episode(show, episode, item, artwork_name(show)),
    )
    ItemStore(root / CACHE_DIR).save(item, key)
    sources_used = ", ".join(sorted({c.source for c in episode.chapters}))
    summary = (
        f"{source.slug}: {len(episode.transcript.paragraphs)} paragraphs, "
        f"{len(episode.chapters)} chapters ({sources_used})"
    )
    return Built(
        item.slug,
        item.guid,
        item.published,
        item.audio_url,
        tuple(writer.written),
        (*episode.warnings, *(f"{source.slug}: {n}" for n in episode.notices)),
        summary,
    )


REPLACED_AUDIO_MS = 500  # more than this, and given times may point at the wrong words


def _replaced(episode: Episode, previous_ms: int | None) -> bool:
    """The episode's own audio changed length by more than half a second while its times
    are given (in episode.yaml, a chapters file or a timed transcript): they were written
    for the old audio (dynamic ad insertion breaks transcript sync the same way)."""
    own_ms = episode.audio.duration_ms if episode.own_ms is None else episode.own_ms
    if previous_ms is None or abs(own_ms - previous_ms) <= REPLACED_AUDIO_MS:
        return False
    given = any(c.start_ms is not None for c in episode.source.chapters)
    return given or any(p.cues for p in episode.transcript.paragraphs)


def _published_audio(episode: Episode, produced: Produced) -> Episode:
    """The facts of the audio as published (its type is the encoded one's, if encoded)."""
    if produced.main_format is None:
        return replace(episode, own_ms=produced.own_ms)
    extension = EXTENSIONS[produced.main_format]
    facts = AudioFacts(produced.duration_ms, MIME_TYPES[produced.main_format], extension)
    return replace(episode, audio=facts, own_ms=produced.own_ms)


def _build_all(
    show: Show,
    sources: list[EpisodeSource],
    stage_root: Path,
    options: AlignOptions,
    plan: incremental.Plan,
    progress: Progress | None,
    align_progress: Callable[[str, float], None] | None = None,
    scheduler: str | None = None,
) -> list[Built]:
    """Build episodes, in parallel across cores when there is more than one to do, or on
    a Dask cluster when a scheduler is given."""
    root, keys = plan.root, plan.keys
    workers = min(len(sources), os.cpu_count() or 1)
    results: dict[str, Built] = {}
    errors: list[PodpubError] = []

    def done(slug: str, built: Built | None) -> None:
        if built is not None:
            results[slug] = built
            log.info("%s", built.summary)
        if progress is not None:
            progress(len(results) + len(errors), len(sources), slug)

    if not sources or (workers <= 1 and scheduler is None):
        for source in sources:
            try:
                built = _build_episode(
                    show,
                    source,
                    stage_root,
                    options,
                    root,
                    keys[source.slug],
                    plan.previous_audio_ms(source.slug),
                    partial(align_progress, source.slug) if align_progress else None,
                )
            except PodpubError as exc:
                errors.append(exc)
                built = None
            done(source.slug, built)
    else:
        pool: Executor
        with cluster_executor(scheduler) if scheduler else ProcessPoolExecutor(workers) as pool:
            futures = {
                pool.submit(
                    _build_episode,
                    show,
                    source,
                    stage_root,
                    options,
                    root,
                    keys[source.slug],
                    plan.previous_audio_ms(source.slug),
                ): source.slug
                for source in sources
            }
            for future in as_completed(futures):
                try:
                    built = future.result()
                except PodpubError as exc:
                    errors.append(exc)
                    built = None
                done(futures[future], built)
    if errors:
        errors.sort(key=lambda e: str(e.path))
        raise errors[0] if len(errors) == 1 else MultipleErrors(errors)
    return [results[s.slug] for s in sources]


def build(
    root: Path,
    *,
    align: bool = True,
    repair: bool = False,
    allow_remove: tuple[str, ...] = (),
    progress: Progress | None = None,
    align_progress: Callable[[str, float], None] | None = None,
    scheduler: str | None = None,
) -> Report:
    """Build feed/ from the show at ``root``; unchanged episodes are not rebuilt.

    ``progress`` hears of each episode done; ``align_progress`` of alignment within an
    episode (only when a single episode is built, in this process). ``scheduler`` is a
    Dask scheduler's address to run the per-episode work on (``podpub.cluster``).
    """
    options = AlignOptions(align, repair and align)
    feed_dir = root / FEED_DIR
    staging = stage_parent(feed_dir, root / CACHE_DIR)
    remove_stale_stages(feed_dir, staging)  # a killed build's leftovers, on every build
    # load: the show, and the episodes changed since the last build
    plan = incremental.plan(root, incremental.build_mode(options.enabled, options.repair))
    show, sources, folders = load_changed(root, plan.reusable, plan.show)
    slugs = [f.name for f in folders]
    # lock: GUIDs never change; stop before any work if the lock would break
    lock_plan = plan_lock(root, show_guid(show), _locked(show, sources, plan), allow_remove)
    report = Report(slugs, [*lock_plan.warnings, *plan.reused_warnings()])
    if plan.nothing_to_do(len(sources), slugs, feed_dir):
        report.unchanged = plan.unchanged_outputs()
        write_lock(root, lock_plan.lock)
        return report
    image_name = artwork_name(show)
    with Stage(feed_dir, staging) as stage:
        stage.write_bytes(image_name, show.image.read_bytes())
        # per episode: parse, time, render, tag (in parallel across cores)
        built = _build_all(
            show, sources, stage.root, options, plan, progress, align_progress, scheduler
        )
        for b in built:
            stage.adopt_all(b.files)
            report.warnings.extend(b.warnings)
        for st in plan.reusable.values():
            stage.keep(list(st.outputs))
        # feed: every item, newest first, read back from the item store in batches
        items = incremental.feed_items(plan, {b.slug: b.published for b in built})
        with stage.path(FEED_FILE).open("wb") as handle:
            write_feed(handle, show, items, show.base_url + image_name, items.latest)
        stage.write_text(pages.SHOW_PAGE, pages.render_show(show, items, image_name))
        refuse_failing_feed(stage, show)  # check: the error rules; feed/ stays as it was
        stage.publish()  # publish: changed files only, feed.xml last, then stale ones go
        report.written, report.unchanged, report.removed = (
            stage.written,
            stage.unchanged,
            stage.removed,
        )
    write_lock(root, lock_plan.lock)  # only after a successful publish
    incremental.save(plan, built, slugs, image_name)
    return report


def artwork_name(show: Show) -> str:
    """The show artwork's file name in feed/."""
    return f"artwork{show.image.suffix.lower()}"


def _locked(
    show: Show, sources: list[EpisodeSource], plan: incremental.Plan
) -> list[LockedEpisode]:
    """The GUID and enclosure URL of every episode this build publishes."""
    locked = locked_episodes(show, sources) + [
        LockedEpisode(slug, st.guid, st.audio_url) for slug, st in plan.reusable.items()
    ]
    return sorted(locked, key=lambda e: e.slug)


def _stage_chapter_images(stage: StageWriter, show: Show, episode: Episode) -> tuple[Chapter, ...]:
    """Publish each chapter image file of episode.yaml beside the episode's files (as
    chapter-N.ext, N the first chapter showing it) and give the chapter its URL."""
    published: dict[Path, str] = {}
    chapters: list[Chapter] = []
    for number, chapter in enumerate(episode.chapters, start=1):
        image = chapter.extras.img_file
        if image is not None and image not in published:
            relative = f"{episode.slug}/chapter-{number}{image.suffix.lower()}"
            stage.write_bytes(relative, image.read_bytes())
            published[image] = show.base_url + relative
        if image is not None:
            chapter = replace(chapter, extras=replace(chapter.extras, img=published[image]))
        chapters.append(chapter)
    return tuple(chapters)


def _stage_episode(
    stage: StageWriter, show: Show, episode: Episode, artwork: bytes, produced: Produced
) -> FeedItem:
    """Render and tag one episode into the stage; return what the feed needs of it."""
    slug = episode.slug
    episode = replace(episode, chapters=_stage_chapter_images(stage, show, episode))
    urls: dict[str, str] = {}
    for fmt in (*TRANSCRIPTS, CHAPTERS):
        relative = f"{slug}/{fmt.file_name}"
        stage.write_text(relative, fmt.render(episode))
        urls[fmt.file_name] = show.base_url + relative
    source = episode.source
    image_url = None
    episode_artwork = artwork
    if source.image is not None:
        relative = f"{slug}/image{source.image.suffix.lower()}"
        episode_artwork = source.image.read_bytes()
        stage.write_bytes(relative, episode_artwork)
        image_url = show.base_url + relative
    extra: list[tuple[str, str, str]] = []
    for language, path in source.extra_transcripts:
        # another language's transcript is published as given, once it is known to parse
        read_transcript(path)
        relative = f"{slug}/{path.name}"
        stage.write_bytes(relative, path.read_bytes())
        mime = TRANSCRIPT_TYPES.get(path.suffix.lower(), "text/plain")
        extra.append((show.base_url + relative, mime, language))
    audio_path = audio_relative(slug, episode.audio.extension)
    tags = TagSet(
        title=episode.title,
        artist=show.author,
        album=show.title,
        date=source.published.date().isoformat(),
        comment=source.summary or episode.title,
        track=source.number,
        duration_ms=episode.audio.duration_ms,
        chapters=episode.chapters,
        artwork=episode_artwork,
        artwork_mime="image/png" if is_png(episode_artwork) else "image/jpeg",
    )
    alternates = _stage_audio(stage, show, episode, tags, produced)
    item = FeedItem(
        slug=slug,
        guid=source.guid,
        title=episode.title,
        published=source.published,
        summary=source.summary,
        explicit=source.explicit,
        episode_type=source.episode_type,
        number=source.number,
        season=source.season,
        persons=source.persons or show.persons,
        duration_ms=episode.audio.duration_ms,
        mime_type=episode.audio.mime_type,
        audio_url=show.base_url + audio_path,
        audio_bytes=stage.size(audio_path),
        # published: the feed item keeps each image's URL, not its file
        chapters=tuple(
            replace(c, extras=replace(c.extras, img_file=None)) for c in episode.chapters
        ),
        language=episode.transcript.language,
        file_urls=tuple(sorted(urls.items())),
        image_url=image_url,
        extra_transcripts=tuple(extra),
        tags=shift_soundbites(source.tags, produced.offset_ms),
        alternates=alternates,
        source_duration_ms=produced.own_ms,
    )
    item = xml_safe_record(item)  # no control characters reach the feed
    return replace(item, show_notes=show_notes.render(item))


def _stage_audio(
    stage: StageWriter, show: Show, episode: Episode, tags: TagSet, produced: Produced
) -> tuple[AlternateEnclosure, ...]:
    """Stage the main audio and each alternate, tagged with the episode's chapters: ID3 in
    MP3, ffmetadata (chapter track, chpl, CHAPTERnnn comments) in M4A and Opus. Return the
    podcast:alternateEnclosure entries (none without alternates)."""
    meta = Metadata(
        tags.title, tags.artist, tags.album, tags.date, tags.comment, tags.track, tags.chapters
    )
    files = [(audio_relative(episode.slug, episode.audio.extension), produced.main)]
    files += [
        (audio_relative(episode.slug, EXTENSIONS[a.format]), a.path) for a in produced.alternates
    ]
    for relative, source in files:
        target = stage.path(relative)
        if target.suffix == ".m4a" and starts_with(source, MP4_SIGNATURE, 4):
            write_with_metadata(source, target, meta, episode.audio.duration_ms)
        elif target.suffix == ".opus" and starts_with(source, OGG_SIGNATURE):
            write_with_metadata(source, target, replace(meta, chapters=()), 0)
            write_ogg_chapters(target, tags.chapters)
        else:
            # MP3: ID3 chapters; anything else as given (podpub check judges what it is)
            write_tagged_copy(source, target, tags)
    if not produced.alternates:
        return ()
    seconds = max(episode.audio.duration_ms, 1) / 1000
    main_size = stage.size(files[0][0])
    out = [
        AlternateEnclosure(
            show.base_url + files[0][0],
            episode.audio.mime_type,
            main_size,
            round(main_size * 8 / seconds),
            CODEC_NAMES.get(produced.main_format or "mp3") if produced.main_format else None,
            default=True,
        )
    ]
    for (relative, _), alternate in zip(files[1:], produced.alternates, strict=True):
        size = stage.size(relative)
        out.append(
            AlternateEnclosure(
                show.base_url + relative,
                MIME_TYPES[alternate.format],
                size,
                round(size * 8 / seconds),
                CODEC_NAMES[alternate.format],
            )
        )
    return tuple(out)


def episode_record(episode: Episode) -> dict[str, object]:
    """What `podpub inspect` shows: the derived record, with timing sources."""
    t = episode.transcript
    record: dict[str, object] = {
        "slug": episode.slug,
        "title": episode.title,
        "guid": episode.source.guid,
        "published": episode.source.published.isoformat(),
        "duration_ms": episode.audio.duration_ms,
        "transcript": {
            "file": episode.source.transcript.name,
            "format": t.format,
            "language": t.language,
            "paragraphs": len(t.paragraphs),
            "speakers": list(t.speakers),
            "headings": [s.title for s in t.sections if s.title],
            "layout": list(t.layout),
        },
        "unsure": [{"line": g.line, "reading": g.reading, "settle": g.settle} for g in t.guesses],
        "chapters": [
            {
                "title": c.title,
                "start_ms": c.start_ms,
                "end_ms": c.end_ms,
                "source": c.source,
                "confidence": c.confidence,
            }
            for c in episode.chapters
        ],
        "set_aside": [{"line": s.line, "reason": s.reason, "text": s.text} for s in t.set_aside],
        "paragraphs": [
            {
                "line": p.paragraph.line,
                "speaker": p.paragraph.speaker,
                "start_ms": p.start_ms,
                "source": p.source,
                "text": p.paragraph.text[:80],
            }
            for p in episode.paragraphs
        ],
        "warnings": [*episode.warnings, *(str(n) for n in episode.notices)],
    }
    if t.hints:  # ad and music markers in the transcript
        record["hints"] = [
            {"line": h.line, "text": h.text, "paragraph": h.paragraph} for h in t.hints
        ]
    if episode.unscripted:  # speech heard that the transcript does not have (ads, asides)
        record["unscripted"] = [{"start_ms": a, "end_ms": b} for a, b in episode.unscripted]
    return record
