"""Time stage (pure): transcript + audio facts -> chapters and cues, each with its source.

The timing ladder, best first, recorded on every chapter and cue:

1. ``given``: explicit times in episode.yaml, or times written in the transcript;
2. ``aligned``: forced alignment of the transcript text to the audio;
3. ``estimated``: word-proportional inside the detected speech region, between the
   nearest known times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from podpub.errors import ConfigError, TranscriptError
from podpub.model import (
    Chapter,
    ChapterExtras,
    ChapterOverride,
    Cue,
    Episode,
    Paragraph,
    TimedParagraph,
    TimingSource,
    Transcript,
)
from podpub.sentences import count_words, split_sentences, wrap_blocks

OPENING_TITLE = "Introduction"
CUE_LINE_CHARS = 65  # podcast namespace: VTT lines <= 65 characters
CUE_MAX_LINES = 2
# nobody speaks faster than this for a whole episode (fast speech is 4-6 words a second):
# a transcript this long for its audio belongs to another episode, or is not one at all
MAX_WORDS_PER_SECOND = 15
MIN_WORD_ALLOWANCE = 300  # short clips (a trailer) get this many words whatever their length


@dataclass(frozen=True)
class SpeechRegion:
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class SentenceTime:
    """An anchor for one spoken sentence (from alignment)."""

    start_ms: int
    end_ms: int
    confidence: float = 1.0


@dataclass(frozen=True)
class _Sentence:
    paragraph: int
    text: str
    words: int
    start_ms: int | None = None
    end_ms: int | None = None
    source: TimingSource = "estimated"
    confidence: float | None = None
    speaker: str | None = None


@dataclass(frozen=True)
class Timing:
    chapters: tuple[Chapter, ...]
    paragraphs: tuple[TimedParagraph, ...]
    cues: tuple[Cue, ...]
    warnings: tuple[str, ...]


def spoken_sentences(transcript: Transcript) -> tuple[str, ...]:
    """The sentences an aligner must find, in order (untimed paragraphs only matter)."""
    return tuple(s for p in transcript.paragraphs for s in split_sentences(p.text))


def _sentences(paragraphs: Sequence[Paragraph]) -> list[_Sentence]:
    out: list[_Sentence] = []
    for index, paragraph in enumerate(paragraphs):
        if paragraph.cues:
            for cue in paragraph.cues:
                out.append(
                    _Sentence(
                        index,
                        cue.text,
                        max(1, count_words(cue.text)),
                        cue.start_ms,
                        cue.end_ms,
                        "given",
                        1.0,
                        cue.speaker or paragraph.speaker,
                    )
                )
        else:
            for sentence in split_sentences(paragraph.text):
                out.append(
                    _Sentence(
                        index, sentence, max(1, count_words(sentence)), speaker=paragraph.speaker
                    )
                )
    return out


def _fill(sentences: list[_Sentence], region: SpeechRegion) -> list[_Sentence]:
    """Place sentences without a time word-proportionally between the known ones."""
    result = list(sentences)
    n = len(result)
    i = 0
    while i < n:
        if result[i].start_ms is not None:
            i += 1
            continue
        j = i
        while j < n and result[j].start_ms is None:
            j += 1
        left = result[i - 1].end_ms if i > 0 else region.start_ms
        right = result[j].start_ms if j < n else region.end_ms
        assert left is not None and right is not None
        if right < left:
            right = left
        total = sum(s.words for s in result[i:j])
        position = 0
        for k in range(i, j):
            start = left + (right - left) * position // total
            position += result[k].words
            end = left + (right - left) * position // total
            result[k] = _replace_time(result[k], start, end, "estimated", None)
        i = j
    return result


def _replace_time(
    s: _Sentence, start: int, end: int, source: TimingSource, confidence: float | None
) -> _Sentence:
    return _Sentence(s.paragraph, s.text, s.words, start, end, source, confidence, s.speaker)


def voice_tag_chars(speaker: str | None) -> int:
    """Room a WebVTT ``<v Name>`` span takes on a cue's first line (counted in the 65)."""
    return len(f"<v {speaker}>") if speaker else 0


def _split_cue(s: _Sentence) -> list[Cue]:
    """A cue holds at most two lines of 65 characters; longer sentences are split."""
    assert s.start_ms is not None and s.end_ms is not None
    first_width = CUE_LINE_CHARS - voice_tag_chars(s.speaker)
    # every cue's first line leaves room for its voice span
    chunks = [" ".join(b) for b in wrap_blocks(s.text, CUE_LINE_CHARS, CUE_MAX_LINES, first_width)]
    if len(chunks) <= 1:
        return [Cue(s.start_ms, s.end_ms, s.text, s.speaker, s.source)]
    total = sum(len(c) for c in chunks)
    cues: list[Cue] = []
    done = 0
    span = s.end_ms - s.start_ms
    for chunk in chunks:
        start = s.start_ms + span * done // total
        done += len(chunk)
        end = s.start_ms + span * done // total
        # pieces after the first are interpolated inside the sentence
        source: TimingSource = s.source if not cues or s.source == "given" else "estimated"
        cues.append(Cue(start, end, chunk, s.speaker, source))
    return cues


