"""One episode's stages, shared by ``podpub build``, ``inspect`` and ``check``: load the
inputs, parse the transcript, align it to the audio (with a cache) and time it.

Nothing is written here but the alignment cache; rendering, tagging and publishing are
``podpub.build``'s.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from podpub import align, timing
from podpub.align.region import speech_region
from podpub.errors import BuildError, MultipleErrors, PodpubError
from podpub.load import episode_folders, load_episode, load_show
from podpub.lock import LockedEpisode
from podpub.mastering import own_facts, published_extension
from podpub.media import CACHE_DIR, file_digest
from podpub.model import (
    Chapter,
    Episode,
    EpisodeSource,
    Notice,
    Show,
    TimedParagraph,
    Transcript,
)
from podpub.sentences import split_sentences
from podpub.speakers import infer_speakers
from podpub.state import EpisodeState
from podpub.timecode import format_clock
from podpub.transcripts import read_transcript
from podpub.transcripts.not_chapters import drop_headings
from podpub.transcripts.speaker_map import apply_speaker_map

LOW_CONFIDENCE = 0.5
LISTED_STARTS = 5  # a PP013 notice lists this many paragraph starts, then counts the rest


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
) -> tuple[list[timing.SentenceTime], tuple[tuple[int, int], ...]] | None:
    """Aligned sentence times and the unscripted stretches (ms) heard in the audio, from
    the cache when audio and text are unchanged."""
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
    # the first sentences of the untimed paragraphs after an ad or music marker
    first_of = {id(p): f for p, f in zip(untimed.paragraphs, focus, strict=True)}
    marked = (id(transcript.paragraphs[h.paragraph]) for h in transcript.hints)
    hinted = sorted({first_of[k] for k in marked if k in first_of})

    key = _cache_key(
        file_digest(source.audio).encode(),
        "\n".join(sentences).encode(),
        (transcript.language or "").encode(),
        align.ALIGNER_VERSION.encode(),
        b"repair=full" if repair else b"repair=targeted",
        json.dumps(focus).encode(),  # where paragraphs start decides what is listened to
        # (only when there are hints: caches made before hints were read stay valid)
        *([json.dumps(hinted).encode()] if hinted else []),
        recogniser_state(transcript.language or "en").encode(),
    )
    cache = root / CACHE_DIR / "align" / f"{key}.json"
    if cache.is_file():
        try:
            cached = json.loads(cache.read_text("utf-8"))
            return (
                [timing.SentenceTime(int(a), int(b), float(c)) for a, b, c in cached["spans"]],
                tuple((int(a), int(b)) for a, b in cached["unscripted"]),
            )
        except (ValueError, TypeError, KeyError):
            pass
    try:
        result = align.align_sentences(
            source.audio,
            sentences,
            transcript.language or "en",
            repair="full" if repair else "targeted",
            focus=focus,
            progress=progress,
            hinted=hinted,
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
        spans = [[t.start_ms, t.end_ms, t.confidence] for t in times]
        cache.write_text(json.dumps({"spans": spans, "unscripted": result.unscripted}))
    except OSError:
        pass
    return times, result.unscripted


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
    facts = own_facts(source.audio)
    timing.check_speech_rate(transcript, facts.duration_ms, source.transcript)
    warnings: list[str] = [f"{source.slug}: {w}" for w in transcript.warnings]
    aligned = None
    unscripted: tuple[tuple[int, int], ...] = ()
    if align and root is not None:
        found = align_with_cache(
            source, transcript, root, warnings, repair=repair, progress=progress
        )
        if found is not None:
            aligned, unscripted = found
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
        notices=timing_notices(
            source, timed.chapters, inside_chapters(transcript, timed.paragraphs)
        ),
        unscripted=unscripted,
    )


def inside_chapters(
    transcript: Transcript, paragraphs: Sequence[TimedParagraph]
) -> tuple[TimedParagraph, ...]:
    """The timed paragraphs whose start is no chapter's: all but those opening a section
    after the first (the opening chapter starts at 0, whatever its first paragraph)."""
    openings = {id(s.paragraphs[0]) for s in transcript.sections if s.paragraphs}
    if transcript.paragraphs:
        openings.discard(id(transcript.paragraphs[0]))
    return tuple(p for p in paragraphs if id(p.paragraph) not in openings)


def timing_notices(
    source: EpisodeSource,
    chapters: Sequence[Chapter],
    paragraphs: Sequence[TimedParagraph] = (),
) -> tuple[Notice, ...]:
    """Starts to look at: chapter starts estimated from word counts (PP010) or aligned
    with low confidence (PP011); the other ``paragraphs``' starts aligned with low
    confidence, in one notice (PP013)."""
    yaml_path = str(source.folder / "episode.yaml")
    notices: list[Notice] = []
    estimated = [c.title for c in chapters if c.source == "estimated" and c.start_ms > 0]
    if estimated:
        notices.append(
            Notice(
                "PP010",
                f"chapter starts of {source.slug} are estimated from word counts "
                f"(off by 5-20 s): {', '.join(estimated)}",
                "give 'chapters:' with start times in episode.yaml, or build with "
                "alignment (without --no-align)",
                yaml_path,
            )
        )
    for chapter in chapters:
        if chapter.confidence is not None and chapter.confidence < LOW_CONFIDENCE:
            notices.append(
                Notice(
                    "PP011",
                    f"chapter {chapter.title!r} of {source.slug} was aligned with low "
                    f"confidence ({chapter.confidence:.2f})",
                    "build with --repair (speech recognition over the whole episode "
                    "repairs alignment after ads and asides), or give its start in "
                    "episode.yaml 'chapters:'",
                    yaml_path,
                )
            )
    unsure = [
        p.start_ms
        for p in paragraphs
        if p.source == "aligned" and p.confidence is not None and p.confidence < LOW_CONFIDENCE
    ]
    if unsure:
        listed = ", ".join(format_clock(ms) for ms in unsure[:LISTED_STARTS])
        more = len(unsure) - LISTED_STARTS
        if more > 0:
            listed += f" and {more} more"
        starts = "start" if len(unsure) == 1 else "starts"
        notices.append(
            Notice(
                "PP013",
                f"{len(unsure)} paragraph {starts} of {source.slug} could not be settled "
                f"by alignment: {listed}",
                "listen there and write the time in the transcript (or build with "
                "--repair), or ignore this if the cues may be off by a few seconds",
                str(source.transcript),
            )
        )
    return tuple(notices)


def load_sources(root: Path) -> tuple[Show, list[EpisodeSource]]:
    """Load podcast.yaml and every episode.yaml, reporting all problems at once."""
    show, sources, _ = load_changed(root, {})
    return show, sources


def audio_relative(slug: str, extension: str) -> str:
    """Where an episode's tagged audio is published, relative to feed/."""
    return f"{slug}/{slug}{extension.lower()}"


def locked_episodes(show: Show, sources: list[EpisodeSource]) -> list[LockedEpisode]:
    """The lock's entry of each episode: its GUID and the enclosure URL it is published at."""
    return [
        LockedEpisode(
            s.slug, s.guid, show.base_url + audio_relative(s.slug, published_extension(show, s))
        )
        for s in sources
    ]


def load_changed(
    root: Path, reusable: dict[str, EpisodeState], show: Show | None = None
) -> tuple[Show, list[EpisodeSource], list[Path]]:
    """podcast.yaml (unless ``show`` is it, loaded) and the episode.yaml of every episode
    that must be rebuilt; all problems reported at once, duplicate GUIDs included (across
    reused episodes too)."""
    errors: list[PodpubError] = []
    if show is None:
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


def recogniser_state(language: str) -> str:
    """Whether the repair's speech recogniser can run for this language: a result made
    without it is redone once it can."""
    try:
        align.available(language)
    except align.RepairUnavailable:
        return "no-asr"
    return "asr"
