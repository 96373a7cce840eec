"""The pipeline, top to bottom: load -> parse -> time -> render -> tag -> feed.

Read this module first. Each stage is a call into its own module; this one only wires
them together and collects the report.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import overload

from podpub import state, timing
from podpub.audio import TagSet, read_facts, write_tagged_copy
from podpub.check import refuse_failing_feed
from podpub.errors import BuildError, MultipleErrors, PodpubError
from podpub.feed import show_guid, write_feed
from podpub.formats import CHAPTERS, TRANSCRIPTS, show_notes
from podpub.load import episode_folders, load_episode, load_show
from podpub.lock import LockedEpisode, plan_lock, write_lock
from podpub.model import Episode, EpisodeSource, FeedItem, Show, Transcript
from podpub.output import Stage, StageWriter, remove_stale_stages, stage_parent
from podpub.sentences import split_sentences
from podpub.sound import speech_region
from podpub.speakers import infer_speakers
from podpub.state import BuildState, EpisodeState, ItemStore, load_state, save_state
from podpub.text_safety import xml_safe_record
from podpub.transcripts import read_transcript
from podpub.transcripts.not_chapters import drop_headings
from podpub.transcripts.speaker_map import apply_speaker_map

log = logging.getLogger(__name__)

FEED_DIR = "feed"
CACHE_DIR = ".podpub-cache"
LOW_CONFIDENCE = 0.5
TRANSCRIPT_MIME_TYPES = {
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".json": "application/json",
    ".html": "text/html",
    ".txt": "text/plain",
    ".md": "text/plain",
}


@dataclass
class Report:
    episodes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def parse_transcript(source: EpisodeSource, show: Show) -> Transcript:
    """Parse stage: the transcript, with speakers named (mapped or inferred)."""
    transcript = read_transcript(source.transcript, source.transcript_format)
    if source.speaker_map:
        transcript = apply_speaker_map(transcript, dict(source.speaker_map))
    if source.not_chapters:
        transcript, unmatched = drop_headings(transcript, source.not_chapters)
        transcript = replace(
            transcript,
            warnings=transcript.warnings
            + tuple(f"not_chapters: no heading {t!r} in the transcript" for t in unmatched),
        )
    transcript = infer_speakers(transcript, source.persons or show.persons)
    language = source.language or transcript.language or show.language
    if not transcript.paragraphs:
        raise PodpubError(
            "no spoken paragraphs found in the transcript",
            source.transcript,
            None,
            "check that the file holds the episode's transcript",
        )
    return replace(transcript, language=language)


def _cache_key(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:32]


def align_with_cache(
    source: EpisodeSource,
    transcript: Transcript,
    root: Path,
    warnings: list[str],
    *,
    repair: bool = False,
    progress: Callable[[float], None] | None = None,
) -> list[timing.SentenceTime] | None:
    """Aligned sentence times, from the cache when audio and text are unchanged."""
    untimed = replace(
        transcript,
        sections=tuple(
            replace(s, paragraphs=tuple(p for p in s.paragraphs if not p.cues))
            for s in transcript.sections
        ),
    )
    sentences = timing.spoken_sentences(untimed)
    focus: list[int] = []  # each paragraph's first sentence: chapters start there
    count = 0
    for paragraph in untimed.paragraphs:
        focus.append(count)
        count += len(split_sentences(paragraph.text))
    if not sentences:
        return None
    try:
        from podpub import align
    except ImportError:
        return None
    from podpub.output import file_digest

    key = _cache_key(
        file_digest(source.audio).encode(),
        "\n".join(sentences).encode(),
        (transcript.language or "").encode(),
        align.ALIGNER_VERSION.encode(),
        b"repair=full" if repair else b"repair=targeted",
        json.dumps(focus).encode(),  # where paragraphs start decides what is listened to
        _recogniser_state(transcript.language or "en").encode(),
    )
    cache = root / CACHE_DIR / "align" / f"{key}.json"
    if cache.is_file():
        try:
            rows = json.loads(cache.read_text("utf-8"))
            return [timing.SentenceTime(int(a), int(b), float(c)) for a, b, c in rows]
        except (ValueError, TypeError):
            pass
    try:
        result = align.align_sentences(
            source.audio,
            sentences,
            transcript.language or "en",
            repair="full" if repair else "targeted",
            focus=focus,
            progress=progress,
        )
    except align.AlignmentUnavailable as exc:
        warnings.append(
            f"{source.slug}: alignment not possible ({exc}); chapter times are estimated"
        )
        return None
    if len(result.spans) != len(sentences):  # never silently misplace: estimate instead
        warnings.append(
            f"{source.slug}: alignment returned {len(result.spans)} sentences for "
            f"{len(sentences)}; chapter times are estimated"
        )
        return None
    times = [timing.SentenceTime(s.start_ms, s.end_ms, s.confidence) for s in result.spans]
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps([[t.start_ms, t.end_ms, t.confidence] for t in times]))
    except OSError:
        pass
    return times


def prepare_episode(
    show: Show,
    source: EpisodeSource,
    *,
    align: bool = True,
    root: Path | None = None,
    repair: bool = False,
    progress: Callable[[float], None] | None = None,
) -> Episode:
    """Parse and time one episode (no output written)."""
    transcript = parse_transcript(source, show)
    facts = read_facts(source.audio)
    timing.check_speech_rate(transcript, facts.duration_ms, source.transcript)
    warnings: list[str] = [f"{source.slug}: {w}" for w in transcript.warnings]
    aligned = None
    if align and root is not None:
        aligned = align_with_cache(
            source, transcript, root, warnings, repair=repair, progress=progress
        )
    # where speech begins and ends matters only for sentences that are estimated
    needs_region = aligned is None and not all(p.cues for p in transcript.paragraphs)
    region = (
        speech_region(source.audio, facts.duration_ms)
        if needs_region
        else timing.SpeechRegion(0, facts.duration_ms)
    )
    timed = timing.time_transcript(
        transcript,
        facts.duration_ms,
        region,
        source.chapters,
        aligned,
        lead_in_ms=show.chapter_lead_in_ms,
        path_for_errors=str(source.folder / "episode.yaml"),
    )
    warnings += [f"{source.slug}: {w}" for w in timed.warnings]
    estimated = [c.title for c in timed.chapters if c.source == "estimated" and c.start_ms > 0]
    if estimated:
        warnings.append(
            f"{source.slug}: {len(estimated)} chapter start(s) estimated, not aligned "
            f"({', '.join(estimated)}); give times in episode.yaml or let alignment run"
        )
    for chapter in timed.chapters:
        if chapter.confidence is not None and chapter.confidence < LOW_CONFIDENCE:
            warnings.append(
                f"{source.slug}: chapter {chapter.title!r} has low alignment "
                f"confidence ({chapter.confidence:.2f}); check its start, or build with --repair"
            )
    title = source.title or transcript.title or source.slug
    return Episode(
        source=source,
        title=title,
        transcript=transcript,
        audio=facts,
        chapters=timed.chapters,
        paragraphs=timed.paragraphs,
        cues=timed.cues,
        warnings=tuple(warnings),
    )


def load_sources(root: Path) -> tuple[Show, list[EpisodeSource]]:
    """Load podcast.yaml and every episode.yaml, reporting all problems at once."""
    show, sources, _ = _load_changed(root, {})
    return show, sources


def audio_relative(slug: str, extension: str) -> str:
    """Where an episode's tagged audio is published, relative to feed/."""
    return f"{slug}/{slug}{extension}"


Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class _Built:
    """One episode built into the stage by a worker; its FeedItem waits in the item store."""

    slug: str
    guid: str
    published: datetime
    audio_url: str
    files: tuple[str, ...]
    warnings: tuple[str, ...]
    summary: str


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
    align_progress: Callable[[float], None] | None = None,
) -> _Built:
    """Parse, time, render and tag one episode into the stage (runs in a worker)."""
    episode = prepare_episode(
        show,
        source,
        align=options.enabled,
        root=root,
        repair=options.repair,
        progress=align_progress,
    )
    writer = StageWriter(stage_root)
    item = _stage_episode(writer, show, episode, show.image.read_bytes())
    ItemStore(root / CACHE_DIR).save(item, key)
    sources_used = ", ".join(sorted({c.source for c in episode.chapters}))
    summary = (
        f"{source.slug}: {len(episode.transcript.paragraphs)} paragraphs, "
        f"{len(episode.chapters)} chapters ({sources_used})"
    )
    return _Built(
        item.slug,
        item.guid,
        item.published,
        item.audio_url,
        tuple(writer.written),
        episode.warnings,
        summary,
    )