def time_transcript(
    transcript: Transcript,
    duration_ms: int,
    region: SpeechRegion,
    overrides: tuple[ChapterOverride, ...] = (),
    aligned: Sequence[SentenceTime] | None = None,
    lead_in_ms: int = 0,
    path_for_errors: str | None = None,
) -> Timing:
    """Time every paragraph, cue and chapter of one episode."""
    warnings: list[str] = []
    paragraphs = transcript.paragraphs
    sentences = _sentences(paragraphs)
    untimed = [k for k, s in enumerate(sentences) if s.source != "given"]
    if aligned is not None:
        if len(aligned) != len(untimed):
            warnings.append(
                f"alignment returned {len(aligned)} sentences for {len(untimed)}; using estimates"
            )
        else:
            for k, span in zip(untimed, aligned, strict=True):
                sentences[k] = _replace_time(
                    sentences[k], span.start_ms, span.end_ms, "aligned", span.confidence
                )
    # sentences must not go backwards; an anchor that does is dropped to an estimate
    last = region.start_ms if not any(s.source == "given" for s in sentences) else 0
    for k, s in enumerate(sentences):
        if s.start_ms is None:
            continue
        if s.start_ms < last and s.source != "given":
            sentences[k] = _Sentence(s.paragraph, s.text, s.words, speaker=s.speaker)
            continue
        last = s.start_ms
    sentences = _fill(sentences, SpeechRegion(region.start_ms, max(region.end_ms, last)))
    # a sentence ends where the next begins when the next is in the same paragraph
    for k in range(len(sentences) - 1):
        s, nxt = sentences[k], sentences[k + 1]
        assert s.start_ms is not None and s.end_ms is not None and nxt.start_ms is not None
        if s.source != "given" and (s.end_ms > nxt.start_ms or s.end_ms <= s.start_ms):
            sentences[k] = _replace_time(
                s, s.start_ms, max(s.start_ms + 1, nxt.start_ms), s.source, s.confidence
            )
    last_sentence = sentences[-1] if sentences else None
    if last_sentence is not None and last_sentence.source != "given":
        assert last_sentence.start_ms is not None and last_sentence.end_ms is not None
        end = min(duration_ms, max(last_sentence.end_ms, last_sentence.start_ms + 1))
        sentences[-1] = _replace_time(
            last_sentence,
            last_sentence.start_ms,
            max(end, last_sentence.start_ms + 1),
            last_sentence.source,
            last_sentence.confidence,
        )

    timed: list[TimedParagraph] = []
    by_paragraph: dict[int, list[_Sentence]] = {}
    for s in sentences:
        by_paragraph.setdefault(s.paragraph, []).append(s)
    for index, paragraph in enumerate(paragraphs):
        own = by_paragraph.get(index)
        if not own:
            continue
        first = own[0]
        assert first.start_ms is not None and own[-1].end_ms is not None
        own_cues = tuple(c for s in own for c in _split_cue(s))
        timed.append(
            TimedParagraph(
                paragraph, first.start_ms, own[-1].end_ms, first.source, own_cues, first.confidence
            )
        )

    cues = tuple(c for p in timed for c in p.cues)
    chapters = _chapters(
        transcript,
        timed,
        sentences,
        duration_ms,
        overrides,
        lead_in_ms,
        path_for_errors,
        warnings,
    )
    return Timing(chapters, tuple(timed), cues, tuple(warnings))


def _chapters(
    transcript: Transcript,
    timed: list[TimedParagraph],
    sentences: list[_Sentence],
    duration_ms: int,
    overrides: tuple[ChapterOverride, ...],
    lead_in_ms: int,
    path_for_errors: str | None,
    warnings: list[str],
) -> tuple[Chapter, ...]:
    start_of: dict[int, TimedParagraph] = {id(t.paragraph): t for t in timed}
    confidence_of: dict[int, float | None] = {}
    for s in sentences:
        confidence_of.setdefault(s.paragraph, s.confidence)
    paragraph_index = {id(p): i for i, p in enumerate(transcript.paragraphs)}

    derived: list[_Derived] = []
    for section in transcript.sections:
        if not section.paragraphs:
            continue
        first = start_of.get(id(section.paragraphs[0]))
        if first is None:
            continue
        title = section.title or (OPENING_TITLE if not derived else None)
        if title is None:
            continue
        if section.given_start_ms is not None:
            derived.append((title, section.given_start_ms, "given", 1.0, _PLAIN))
        else:
            start = max(0, first.start_ms - lead_in_ms)
            confidence = confidence_of.get(paragraph_index[id(section.paragraphs[0])])
            derived.append((title, start, first.source, confidence, _PLAIN))
    if derived:
        title, _, source, _, extras = derived[0]
        later = {d[2] for d in derived[1:]}
        opening_source: TimingSource = source if not later else sorted(later)[0]
        derived[0] = (title, 0, opening_source, 1.0, extras)

    # silent chapters (toc: false) stand apart: given with their start, in no list
    listed = tuple(o for o in overrides if o.extras.toc)
    if listed:
        derived = _apply_overrides(derived, listed, path_for_errors)

    kept: list[_Derived] = []
    for title, start, source, confidence, extras in derived:
        if kept and start <= kept[-1][1]:
            start = kept[-1][1] + 1  # starts must strictly increase
        if start >= duration_ms:
            warnings.append(
                f"chapter {title!r} would start at or after the end of the audio; left out"
            )
            continue
        kept.append((title, start, source, confidence, extras))
    chapters: list[Chapter] = []
    for index, (title, start, source, confidence, extras) in enumerate(kept):
        end = kept[index + 1][1] if index + 1 < len(kept) else duration_ms
        chapters.append(Chapter(title, start, end, source, confidence, extras))
    return _with_silent(chapters, overrides, duration_ms, warnings)


