"""Forced alignment of a transcript's sentences to the episode audio, offline.

The only package that runs the aligner. Method, module by module:

1. ``synth``: synthesise the sentences with espeak-ng (subprocesses, batches of sentences
   separated by long SSML breaks, so each sentence's place in the synthetic audio is known);
2. ``features``: decode the episode with ffmpeg to 16 kHz mono, streamed, into mel
   energies (20 ms); the cepstra of both streams get the episode's noise floor, so silence
   looks alike in both;
3. ``warp`` (on ``dtw``): dynamic time warping of the synthetic frames against the
   episode's: a full DTW on coarse (~0.3 s) frames, then DTW on 20 ms frames in a band
   around the coarse path, so memory stays bounded. The start and end are open (intro
   music, outro), with a cost per skipped frame calibrated from a first, anchored coarse
   pass; the silences between sentences may absorb audio (music, long pauses) at the same
   price per frame;
4. ``spans`` (with ``onsets``): each sentence's onset in the synthetic audio is mapped
   through the path, then moved to the speech onset (energy) nearby; confidence comes
   from the local match cost and the speaking-rate sanity of the sentence;
5. ``repaired``: for English, PocketSphinx (``repair``, a language model made from the
   transcript's ``words``) listens to the ``doubts``: the doubtful stretches
   (``repair="targeted"``, the default: around the paragraph starts given as ``focus``,
   and over sentences DTW stretched or matched poorly) or the whole episode
   (``repair="full"``); sentence starts that recognised words anchor (``anchors``) override DTW
   where they disagree. This fixes the sentences after unscripted speech (ads, asides),
   which DTW cannot tell apart from the transcript's. Every paragraph start is heard
   briefly, doubtful or not;
6. ``bounds``: whatever placed it, a sentence starts after the transcript words before
   it were heard and before its own were: the words heard in runs, in order, bound every
   start from both sides, and one outside moves to the pause between them.

Every tuning constant is in ``tuning``. Everything here is I/O at the edge (subprocesses,
temporary files); callers get records.
"""

from __future__ import annotations

from podpub.align.aligner import align_sentences
from podpub.align.records import (
    ENGINE,
    Alignment,
    AlignmentUnavailable,
    RepairMode,
    SentenceSpan,
)
from podpub.align.repair import RepairUnavailable, available
from podpub.align.synth import espeak_voice

ALIGNER_VERSION = "52"  # bump when results change (a cache key for the caller)

__all__ = [
    "ALIGNER_VERSION",
    "ENGINE",
    "Alignment",
    "AlignmentUnavailable",
    "RepairMode",
    "RepairUnavailable",
    "SentenceSpan",
    "align_sentences",
    "available",
    "espeak_voice",
]