class _StoredItems(Sequence[FeedItem]):
    """Feed items newest first, loaded from the item store a slice at a time."""

    def __init__(self, store: ItemStore, order: list[tuple[str, str]]) -> None:
        self.store = store
        self.order = order  # (slug, key), newest first

    def __len__(self) -> int:
        return len(self.order)

    @overload
    def __getitem__(self, index: int) -> FeedItem: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[FeedItem]: ...

    def __getitem__(self, index: int | slice) -> FeedItem | Sequence[FeedItem]:
        if isinstance(index, slice):
            return [self._load(slug, key) for slug, key in self.order[index]]
        return self._load(*self.order[index])

    def _load(self, slug: str, key: str) -> FeedItem:
        item = self.store.load(slug, key)
        if item is None:
            raise BuildError(
                f"the build cache lost episode {slug!r}",
                self.store.folder,
                None,
                "delete .podpub-cache and build again",
            )
        return item


def _build_all(
    show: Show,
    sources: list[EpisodeSource],
    stage_root: Path,
    options: AlignOptions,
    root: Path,
    keys: dict[str, str],
    progress: Progress | None,
    align_progress: Callable[[str, float], None] | None = None,
) -> list[_Built]:
    """Build episodes, in parallel across cores when there is more than one to do."""
    workers = min(len(sources), os.cpu_count() or 1)
    results: dict[str, _Built] = {}
    errors: list[PodpubError] = []

    def done(slug: str, built: _Built | None) -> None:
        if built is not None:
            results[slug] = built
            log.info("%s", built.summary)
        if progress is not None:
            progress(len(results) + len(errors), len(sources), slug)

    if workers <= 1:
        for source in sources:
            try:
                built = _build_episode(
                    show,
                    source,
                    stage_root,
                    options,
                    root,
                    keys[source.slug],
                    partial(align_progress, source.slug) if align_progress else None,
                )
            except PodpubError as exc:
                errors.append(exc)
                built = None
            done(source.slug, built)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {
                pool.submit(
                    _build_episode, show, source, stage_root, options, root, keys[source.slug]
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


def _load_changed(
    root: Path, reusable: dict[str, EpisodeState]
) -> tuple[Show, list[EpisodeSource], list[Path]]:
    """podcast.yaml and the episode.yaml of every episode that must be rebuilt; all
    problems reported at once, duplicate GUIDs included (across reused episodes too)."""
    errors: list[PodpubError] = []
    show: Show | None = None
    try:
        show = load_show(root)
    except MultipleErrors as exc:
        errors.extend(exc.errors)
    except PodpubError as exc:
        errors.append(exc)
    folders = episode_folders(root)
    sources: list[EpisodeSource] = []
    for folder in folders:
        if folder.name in reusable:
            continue
        try:
            sources.append(load_episode(root, folder))
        except MultipleErrors as exc:
            errors.extend(exc.errors)
        except PodpubError as exc:
            errors.append(exc)
    seen: dict[str, str] = {}
    guids = [(s.guid, s.slug, s.folder / "episode.yaml") for s in sources] + [
        (st.guid, slug, root / "episodes" / slug / "episode.yaml") for slug, st in reusable.items()
    ]
    for guid, slug, path in sorted(guids, key=lambda g: g[1]):
        other = seen.get(guid)
        if other is not None:
            errors.append(
                BuildError(
                    f"guid {guid} is also used by episode {other!r}",
                    path,
                    None,
                    "every episode needs its own guid; give this one a new one if it is not "
                    "published yet",
                )
            )
        seen[guid] = slug
    if errors:
        raise errors[0] if len(errors) == 1 else MultipleErrors(errors)
    assert show is not None
    return show, sources, folders


def build(
    root: Path,
    *,
    align: bool = True,
    repair: bool = False,
    allow_remove: tuple[str, ...] = (),
    progress: Progress | None = None,
    align_progress: Callable[[str, float], None] | None = None,
) -> Report:
    """Build feed/ from the show at ``root``; unchanged episodes are not rebuilt.

    ``progress`` hears of each episode done; ``align_progress`` of alignment within an
    episode (only when a single episode is built, in this process).
    """
    report = Report()
    options = AlignOptions(align, repair and align)
    feed_dir = root / FEED_DIR
    cache_dir = root / CACHE_DIR
    staging = stage_parent(feed_dir, cache_dir)
    remove_stale_stages(feed_dir, staging)  # a killed build's leftovers, on every build
    previous = load_state(cache_dir)
    # which episodes are unchanged since the last build (cheap: no YAML, no audio read)
    base_key = ""
    image_guess = _show_image_path(root)
    if (root / "podcast.yaml").is_file() and image_guess is not None:
        base_key = state.show_key(root / "podcast.yaml", image_guess, _mode(options))
    keys: dict[str, str] = {}
    if (root / "episodes").is_dir():
        for folder in sorted((root / "episodes").iterdir()):
            if folder.is_dir() and not folder.name.startswith("."):
                keys[folder.name] = state.episode_key(folder, base_key)
    reusable = {
        slug: st
        for slug, st in previous.episodes.items()
        if base_key
        and previous.show_key == base_key
        and keys.get(slug) == st.key
        and state.outputs_intact(feed_dir, st.outputs)
        and ItemStore(cache_dir).has(slug, st.key)
    }
    show, sources, folders = _load_changed(root, reusable)
    # GUIDs never change: stop before any work if the lock would break (podpub.lock)
    locked = [
        LockedEpisode(
            s.slug, s.guid, show.base_url + audio_relative(s.slug, s.audio.suffix.lower())
        )
        for s in sources
    ] + [LockedEpisode(slug, st.guid, st.audio_url) for slug, st in reusable.items()]
    lock_plan = plan_lock(root, show_guid(show), sorted(locked, key=lambda e: e.slug), allow_remove)
    report.warnings.extend(lock_plan.warnings)
    report.episodes = [f.name for f in folders]
    for slug in sorted(reusable):
        report.warnings.extend(reusable[slug].warnings)
    image_name = f"artwork{show.image.suffix.lower()}"
    feed_key = hashlib.sha256(
        repr(sorted((slug, keys[slug]) for slug in report.episodes)).encode()
    ).hexdigest()
    if (
        not sources
        and previous.feed_key == feed_key
        and set(reusable) == set(report.episodes)
        and state.outputs_intact(feed_dir, previous.extra_outputs)
    ):
        report.unchanged = sorted(previous.extra_outputs) + sorted(
            name for st in reusable.values() for name in st.outputs
        )
        write_lock(root, lock_plan.lock)
        return report  # nothing changed: nothing to do

    with Stage(feed_dir, staging) as stage:
        stage.write_bytes(image_name, show.image.read_bytes())
        built = _build_all(show, sources, stage.root, options, root, keys, progress, align_progress)
        dates = {slug: st.published for slug, st in reusable.items()}
        for b in built:
            for relative in b.files:
                stage.adopt(relative)
            dates[b.slug] = b.published
            report.warnings.extend(b.warnings)
        for st in reusable.values():
            stage.keep(list(st.outputs))
        newest_first = sorted(dates, key=lambda slug: (dates[slug], slug), reverse=True)
        items = _StoredItems(ItemStore(cache_dir), [(slug, keys[slug]) for slug in newest_first])
        with stage.path("feed.xml").open("wb") as handle:
            write_feed(
                handle,
                show,
                items,
                show.base_url + image_name,
                dates[newest_first[0]] if newest_first else None,
            )
        refuse_failing_feed(stage, show)  # podpub check's error rules; feed/ stays as it was
        stage.publish()
        report.written, report.unchanged, report.removed = (
            stage.written,
            stage.unchanged,
            stage.removed,
        )
    write_lock(root, lock_plan.lock)  # only after a successful publish
    episodes_state = dict(reusable)
    for b in built:
        episodes_state[b.slug] = EpisodeState(
            keys.get(b.slug, ""),
            b.guid,
            b.published,
            b.audio_url,
            state.stamps(feed_dir, list(b.files)),
            b.warnings,
        )
    ItemStore(cache_dir).prune({slug: st.key for slug, st in episodes_state.items()})
    save_state(
        cache_dir,
        BuildState(
            show_key=base_key,
            feed_key=feed_key,
            episodes=episodes_state,
            extra_outputs=state.stamps(feed_dir, ["feed.xml", image_name]),
        ),
    )
    return report


def _recogniser_state(language: str) -> str:
    """Whether the repair's speech recogniser can run for this language: a result made
    without it is redone once it can."""
    from podpub.align import repair as align_repair

    try:
        align_repair.available(language)
    except align_repair.RepairUnavailable:
        return "no-asr"
    return "asr"


def _mode(options: AlignOptions) -> str:
    """What, beyond the inputs, decides the outputs: alignment on or off, repair, and
    whether this machine can align at all (an episode estimated because espeak-ng was
    missing is rebuilt once it is installed)."""
    if not options.enabled:
        return "no-align"
    try:
        from podpub import align
    except ImportError:
        return "align-unavailable"
    engine = "espeak-ng" if shutil.which("espeak-ng") else "no-espeak-ng"
    repair = "full" if options.repair else "targeted"
    asr = _recogniser_state("en")
    return f"align {align.ALIGNER_VERSION} {engine} repair={repair} {asr}"


def _show_image_path(root: Path) -> Path | None:
    """The artwork named in podcast.yaml, read cheaply for the change key (None if absent)."""
    try:
        for line in (root / "podcast.yaml").read_text("utf-8", "replace").splitlines():
            if line.startswith("image:"):
                # a comment starts at " #"; a "#" inside a file name is part of it
                value = re.split(r"\s#", line.split(":", 1)[1], maxsplit=1)[0]
                value = value.strip().strip("\"'")
                return root / value
    except OSError:
        return None
    return None


def _stage_episode(stage: StageWriter, show: Show, episode: Episode, artwork: bytes) -> FeedItem:
    """Render and tag one episode into the stage; return what the feed needs of it."""
    slug = episode.slug
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
        mime = TRANSCRIPT_MIME_TYPES.get(path.suffix.lower(), "text/plain")
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
        artwork_mime="image/png" if episode_artwork.startswith(b"\x89PNG") else "image/jpeg",
    )
    write_tagged_copy(source.audio, stage.path(audio_path), tags)
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
        chapters=episode.chapters,
        language=episode.transcript.language,
        file_urls=tuple(sorted(urls.items())),
        image_url=image_url,
        extra_transcripts=tuple(extra),
    )
    item = xml_safe_record(item)  # no control characters reach the feed
    return replace(item, show_notes=show_notes.render(item))


def episode_record(episode: Episode) -> dict[str, object]:
    """What `podpub inspect` shows: the derived record, with timing sources."""
    t = episode.transcript
    return {
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
        "warnings": list(episode.warnings),
    }