# a derived chapter: title, start, timing source, confidence, what episode.yaml adds
_Derived = tuple[str, int, TimingSource, float | None, ChapterExtras]
_PLAIN = ChapterExtras()


def _with_silent(
    chapters: list[Chapter],
    overrides: tuple[ChapterOverride, ...],
    duration_ms: int,
    warnings: list[str],
) -> tuple[Chapter, ...]:
    """The listed chapters and the silent ones (toc: false) in time order; a silent
    chapter lasts until the next chapter of either kind."""
    silent = [o for o in overrides if not o.extras.toc and o.start_ms is not None]
    starts = sorted({c.start_ms for c in chapters} | {o.start_ms or 0 for o in silent})
    out = list(chapters)
    for o in silent:
        start = o.start_ms or 0
        if start >= duration_ms:
            warnings.append(
                f"silent chapter at {start / 1000:g} s would start at or after the end of "
                "the audio; left out"
            )
            continue
        end = next((s for s in starts if s > start), duration_ms)
        out.append(Chapter(o.title or "", start, end, "given", 1.0, o.extras))
    return tuple(sorted(out, key=lambda c: (c.start_ms, not c.toc)))


def _apply_overrides(
    derived: list[_Derived],
    overrides: tuple[ChapterOverride, ...],
    path_for_errors: str | None,
) -> list[_Derived]:
    """episode.yaml chapters win: one per derived chapter (title and/or start), or a full
    replacement list where every entry has both."""
    if len(overrides) == len(derived):
        merged: list[_Derived] = []
        for (title, start, source, confidence, _), o in zip(derived, overrides, strict=True):
            if o.start_ms is not None:
                start, source, confidence = o.start_ms, "given", 1.0
            merged.append((o.title or title, start, source, confidence, o.extras))
        return merged
    if all(o.title and o.start_ms is not None for o in overrides):
        return [(o.title or "", o.start_ms or 0, "given", 1.0, o.extras) for o in overrides]
    raise ConfigError(
        f"'chapters' lists {len(overrides)} entries but the transcript gives "
        f"{len(derived)} chapters",
        path_for_errors,
        None,
        "give one entry per chapter (title and/or start), or a complete list where every "
        "entry has both title and start",
    )


def check_speech_rate(transcript: Transcript, duration_ms: int, path: Path) -> None:
    """Refuse a transcript far too long to be spoken in ``duration_ms`` of audio."""
    words = sum(count_words(p.text) for p in transcript.paragraphs)
    allowed = max(MIN_WORD_ALLOWANCE, MAX_WORDS_PER_SECOND * duration_ms // 1000)
    if words > allowed:
        raise TranscriptError(
            f"the transcript has {words} words for {duration_ms / 1000:.0f} s of audio "
            f"(more than {MAX_WORDS_PER_SECOND} words a second: nobody speaks that fast)",
            path,
            None,
            "check that 'transcript:' and 'audio:' in episode.yaml name this episode's files",
        )


def shift_episode(episode: Episode, offset_ms: int, duration_ms: int) -> Episode:
    """The episode's times moved by what is put before its own audio (an intro minus any
    crossfade), onto the published audio of ``duration_ms``. The first chapter still
    starts at 0 (it takes in the intro) and the last still ends at the end (the outro)."""
    if offset_ms == 0 and duration_ms == episode.audio.duration_ms:
        return episode

    def moved(ms: int) -> int:
        return min(ms + offset_ms, duration_ms)

    chapters = tuple(
        replace(
            c,
            start_ms=0 if index == 0 else moved(c.start_ms),
            end_ms=duration_ms if index == len(episode.chapters) - 1 else moved(c.end_ms),
        )
        for index, c in enumerate(episode.chapters)
    )

    def moved_cues(cues: tuple[Cue, ...]) -> tuple[Cue, ...]:
        return tuple(replace(c, start_ms=moved(c.start_ms), end_ms=moved(c.end_ms)) for c in cues)

    paragraphs = tuple(
        replace(p, start_ms=moved(p.start_ms), end_ms=moved(p.end_ms), cues=moved_cues(p.cues))
        for p in episode.paragraphs
    )
    return replace(
        episode,
        chapters=chapters,
        paragraphs=paragraphs,
        cues=moved_cues(episode.cues),
        unscripted=tuple((moved(a), moved(b)) for a, b in episode.unscripted),
        audio=replace(episode.audio, duration_ms=duration_ms),
    )
