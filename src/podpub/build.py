"""The pipeline, top to bottom: load -> parse -> time -> render -> tag -> feed.

Read this module first. Each stage is a call into its own module; this one only wires
them together and collects the report.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from podpub import timing
from podpub.audio import TagSet, read_facts, write_tagged_copy
from podpub.errors import BuildError, MultipleErrors, PodpubError
from podpub.feed import render_feed, show_guid
from podpub.formats import CHAPTERS, TRANSCRIPTS
from podpub.load import episode_folders, load_episode, load_show
from podpub.lock import LockedEpisode, plan_lock, write_lock
from podpub.model import Episode, EpisodeSource, FeedItem, Show, Transcript
from podpub.output import Stage, remove_stale_stages
from podpub.sound import speech_region
from podpub.speakers import infer_speakers
from podpub.transcripts import read_transcript

log = logging.getLogger(__name__)

FEED_DIR = "feed"
CACHE_DIR = ".podpub-cache"
LOW_CONFIDENCE = 0.5


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
        mapping = dict(source.speaker_map)
        transcript = replace(
            transcript,
            sections=tuple(
                replace(
                    s,
                    paragraphs=tuple(
                        replace(
                            p,
                            speaker=mapping.get(p.speaker, p.speaker) if p.speaker else None,
                            cues=tuple(
                                replace(
                                    c,
                                    speaker=mapping.get(c.speaker, c.speaker)
                                    if c.speaker
                                    else None,
                                )
                                for c in p.cues
                            ),
                        )
                        for p in s.paragraphs
                    ),
                )
                for s in transcript.sections
            ),
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
    source: EpisodeSource, transcript: Transcript, root: Path, warnings: list[str]
) -> list[timing.SentenceTime] | None:
    """Aligned sentence times, from the cache when audio and text are unchanged."""
    sentences = timing.spoken_sentences(
        replace(
            transcript,
            sections=tuple(
                replace(s, paragraphs=tuple(p for p in s.paragraphs if not p.cues))
                for s in transcript.sections
            ),
        )
    )
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
    )
    cache = root / CACHE_DIR / "align" / f"{key}.json"
    if cache.is_file():
        try:
            rows = json.loads(cache.read_text("utf-8"))
            return [timing.SentenceTime(int(a), int(b), float(c)) for a, b, c in rows]
        except (ValueError, TypeError):
            pass
    try:
        result = align.align_sentences(source.audio, sentences, transcript.language or "en")
    except align.AlignmentUnavailable as exc:
        warnings.append(
            f"{source.slug}: alignment not possible ({exc}); chapter times are estimated"
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
    show: Show, source: EpisodeSource, *, align: bool = True, root: Path | None = None
) -> Episode:
    """Parse and time one episode (no output written)."""
    transcript = parse_transcript(source, show)
    facts = read_facts(source.audio)
    region = speech_region(source.audio, facts.duration_ms)
    warnings: list[str] = [f"{source.slug}: {w}" for w in transcript.warnings]
    aligned = None
    if align and root is not None:
        aligned = align_with_cache(source, transcript, root, warnings)
    timed = timing.time_transcript(
        transcript,
        facts.duration_ms,
        region,
        source.chapters,
        aligned,
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
                f"confidence ({chapter.confidence:.2f}); check its start"
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
    errors: list[PodpubError] = []
    show: Show | None = None
    try:
        show = load_show(root)
    except MultipleErrors as exc:
        errors.extend(exc.errors)
    except PodpubError as exc:
        errors.append(exc)
    sources: list[EpisodeSource] = []
    for folder in episode_folders(root):
        try:
            sources.append(load_episode(root, folder))
        except MultipleErrors as exc:
            errors.extend(exc.errors)
        except PodpubError as exc:
            errors.append(exc)
    seen: dict[str, EpisodeSource] = {}
    for source in sources:
        other = seen.get(source.guid)
        if other is not None:
            errors.append(
                BuildError(
                    f"guid {source.guid} is also used by episode {other.slug!r}",
                    source.folder / "episode.yaml",
                    None,
                    "every episode needs its own guid; give this one a new one if it is not "
                    "published yet",
                )
            )
        seen[source.guid] = source
    if errors:
        raise errors[0] if len(errors) == 1 else MultipleErrors(errors)
    assert show is not None
    return show, sources


def audio_relative(slug: str, extension: str) -> str:
    """Where an episode's tagged audio is published, relative to feed/."""
    return f"{slug}/{slug}{extension}"


def build(root: Path, *, align: bool = True, allow_remove: tuple[str, ...] = ()) -> Report:
    """Build feed/ from the show at ``root``."""
    report = Report()
    show, sources = load_sources(root)
    # GUIDs never change: stop before any work if the lock would break (podpub.lock)
    lock_plan = plan_lock(
        root,
        show_guid(show),
        [
            LockedEpisode(
                s.slug, s.guid, show.base_url + audio_relative(s.slug, s.audio.suffix.lower())
            )
            for s in sources
        ],
        allow_remove,
    )
    report.warnings.extend(lock_plan.warnings)
    episodes: list[Episode] = []
    for source in sources:
        episode = prepare_episode(show, source, align=align, root=root)
        episodes.append(episode)
        report.warnings.extend(episode.warnings)
        sources_used = sorted({c.source for c in episode.chapters})
        log.info(
            "%s: %d paragraphs, %d chapters (%s)",
            source.slug,
            len(episode.transcript.paragraphs),
            len(episode.chapters),
            ", ".join(sources_used),
        )
        report.episodes.append(source.slug)
    feed_dir = root / FEED_DIR
    remove_stale_stages(feed_dir)
    artwork = show.image.read_bytes()
    image_name = f"artwork{show.image.suffix.lower()}"
    with Stage(feed_dir) as stage:
        stage.write_bytes(image_name, artwork)
        published: list[FeedItem] = []
        for episode in episodes:
            published.append(_stage_episode(stage, show, episode, artwork))
        stage.write_bytes("feed.xml", render_feed(show, published, show.base_url + image_name))
        stage.publish()
        report.written, report.unchanged, report.removed = (
            stage.written,
            stage.unchanged,
            stage.removed,
        )
    write_lock(root, lock_plan.lock)  # only after a successful publish
    return report


def _stage_episode(stage: Stage, show: Show, episode: Episode, artwork: bytes) -> FeedItem:
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
    return FeedItem(
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
    )


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
        },
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
