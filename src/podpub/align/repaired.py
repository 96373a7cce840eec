"""DTW's sentence starts repaired with recognised words: the stretches worth hearing are
recognised (``repair``), the heard words anchor sentence starts (``anchors``), and the
starts they anchor elsewhere override DTW's. This fixes the sentences after unscripted
speech (ads, asides), which DTW cannot tell apart from the transcript's."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from podpub.align.anchors import Anchor, anchored_starts, slowest_ms
from podpub.align.bounds import held_by_heard
from podpub.align.doubts import (
    Doubts,
    after_moved_windows,
    doubtful_windows,
    doubts_of,
    farther_windows,
)
from podpub.align.features import Features
from podpub.align.fillers import Sounds, after_fillers, filler_windows
from podpub.align.onsets import (
    after_longest_pause,
    after_quiet,
    quiet_before,
    sound_end,
    speech_onset,
    starts_sound,
)
from podpub.align.records import ENGINE, RepairMode, SentenceSpan
from podpub.align.repair import Word, recognise, recognise_sets, segments, uncovered
from podpub.align.synth import Synthetic
from podpub.align.tuning import (
    ANCHOR_BEYOND_END_MS,
    CUT_WORD_MS,
    FIRST_WORD_TOLERANCE_MS,
    HOP_S,
    LEAD_SNAP_MAX_S,
    LEAD_SNAP_MIN_S,
    LEAD_UNCERTAINTY,
    LONG_RUN,
    LONGEST_PAUSE_S,
    MAX_MOVE_MS,
    MIN_SPEAKING_RATE,
    MORE_CONTEXT_S,
    ONSET_FORWARD_S,
    ONSET_SEARCH_S,
    PLAUSIBLE_RATE_MAX,
    PLAUSIBLE_RATE_MIN,
    PUSHED_CONFIDENCE,
    REPAIRED_CONFIDENCE,
    TARGET_AFTER_S,
    TARGET_CONFIRM_S,
    UNSCRIPTED_EXPLAINED_MAX,
    UNSCRIPTED_MIN_S,
    UNSETTLED_CONFIDENCE,
)
from podpub.align.unscripted import Explained, Stretch, unscripted_stretches, without
from podpub.align.warp import Warp
from podpub.align.words import vocabulary, words_and_sizes

F32 = npt.NDArray[np.float32]


def repair_spans(
    spans: tuple[SentenceSpan, ...],
    sentences: Sequence[str],
    synthetic: Synthetic,
    warp: Warp,
    audio: Features,
    loud: npt.NDArray[np.bool_],
    samples: Path,
    repair: RepairMode,
    focus: Sequence[int],
    progress: Callable[[float], None],
    hinted: Sequence[int] = (),
) -> tuple[tuple[SentenceSpan, ...], str, tuple[tuple[int, int], ...]]:
    """DTW's spans with the starts recognised words anchor elsewhere, the engine name, and
    the unscripted stretches heard (ms); DTW's spans as they are when the recogniser fails.
    ``hinted`` sentences (after a transcript's ad or music marker) are doubtful: what is
    heard before them is told apart as unscripted or not."""
    duration_s = audio.frames * HOP_S
    doubts = doubts_of(spans, synthetic, warp, loud, focus)
    if hinted:
        head = doubts.head.copy()
        head[[i for i in hinted if 0 <= i < head.size]] = True
        doubts = Doubts(head, doubts.span)
    # targeted: first the first seconds of each doubtful paragraph start (mostly DTW is
    # right there, and its words confirm it), then further around the ones not settled
    windows = (
        [(0.0, duration_s)]
        if repair == "full"
        else doubtful_windows(spans, doubts, focus, duration_s, TARGET_CONFIRM_S)
    )
    # paragraph starts on a short sound: heard apart (their words judge those starts only)
    sounds = Sounds.of(loud, warp.path, synthetic)
    fillers = filler_windows(spans, focus, sounds, duration_s) if repair == "targeted" else []
    fillers = [f for f in fillers if not any(a <= f[0] and f[1] <= b for a, b in windows)]
    placed = [(sp.start_ms, sp.end_ms) for sp in spans]
    try:
        heard, filler_heard = recognise_sets(
            samples, [windows, fillers], sentences, progress, placed=placed
        )
    except Exception:  # a failing recogniser (a third-party library) never fails a build
        return spans, ENGINE, ()  # the DTW result stands, unrepaired
    doubtful = doubts.head | doubts.span
    hearing = _Hearing(samples, sentences, placed, heard, windows, Explained(synthetic, warp), loud)

    def redo() -> tuple[list[Anchor | None], tuple[SentenceSpan, ...]]:
        a = anchors_of(spans, sentences, hearing.scripted)
        return a, repaired(spans, sentences, hearing.scripted, loud, audio.energy_db, doubtful, a)

    anchors, out = redo()
    if repair == "targeted":
        out = _further_looks(spans, hearing, doubts, focus, windows, (anchors, out), redo)
    out = _after_unscripted(spans, out, hearing, loud, audio.energy_db, doubtful)
    unscripted = tuple((s.start_ms, s.end_ms) for s in hearing.stretches)
    out = held_by_heard(out, sentences, hearing.scripted, loud, audio.energy_db, spans, unscripted)
    out = after_fillers(
        out,
        sentences,
        [(hearing.heard, hearing.windows), (filler_heard, fillers)],
        sounds,
        audio.energy_db,
        focus,
    )
    out = _unsettled(
        spans,
        out,
        anchors_of(spans, sentences, hearing.scripted),
        doubts,
        focus,
        hearing.stretches,
        hearing.explained,
    )
    return out, ENGINE + "+pocketsphinx", unscripted


def _further_looks(
    spans: tuple[SentenceSpan, ...],
    hearing: _Hearing,
    doubts: Doubts,
    focus: Sequence[int],
    first_windows: Sequence[tuple[float, float]],
    first: tuple[list[Anchor | None], tuple[SentenceSpan, ...]],
    redo: Callable[[], tuple[list[Anchor | None], tuple[SentenceSpan, ...]]],
) -> tuple[SentenceSpan, ...]:
    """After the first look (``first``: its anchors and repaired spans), a second, wider
    look around the doubtful paragraph starts it did not settle, then a third where a
    sentence would be after the one before it moved past it; after each look that heard
    words, the anchors and the repair are made again (``redo``)."""
    anchors, out = first
    settled = _settled(spans, anchors, out)
    if hearing.more(farther_windows(spans, settled, doubts, focus, first_windows)):
        anchors, out = redo()
    settled = _settled(spans, anchors, out)
    if hearing.more(after_moved_windows(spans, out, settled, doubts, focus, hearing.windows)):
        anchors, out = redo()
    return out


class _Hearing:
    """The words heard so far, the windows (seconds) they were heard in, the unscripted
    stretches among them, and the words outside those (``scripted``)."""

    def __init__(
        self,
        samples: Path,
        sentences: Sequence[str],
        placed: Sequence[tuple[int, int]],
        heard: list[Word],
        windows: Sequence[tuple[float, float]],
        explained: Explained,
        loud: npt.NDArray[np.bool_],
    ) -> None:
        self.samples = samples
        self.explained = explained
        self.sentences = sentences
        self.placed = placed
        self.loud = loud
        self.pieces = cut_pieces(heard, loud, windows)
        self.pairs = word_pairs(sentences)
        self.heard = said_from(heard, loud, self.pairs)
        self.windows = list(windows)
        self._sort()

    def _sort(self) -> None:
        starts = [s for s, _ in self.placed]
        self.stretches = unscripted_stretches(
            self.heard, self.windows, self.sentences, starts, self.explained
        )
        self.scripted = [
            w for w in without(self.heard, self.stretches) if w.start_ms not in self.pieces
        ]

    def more(self, more_windows: list[tuple[float, float]]) -> bool:
        """Hear ``more_windows`` too; whether any word was heard there."""
        if not more_windows:
            return False
        # each heard with the audio around it (a short piece between two windows heard
        # before, alone, is heard poorly): what is heard now replaces what was there
        around = segments(
            [(max(0.0, a - MORE_CONTEXT_S), b + MORE_CONTEXT_S) for a, b in more_windows]
        )
        try:
            more = recognise(
                self.samples, around, self.sentences, lambda f: None, placed=self.placed
            )
        except Exception:  # as for the first look: what was heard so far stands
            return False
        self.windows.extend(around)

        def inside(ms: int) -> bool:
            return any(a * 1000 <= ms < b * 1000 for a, b in around)

        self.pieces = {ms for ms in self.pieces if not inside(ms)}
        self.pieces |= cut_pieces(more, self.loud, around)
        kept = [w for w in self.heard if not inside(w.start_ms)]
        self.heard = sorted(
            [*kept, *said_from(more, self.loud, self.pairs)], key=lambda w: w.start_ms
        )
        self._sort()
        return bool(more)


def word_pairs(sentences: Sequence[str]) -> set[tuple[str, str]]:
    """The transcript's words said one after the other (across sentences too), as the
    recogniser spells them."""
    words = [w for sentence in sentences for w, _ in words_and_sizes(sentence)]
    return set(itertools.pairwise(words))


def said_from(
    heard: Sequence[Word],
    loud: npt.NDArray[np.bool_],
    pairs: Collection[tuple[str, str]] | None = None,
) -> list[Word]:
    """The heard words, each starting at the first loud frame from its recognised start
    on (within ``ONSET_FORWARD_S``, and not past the next word's start): the recogniser
    lets a word begin in the pause before it; and a word heard longer than its letters
    take at the slowest plausible rate, up to the next word or to the end of its sound,
    at the first rise that leaves it that long."""
    frame_ms = HOP_S * 1000.0
    reach = round(ONSET_FORWARD_S / HOP_S)
    out = []
    for k, w in enumerate(heard):
        frame = round(w.start_ms / frame_ms)
        limit = frame + reach
        if k + 1 < len(heard):
            limit = min(limit, round(heard[k + 1].start_ms / frame_ms))
        ahead = loud[frame:limit]
        if ahead.size and not ahead[0] and ahead.any():
            frame += int(np.argmax(ahead))
        if k + 1 < len(heard):
            # longer than the word can take, even slowly: it took in a breath or noise
            # before it, and starts at the last rise that leaves it time enough; one
            # that starts right after a pause may also take in one pause after it
            # ("Yes, I"). The word ends at the first pause after it when its sound up
            # to there can hold it (at the fastest plausible rate): the recogniser let
            # it run on into the pause (the last word of a sentence: "... Human Rights.
            # [1 s] Hello" is no over-long "rights" to move onto "Hello"); and so does
            # a word the text does not say before the next one heard, which may have
            # words unheard after it ("rights. But as you know" heard as "rights ...
            # the")
            nxt = round(heard[k + 1].start_ms / frame_ms)
            end = sound_end(loud, frame, nxt)
            holds = end - frame >= len(w.text) * PLAUSIBLE_RATE_MIN / frame_ms
            if holds or (pairs is not None and (w.text, heard[k + 1].text) not in pairs):
                nxt = end
            longest = len(w.text) * PLAUSIBLE_RATE_MAX / frame_ms
            if after_quiet(loud, frame):
                longest += LONGEST_PAUSE_S / HOP_S
            earliest = nxt - round(longest)
            if frame < earliest:
                rises = np.flatnonzero(loud[earliest:nxt] & ~loud[earliest - 1 : nxt - 1])
                frame = earliest + int(rises[0]) if rises.size else earliest
        out.append(Word(w.text, round(frame * frame_ms)))
    return out


def cut_pieces(
    heard: Sequence[Word], loud: npt.NDArray[np.bool_], windows: Sequence[tuple[float, float]]
) -> set[int]:
    """The starts (ms) of the words heard right where a window of audio (``windows``,
    seconds) begins in sound: each began before the cut, and the recogniser made a whole
    word of its piece (a window opened on a sentence's last word hears it as the next
    one's first). Speech, but no transcript word to anchor a sentence by."""
    frame_ms = HOP_S * 1000.0
    cuts = [round(a * 1000) for a, _ in segments(windows)]
    out = set()
    for w in heard:
        frame = round(w.start_ms / frame_ms)
        in_sound = 0 <= frame < loud.size and bool(loud[frame])
        if in_sound and any(0 <= w.start_ms - c < CUT_WORD_MS for c in cuts):
            out.add(w.start_ms)
    return out


def _after_unscripted(
    spans: tuple[SentenceSpan, ...],
    out: tuple[SentenceSpan, ...],
    hearing: _Hearing,
    loud: npt.NDArray[np.bool_],
    energy: F32,
    doubtful: npt.NDArray[np.bool_],
) -> tuple[SentenceSpan, ...]:
    """Sentences that start inside unscripted audio are looked for after it (heard on,
    ``TARGET_AFTER_S`` past its end, when it may go on); one its own words do not place
    after it keeps its start, with low confidence: recognition did not settle it (music
    heard as words looks unscripted too, and the sentence may well start in it)."""
    inside = [i for i, sp in enumerate(out) if _stretch_at(hearing.stretches, sp.start_ms)]
    if not inside:
        return out
    extra = []
    for i in inside:
        stretch = _stretch_at(hearing.stretches, out[i].start_ms)
        assert stretch is not None
        end_s = stretch.end_ms / 1000.0
        extra.append((end_s, end_s + (TARGET_AFTER_S if stretch.open else 0.0)))
    if hearing.more(uncovered(extra, hearing.windows)):
        doubtful = doubtful.copy()
        doubtful[inside] = True
        out = repaired(spans, hearing.sentences, hearing.scripted, loud, energy, doubtful)
    result = list(out)
    latest = 0
    for i, sp in enumerate(result):
        stretch = _stretch_at(hearing.stretches, sp.start_ms)
        start = max(sp.start_ms, latest)
        if stretch is not None:  # not placed by its words: said, not guessed
            result[i] = SentenceSpan(
                start, max(sp.end_ms, start), min(sp.confidence, UNSETTLED_CONFIDENCE)
            )
        elif start != sp.start_ms:
            result[i] = SentenceSpan(start, max(sp.end_ms, start), sp.confidence)
        latest = result[i].start_ms
    return tuple(result)


def _unsettled(
    spans: Sequence[SentenceSpan],
    out: tuple[SentenceSpan, ...],
    anchors: Sequence[Anchor | None],
    doubts: Doubts,
    focus: Sequence[int],
    stretches: Sequence[Stretch] = (),
    explained: Explained | None = None,
) -> tuple[SentenceSpan, ...]:
    """Paragraph starts whose DTW head looked doubtful and that recognition neither
    confirmed nor moved keep DTW's start, with low confidence: said, not guessed. One its
    own heard words confirm where it stands (not inside unscripted ``stretches``) is as
    sure as one they moved. Recognition not confirming a start says little where the
    recogniser hears the voice poorly: with the warp's ``explained``, a start keeps its
    confidence when the transcript text DTW placed around it explains the audio on both
    sides (no unscripted audio before it, nor after it inside its own span)."""
    settled = _settled(spans, anchors, out)
    result = list(out)
    for i in sorted(set(focus)):
        if not 0 <= i < len(out):
            continue
        anchor = anchors[i]
        if (
            anchor is not None
            and anchor.agrees
            and out[i].start_ms == spans[i].start_ms
            and _stretch_at(stretches, out[i].start_ms) is None
        ):
            sp = out[i]
            result[i] = SentenceSpan(
                sp.start_ms, sp.end_ms, max(sp.confidence, REPAIRED_CONFIDENCE)
            )
        if settled[i] or not doubts.head[i]:
            continue
        if out[i].start_ms == spans[i].start_ms and not _explained_around(
            explained, out[i].start_ms
        ):
            sp = out[i]
            result[i] = SentenceSpan(
                sp.start_ms, sp.end_ms, min(sp.confidence, UNSETTLED_CONFIDENCE)
            )
    return tuple(result)


def _explained_around(explained: Explained | None, ms: int) -> bool:
    """Whether the transcript text DTW placed explains the audio ``UNSCRIPTED_MIN_S``
    before ``ms`` and after it as it explains scripted speech."""
    if explained is None:
        return False
    reach = round(UNSCRIPTED_MIN_S * 1000)
    return (
        min(explained.share(max(0, ms - reach), ms), explained.share(ms, ms + reach))
        > UNSCRIPTED_EXPLAINED_MAX
    )


def _stretch_at(stretches: Sequence[Stretch], ms: int) -> Stretch | None:
    return next((s for s in stretches if s.holds(ms)), None)


def _settled(
    spans: Sequence[SentenceSpan],
    anchors: Sequence[Anchor | None],
    repaired: Sequence[SentenceSpan],
) -> list[bool]:
    """Per sentence: confirmed, or moved by its own words (not pushed along by an earlier
    one)."""
    return [
        a is not None and (a.agrees or r.start_ms != sp.start_ms)
        for a, r, sp in zip(anchors, repaired, spans, strict=True)
    ]


def anchors_of(
    spans: Sequence[SentenceSpan],
    sentences: Sequence[str],
    heard: Sequence[Word],
) -> list[Anchor | None]:
    """The recognised words' anchor for each sentence, agreeing with DTW's start or not."""
    return anchored_starts(
        sentences,
        heard,
        [s.start_ms for s in spans],
        vocabulary(),
        keep_agreeing=True,
    )


def repaired(
    spans: tuple[SentenceSpan, ...],
    sentences: Sequence[str],
    heard: Sequence[Word],
    loud: npt.NDArray[np.bool_],
    energy: F32,
    doubtful: npt.NDArray[np.bool_] | None = None,
    anchors: Sequence[Anchor | None] | None = None,
) -> tuple[SentenceSpan, ...]:
    """Sentence starts overridden where recognised words anchor them elsewhere. A start
    estimated from words later in the sentence (the first ones were not recognised)
    overrides only a ``doubtful`` DTW start: fillers and pauses make such estimates
    rough. ``anchors``: ``anchors_of`` these heard words, when the caller has them."""
    frame_ms = HOP_S * 1000.0
    if anchors is None:
        anchors = anchors_of(spans, sentences, heard)
    heard_ms = [w.start_ms for w in heard]
    out = list(spans)
    for i, anchor in enumerate(anchors):
        if anchor is None:
            continue
        is_doubtful = doubtful is None or bool(doubtful[i])
        if not _overrides(anchor, spans, i, is_doubtful):
            continue
        frame, at_pause = _anchored_frame(anchor, loud, energy, heard_ms)
        if not at_pause and (
            anchor.agrees or not is_doubtful or _dtw_fits_lead(anchor, spans[i], loud)
        ):
            # a start heard words time roughly (from later words, or a word's heard time,
            # a word or so off), landing in running speech, does not move a start DTW was
            # sure of, nor one it agrees with, nor one right after a pause that leaves the
            # words before the run the time they may take
            continue
        new_start = round(frame * frame_ms)
        out[i] = SentenceSpan(
            new_start,
            max(spans[i].end_ms, new_start + 1),
            max(spans[i].confidence, REPAIRED_CONFIDENCE),
        )
    # keep starts non-decreasing: a repaired start moves the later, unrepaired ones with it
    latest = 0
    for i, span in enumerate(out):
        if span.start_ms < latest:
            out[i] = SentenceSpan(
                latest, max(span.end_ms, latest), span.confidence * PUSHED_CONFIDENCE
            )
        latest = out[i].start_ms
    return tuple(out)


def _overrides(anchor: Anchor, spans: Sequence[SentenceSpan], i: int, is_doubtful: bool) -> bool:
    """Whether ``anchor`` overrides DTW's start of sentence ``i``."""
    start = anchor.start_ms
    # a start DTW was sure of (its head matched at the episode's rate) is not moved by
    # an anchor: the recogniser's timing of a sentence's first words is the rougher
    # ("Yes, I" heard as "I'm yes I"); where DTW is sure and wrong by seconds, the
    # runs heard around the start bound it (``bounds``)
    if not is_doubtful:
        return False
    # a start timed from later words is rough, and agrees with DTW's within a wider
    # tolerance than a heard first word; not with a doubtful DTW start that lies
    # earlier (DTW starts a sentence early on the music or aside before it)
    if anchor.agrees and not (
        is_doubtful and anchor.lead_ms and start - spans[i].start_ms > FIRST_WORD_TOLERANCE_MS
    ):
        return False
    # DTW may start a sentence too early (on unscripted audio before it) or a little
    # late, and its end and the previous sentence's start mostly bound where it can be:
    # a short run outside is likely a repeated phrase matched elsewhere; only a long
    # run may move a sentence DTW put entirely inside unscripted audio
    earliest = spans[i - 1].start_ms if i else 0
    bounded = earliest < start < spans[i].end_ms + ANCHOR_BEYOND_END_MS
    if not bounded and anchor.support < LONG_RUN:
        return False
    return abs(start - spans[i].start_ms) <= MAX_MOVE_MS


def _dtw_fits_lead(anchor: Anchor, dtw: SentenceSpan, loud: npt.NDArray[np.bool_]) -> bool:
    """Whether DTW's start, right after a pause, leaves the words before the run as
    long as they may take: at most the slowest plausible rate and one pause, at least
    the fastest (a speaker's dramatic pause: "And so, my fellow Americans, ... ask not"
    is no reason to move it)."""
    dtw_ms = dtw.start_ms
    run_ms = anchor.run_heard_ms
    lead = anchor.lead_letters
    slowest = slowest_ms(lead)  # and a pause ("Yes, I")
    if not run_ms - slowest <= dtw_ms <= run_ms - lead * MIN_SPEAKING_RATE:
        return False
    frame = round(dtw_ms / (HOP_S * 1000.0))
    near = round(ONSET_SEARCH_S / HOP_S)
    return after_longest_pause(loud, frame, near) != frame or after_quiet(loud, frame)


def _anchored_frame(
    anchor: Anchor, loud: npt.NDArray[np.bool_], energy: F32, heard_ms: Sequence[int] = ()
) -> tuple[int, bool]:
    """The frame an overriding anchor puts the sentence's start on, and whether a pause
    before it was found (for a start its first word times: whether a sound starts
    there). A start its first word times moves to the onset of that word's sound, but
    not back over a word the recogniser heard there (``heard_ms``, in order): then that
    sound is another's (music under the first word, a breath heard as "to")."""
    frame_ms = HOP_S * 1000.0
    frame = round(anchor.start_ms / frame_ms)
    if anchor.lead_ms:
        # timed from words later in the sentence: within its uncertainty (or between
        # the heard words around it), the sentence starts after the longest pause; with
        # no pause there (speech over music) the estimate stands rather than jump to a
        # rise in the music
        if anchor.bounds is not None:
            lo, hi = (round(t / frame_ms) for t in anchor.bounds)
            centre, radius = (lo + hi) // 2, max(0, (hi - lo) // 2)
        else:
            centre = frame
            radius = round(
                min(LEAD_SNAP_MAX_S, LEAD_SNAP_MIN_S + LEAD_UNCERTAINTY * anchor.lead_ms / 1000.0)
                / HOP_S
            )
            # no later than the words before the run leave time for, at the fastest rate
            # (not at the pause between them and the run)
            latest = round(
                (anchor.start_ms + anchor.lead_ms - anchor.lead_letters * MIN_SPEAKING_RATE)
                / frame_ms
            )
            if centre + radius > latest:
                lo = centre - radius
                centre, radius = (lo + latest) // 2, max(0, (latest - lo) // 2)
        snapped = after_longest_pause(loud, centre, radius)
        if snapped == centre and anchor.bounds is None:
            # no pause near the estimate (the lead's own pauses, "You fool, [0.3 s]
            # they", make the run's rate time it late): a pause of a second or more (no
            # gap in music) as far back as the lead may take, at the slowest plausible
            # rate and a pause
            run_ms = anchor.run_heard_ms
            earliest = round((run_ms - slowest_ms(anchor.lead_letters)) / frame_ms)
            latest = round((run_ms - anchor.lead_letters * MIN_SPEAKING_RATE) / frame_ms)
            snapped = after_longest_pause(
                loud, (earliest + latest) // 2, max(0, (latest - earliest) // 2)
            )
            if quiet_before(loud, snapped) < round(LONGEST_PAUSE_S / HOP_S):
                return frame, False
        elif snapped == centre:
            return frame, False
        return speech_onset(loud, energy, snapped), True
    onset = speech_onset(loud, energy, frame)
    before = bisect.bisect_left(heard_ms, anchor.start_ms) - 1
    if onset < frame and before >= 0 and heard_ms[before] >= (onset - 1) * frame_ms:
        onset = frame
    # a sentence's first word starts a sound: heard inside running speech, its time is
    # a word off ("Before" heard 0.6 s late), or it is a chance hearing of a common word
    # ("and") in the sentence before
    return onset, starts_sound(loud, onset)
