"""The aligner's entry point: synthesis and decoding at once, the warp, DTW's spans, and
their repair with speech recognition."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from podpub.align.features import (
    DecodeError,
    Features,
    audio_features,
    noise_floor,
    normalise,
)
from podpub.align.onsets import loud_frames, speech_levels
from podpub.align.records import (
    ENGINE,
    Alignment,
    AlignmentUnavailable,
    RepairMode,
)
from podpub.align.repair import RepairUnavailable, available
from podpub.align.repaired import repair_spans
from podpub.align.spans import dtw_spans
from podpub.align.synth import Synthetic, espeak_voice, speakable, synthesise
from podpub.align.tuning import (
    MIN_AUDIO_FRAMES,
    MIN_SPEECH_DB,
    MIN_SPEECH_RANGE_DB,
)
from podpub.align.warp import Warp, warp


def align_sentences(
    audio_path: Path,
    sentences: Sequence[str],
    language: str,
    *,
    repair: RepairMode = "targeted",
    focus: Sequence[int] = (),
    progress: Callable[[float], None] | None = None,
    hinted: Sequence[int] = (),
) -> Alignment:
    """Place each sentence of the transcript in the audio.

    ``repair``: "targeted" (the default) runs speech recognition on the doubtful stretches
    only: around the ``focus`` sentences (paragraph starts: chapters and paragraphs start
    there) and around sentences whose DTW match looks stretched or poor; "full" on the
    whole episode (slower, and also repairs sentences inside paragraphs); "off" never.
    ``hinted``: sentences before which the transcript marks audio it does not hold (an
    ad, music): the pause before each absorbs audio more cheaply than other pauses, and
    recognition listens there.

    Raises ``AlignmentUnavailable`` when alignment cannot run here (no espeak-ng or ffmpeg,
    a language espeak-ng lacks, no speech in the audio, nothing speakable in the text).
    """

    reported = [0.0]

    def report(f: float) -> None:  # fractions 0..1, never going back
        if progress is not None:
            reported[0] = max(reported[0], min(1.0, f))
            progress(reported[0])

    voice = espeak_voice(language)
    if not any(speakable(s) for s in sentences):
        raise AlignmentUnavailable("the transcript has no speakable text")
    report(0.0)
    # with repair, recognition takes most of the time: DTW reports 0..0.2, recognition the rest
    dtw_share = {"off": 1.0, "targeted": 0.6, "full": 0.2}[repair]
    # numpy's BLAS threads only spin on these small products, and take the cores from
    # espeak-ng, ffmpeg and the recogniser
    with (
        threadpool_limits(limits=1, user_api="blas"),
        tempfile.TemporaryDirectory(prefix="podpub-align-") as tmp,
    ):
        samples = Path(tmp) / "samples.raw"  # the decoded audio, for the recogniser
        warped, synthetic, audio, loud = _warped(
            voice, sentences, Path(audio_path), samples, dtw_share, report, hinted
        )
        spans = dtw_spans(warped, synthetic, audio, loud, len(sentences))
        engine = ENGINE
        unscripted: tuple[tuple[int, int], ...] = ()
        if repair != "off":
            try:
                available(language)
            except RepairUnavailable:
                pass  # the DTW result stands; the engine name says no repair was made
            else:
                # a third-party recogniser (or its dictionary) failing never fails a
                # build: the DTW result stands, unrepaired
                with contextlib.suppress(Exception):
                    spans, engine, unscripted = repair_spans(
                        spans,
                        sentences,
                        synthetic,
                        warped,
                        audio,
                        loud,
                        samples,
                        repair,
                        focus,
                        lambda f: report(dtw_share + (1 - dtw_share) * f),
                        hinted,
                    )
    report(1.0)
    return Alignment(spans, engine, unscripted)


def _warped(
    voice: str,
    sentences: Sequence[str],
    audio_path: Path,
    samples: Path,
    share: float,
    report: Callable[[float], None],
    hinted: Sequence[int] = (),
) -> tuple[Warp, Synthetic, Features, npt.NDArray[np.bool_]]:
    """Synthesise the sentences and decode the audio (at the same time: one waits on
    espeak-ng processes, the other on ffmpeg), then warp one onto the other. The decoded
    samples are written to ``samples``. Also returns which audio frames are loud (speech
    level, not the pauses between)."""
    done = [0.0, 0.0]  # synthesis, decoding

    def part(k: int, f: float) -> None:
        done[k] = f
        report(share * (0.15 * done[0] + 0.25 * done[1]))

    with ThreadPoolExecutor(max_workers=1) as pool:
        speech = pool.submit(synthesise, voice, sentences, samples.parent, lambda f: part(0, f))
        try:
            with samples.open("wb") as out:
                audio = audio_features(audio_path, lambda f: part(1, f), out)
        except DecodeError as exc:
            speech.cancel()
            raise AlignmentUnavailable(str(exc)) from None
        except OSError as exc:  # no room for the decoded audio in the temporary folder
            speech.cancel()
            raise AlignmentUnavailable(f"cannot keep the decoded audio: {exc}") from None
        synthetic = speech.result()
    if audio.frames < MIN_AUDIO_FRAMES:
        raise AlignmentUnavailable("the audio is too short to align")
    floor, level = speech_levels(audio.energy_db)
    if level < MIN_SPEECH_DB or level - floor < MIN_SPEECH_RANGE_DB:
        raise AlignmentUnavailable("no speech found in the audio")
    relative_floor = noise_floor(audio)
    a = normalise(synthetic.features, relative_floor)
    b = normalise(audio, relative_floor)
    gaps = np.ones(a.shape[0], dtype=bool)  # between sentences: where audio may be inserted
    for s, e in zip(synthetic.onsets, synthetic.ends, strict=True):
        if s >= 0:
            gaps[s:e] = False
    warped = warp(
        a, b, gaps, lambda f: report(share * (0.4 + 0.6 * f)), _gap_before(synthetic, hinted)
    )
    loud = loud_frames(audio.energy_db)
    return warped, synthetic, audio, loud


def _gap_before(synthetic: Synthetic, sentences: Sequence[int]) -> npt.NDArray[np.bool_] | None:
    """The synthetic frames of the pause before each of ``sentences`` (from the end of
    the spoken sentence before it), or None when there are none."""
    if not sentences:
        return None
    rows = np.zeros(synthetic.features.frames, dtype=bool)
    onsets, ends = synthetic.onsets, synthetic.ends
    for i in sentences:
        if not 0 <= i < onsets.size or onsets[i] < 0:
            continue
        before = [int(ends[k]) for k in range(i) if onsets[k] >= 0]
        rows[(before[-1] if before else 0) : int(onsets[i])] = True
    return rows
