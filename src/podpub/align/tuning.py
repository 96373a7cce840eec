"""Every tuning constant of the aligner, each with what it guards against.

Changing a value here changes alignment results: bump ``ALIGNER_VERSION`` with it.
Times are in seconds (``_S``) or milliseconds (``_MS``); frames are 20 ms (``HOP_S``).
"""

from __future__ import annotations

# ---------------------------------------------------------------------------- features

DECODE_CHUNK_S = 30  # audio decoded per read: memory stays bounded on a 3-hour episode
HOP_S = 0.02  # one frame per 20 ms: finer than a syllable, few enough frames for DTW
WIN_S = 0.025  # analysis window: short enough that one frame holds one speech sound
N_MELS = 40  # mel bands: enough spectral detail to tell voices apart from the same words
N_CEPS = 13  # cepstra c0..c12: the envelope of the spectrum, not the speaker's pitch
F_MIN = 80.0  # lowest band edge: hum and rumble below it carry no speech
F_MAX = 7600.0  # highest band edge: just under 8 kHz, the Nyquist limit of 16 kHz audio
NYQUIST_MARGIN_HZ = 100  # ... and this far under a lower rate's Nyquist limit: no aliased band
PRE_EMPHASIS = 0.97  # lifts the high frequencies: the weak energy of consonants counts too

# ---------------------------------------------------------------------------- levels

LEVEL_STRIDE = 4  # every 4th frame sets a stream's speech level: a mean needs no more
SPEECH_PERCENTILE = 60  # frames louder than this percentile are speech: the speech level
NOISE_STRIDE = 2  # every 2nd frame sets the noise floor: pauses are few frames: sample them finer
NOISE_PERCENTILE = 15  # frames quieter than this percentile are pauses: the noise floor
MIN_NOISE_FLOOR = 1e-6  # floor at least this share of the speech power (-60 dB): no log of zeros
NORMALISE_PERCENTILE = 40  # frames louder than this set the cepstral mean and variance: speech
MIN_NORMALISE_FRAMES = 10  # fewer such frames give no stable statistics: all frames are used
MIN_AUDIO_FRAMES = 10  # audio shorter than this (0.2 s) holds no sentence to align
FLOOR_PERCENTILE = 5  # the episode's quietest frames: its noise floor ...
LEVEL_PERCENTILE = 95  # ... and its loudest, a few peaks aside: its speech level
MIN_SPEECH_DB = -60.0  # a speech level under this is silence: nothing to align
MIN_SPEECH_RANGE_DB = 10.0  # ... as is one this close to the floor (steady noise, a tone)
LOUD_SHARE = 0.3  # a frame is loud (speech) above this share of the way from floor to level

# ---------------------------------------------------------------------------- synthesis

TTS_WPM = 165  # espeak-ng's rate: a typical speaking rate, so DTW stretches little
TTS_BREAK_MS = 2000  # SSML break between the sentences of a batch: never mistaken for a pause
TTS_GAP_MIN_S = 1.2  # a silence this long in espeak-ng's output separates two sentences
TTS_BATCH = 40  # sentences per espeak-ng process: few processes, yet batches in parallel
ESPEAK_NICENESS = 10  # espeak-ng yields to ffmpeg's decoding, but is not starved
PAD_EDGE_S = 0.4  # silence before the first and after the last synthetic sentence
PAD_SENTENCE_S = 0.24  # silence between synthetic sentences: where audio gaps are absorbed
LOUDNESS_BLOCKS_PER_S = 100  # loudness is judged per 10 ms: over a voice's period, under a pause
TTS_SILENCE = 2e-3  # espeak-ng's output (no noise) is silent where its peaks stay under this

# ---------------------------------------------------------------------------- DTW

COARSE = 15  # fine frames per coarse frame (0.3 s): the full coarse DTW stays small
COARSE_CELL_BUDGET = 150_000_000  # cells of the full coarse DTW (a byte each): memory bound
FINE_RADIUS = 25  # fine frames either side of the coarse path: its error at 0.3 s frames
MID_RADIUS = 5  # coarser frames either side of the coarser path at a middle level: its error
CALIBRATION_BAND = 0.25  # the anchored calibration pass: this share of the audio either side
OPEN_BAND = 0.1  # the open pass: this share either side of the anchored path (intro, outro)
MIN_BAND = 50  # ... and of either pass at least this many frames: a short episode's intro fits
CALIBRATION_ROWS = 3000  # rows (60 s) that calibrate a finer level at least: a stable median
CALIBRATION_PART = 3  # ... or this part of its rows (a third), when more: the cost stays low
SPLIT_MIN_S = 400.0  # a DTW of this much text runs in two halves at once (a second core)
SPLIT_OVERLAP_S = 30.0  # overlap of the halves: paths from different starts meet within it
SKIP_FACTOR = 1.5  # cost of a skipped frame (intro, outro) relative to a typical match
GAP_FACTOR = 1.5  # cost of audio absorbed between sentences (music, asides) relative to typical
# ... where the transcript marks audio it does not hold ("[AD]", "[Music]"): cheaper, so an
# ad read DTW would match to the next paragraph's first words goes to the gap; but well
# above a typical match (1.0): real voices sit farther from the synthetic one than a match
# of synthetic voices does, and a gap that cheap takes in transcript speech too (measured
# on bench real-ads with its ads marked: 0.5 -> 33 % of paragraph starts within 0.5 s,
# 1.0 -> 88.9 %, 1.25 -> 94.4 %, as unmarked)
HINTED_GAP_FACTOR = 1.25
SPEAKING_RATIO_MIN = 0.25  # the episode is at most 4 times as fast as the synthetic speech ...
SPEAKING_RATIO_MAX = 4.0  # ... or as slow: beyond, the path is not speech (music, a failure)
BLOCK_ROWS = 32  # rows whose local distances are computed in one vector operation
BLOCK_CELLS = 400_000  # ... unless their columns span more cells: bounded temporaries

# ---------------------------------------------------------------------------- onsets

ONSET_SEARCH_S = 0.30  # how far the energy refinement may move an onset to a nearby rise
ONSET_FORWARD_S = 2.0  # how far an onset mapped into a pause may move to its end
QUIET_RUN_S = 0.1  # a quiet stretch this long before a rise is a pause, not a dip in a sound
LONGEST_PAUSE_S = 1.0  # pauses at least this long count as equal: the nearest rise is taken
LEAD_SNAP_MIN_S = 0.2  # a start timed from later words may move this far to a pause ...
LEAD_SNAP_MAX_S = 1.0  # ... plus LEAD_UNCERTAINTY of its lead, and no farther than this
WEAK_START_DB = 3.0  # a weak start ("th", "h") is this much above the pause before it
WEAK_START_RANGE_DB = 20.0  # ... and at most this much below the rise after it (not noise)
WEAK_START_S = 0.2  # ... and at most this long (not the end of the previous sound)
PAUSE_LEVEL_FRAMES = 12  # frames before a weak start's farthest reach that give the pause's level
MIN_PAUSE_LEVEL_FRAMES = 5  # ... fewer (the audio's very start) give no level: the rise stands
TAIL_BEFORE_S = 0.3  # an onset this far into a sound is on the tail of the one before...
TAIL_LOUD_SHARE = 0.8  # ... (loud for this share of it: short dips are inside the sound) ...
TAIL_AFTER_S = 0.2  # ... when the sound ends within this much after it ...
TAIL_PAUSE_S = 0.3  # ... and a pause at least this long follows
BLIP_S = 0.1  # a sound shorter than this before such a pause is a click or a breath

# ---------------------------------------------------------------------------- confidence

CONFIDENCE_WINDOW = 12  # sentences either side a match is judged against: voices differ
MATCH_TOLERANCE = 2.0  # a sentence may cost this many times its neighbours' median
LOCAL_COST_CAP = 2.0  # ... a median of at most this many typical matches: bad ones excuse none
CONFIDENCE_FALLOFF = 2.0  # how fast confidence falls per median cost beyond the tolerance
SANE_STRETCH_MIN = 0.5  # a sentence spoken up to twice as fast as the episode's rate ...
SANE_STRETCH_MAX = 2.0  # ... or half as fast is plausible: beyond, its confidence falls
REPAIRED_CONFIDENCE = 0.8  # confidence of a start that recognised words placed
PUSHED_CONFIDENCE = 0.5  # share of its confidence a start keeps when pushed by the one before

# ---------------------------------------------------------------------------- doubts

TARGET_BEFORE_S = 1.5  # recognised audio before a doubtful sentence's DTW start
TARGET_FAR_S = 6.0  # a second look, this far before, where the first found nothing
TARGET_GAP_S = 20.0  # ... or back to the end of the sentence before, up to this far
TARGET_AFTER_S = 8.0  # ... and after it (a sentence after an aside of several seconds)
TARGET_END_S = 0.5  # recognised audio past a doubtful sentence's end: its last word whole
TARGET_CONFIRM_S = 3.0  # a first look goes only this far after it: mostly DTW is right
MORE_CONTEXT_S = 3.0  # a later look is heard with this much audio around it: context
STRETCH_DOUBT = 1.4  # a sentence this much slower than the episode's rate is doubtful
CONFIDENCE_DOUBT = 0.6  # ... as is one matched with less confidence than this
HEAD_S = 1.0  # a sentence's head: its first second of synthetic speech
HEAD_STRETCH_DOUBT = 1.4  # a head this much slower than the episode's rate is doubtful
HEAD_COST_DOUBT = 1.2  # ... or matched this much worse than a typical frame
LONG_HEAD_S = 3.0  # ... or its first 3 s of synthetic speech ...
LONG_HEAD_STRETCH_DOUBT = 1.6  # ... this much slower (an aside a few seconds in)
FILLER_MAX_S = 1.2  # a sound on its own this short may be a filler ("well, um", said slowly)
FILLER_PAUSE_S = 0.16  # ... followed by a pause longer than a stop consonant's closure
FILLER_HEARD_BEFORE_S = 0.2  # heard from this far before it: the pause before, not the words
FILLER_HEARD_AFTER_S = 1.2  # ... to this far after the pause after it: three words or four
FILLER_MATCH_WORDS = 3  # the words after it begin the sentence within its first 3 words

# ---------------------------------------------------------------------------- recognition

SEGMENT_S = 240.0  # seconds of audio per recogniser job: jobs spread over the cores
MIN_SEGMENT_S = 0.3  # shorter leftovers hold no word worth recognising
UTTERANCE_S = 20.0  # the recogniser gets utterances of about this length: bounded search
LM_DISCOUNT = 0.5  # absolute discount of the bigram counts: unseen word pairs stay possible
LM_UNIGRAM_FLOOR = 0.1  # unigram mass spread evenly: a word the text rarely has stays possible
CUT_SEARCH_S = 4  # an utterance is cut at its quietest 10 ms this near its end: between words
MIN_SPLIT_S = 4  # an utterance the search fails on is split in halves down to this length
# PocketSphinx search: the transcript's own model and narrower beams than the defaults,
# every second frame (about 0.02x real time, enough words in runs of three to place
# sentences); tighter last-phone beams lose words
ASR_MAX_HMM_PER_FRAME = 10000  # active HMMs per frame: a bounded search on noisy audio
ASR_BEAM = 1e-40  # main beam
ASR_PHONE_BEAM = 1e-40  # phone transition beam
ASR_WORD_BEAM = 1e-30  # word exit beam
ASR_LAST_PHONE_BEAM = 1e-30  # last-phone transition beam
ASR_LAST_PHONE_ONLY_BEAM = 1e-25  # last-phone-only beam
ASR_LANGUAGE_WEIGHT = 10.0  # high: the transcript is known, and the search follows it
ASR_FRAME_STEP = 2  # frames the recogniser steps per evaluation: half the cost

# ---------------------------------------------------------------------------- anchors

SPELLED_LETTER = 2  # a letter said by name ("p": "pee") takes as long as two or three
MIN_RUN = 3  # matched words in a row that make an anchor: one or two match by chance
FIRST_WORD_TOLERANCE_MS = 400  # DTW and a recognised first word disagree beyond this
TOLERANCE_MS = 400  # ... and a start estimated from later words (plus LEAD_UNCERTAINTY of the lead)
LEAD_UNCERTAINTY = 0.3  # a start timed over a lead (letters at a rate) is off by this share of it
LEAD_SLACK_MS = 500  # a word heard for a lead may lie this much beyond the lead from the estimate
LEAD_WORD_SHARE = 0.35  # a lead word heard alone is the text's within this share of the lead ...
LEAD_WORD_SLACK_MS = 300  # ... plus this much (farther, the same word said elsewhere)
LEAD_WORD_LETTERS = 3  # shorter words heard alone ("a", "to") are heard anywhere: they time none
MIN_BLOCK_WORDS = 2  # words heard in a row that match the text: a single word matches by chance
RUN_REAL_WORDS = 2  # words, not letters, in an anchoring run: noise is heard as letters
PAIR_GAP_MS = 1000  # two opening words heard at most this far apart were said together
MAX_MOVE_MS = 180_000  # DTW is never this far off (an ad break of three minutes)
LOCAL_TEXT_MS = 120_000  # a piece of audio is heard with the sentences placed this near it
CHUNK_MS = 120_000  # heard words are matched to the transcript this much audio at a time
CHUNK_PAUSE_MS = 1000  # ... cut where nothing was heard this long (not inside a passage) ...
CHUNK_MAX_FACTOR = 2  # ... or, with no such pause, at this many times CHUNK_MS: bounded work
MAX_LEAD_LETTERS = 30  # letters before the anchor run that can be timed from its rate
LONG_RUN_LEAD_LETTERS = 60  # ... or before a run of LONG_RUN_WORDS words (its rate is surer)
LONG_RUN_WORDS = 5  # a run this long times a longer lead
ACROSS_GAP_MS = 3000  # a run goes on into the next sentence over a pause up to this long
MAX_RUN_RATE = 100.0  # ms per letter: speech is faster (about 70); slower runs hold pauses
MIN_SPEAKING_RATE = 40.0  # ms per letter: no one speaks faster
TYPICAL_RATE = 70.0  # ms per letter, pauses included: a lead's rate when nothing around times it
RATE_WINDOW_WORDS = 40  # matched words either side whose rate times a lead its run cannot
PLAUSIBLE_RATE_MIN = 30.0  # ms per letter over those words: faster is a mismatch ...
PLAUSIBLE_RATE_MAX = 200.0  # ... slower is mostly unscripted audio, not pauses between words
BOUNDS_AFTER_PREVIOUS_MS = 200  # a misheard opening starts this long after the word before
BOUNDS_REACH_MS = 1000  # ... and within this of the first word heard after that word
BOUNDS_LEAD_SHARE = 0.5  # ... and this share of its lead at least before the run that times it
LEAD_EXTRA_WORDS = 2  # heard words before a run may outnumber the text's by this many
OPENING_LETTERS = 5  # two words heard together this close to the start time the sentence
OPENING_REACH_LETTERS = 10  # a sentence's opening words, this close to its start, time it ...
OPENING_PAIR_LETTERS = 7  # ... two heard together with this many letters (not "and the")
OPENING_WORD_LETTERS = 6  # ... or one this long on its own

# ---------------------------------------------------------------------------- repair

ANCHOR_BEYOND_END_MS = 1000  # how far past DTW's end of a sentence an anchor may move it
LONG_RUN = 5  # ... unless this many recognised words in a row (or in order) anchor it

# ---------------------------------------------------------------------------- bounds

# a word heard this close to where a window of audio given to the recogniser begins in
# sound began before it: a piece of a word, heard as a whole one
CUT_WORD_MS = 100

# a start this far outside the bounds the heard words set is moved: the bounds assume
# the fastest speech, and a weak first sound ("h", "th") starts a little before its rise
BOUND_SLACK_MS = 200

# ---------------------------------------------------------------------------- unscripted

# heard speech matching no transcript run this long is unscripted: a transcript sentence
# misheard (a name, a noisy line) spans a few seconds, rarely more; an ad read, 15 s or more
UNSCRIPTED_MIN_S = 8.0
UNSCRIPTED_MIN_WORDS = 6  # ... and at least this many words: a few misheard ones are not
# ... and a share of its heard words in transcript runs under this part of the episode's
# share (the recogniser's accuracy on this audio, measured in the same pass): a chance run
# of common words inside an ad does not end it, a sentence of the text does (with every
# transcript word heard, a quarter: a word in a run outweighs three that are not)
UNSCRIPTED_RATE_SHARE = 0.25
# ... and the transcript text DTW placed in it explains at most this share of its length
# at the episode's speaking rate: transcript speech the recogniser hears poorly is
# explained in full (0.83 or more over 10 s windows of the bundled espeak-ng narration,
# whose misheard stretches explained 0.89-1.0), an ad DTW put between sentences or
# stretched one over is not
UNSCRIPTED_EXPLAINED_MAX = 0.5
SPEECH_WORD_LETTERS = 4  # shorter words are what a recogniser makes of music and noise
WORD_MS = 300  # a heard word's length: an unscripted stretch ends this long after its last
UNSETTLED_CONFIDENCE = 0.4  # a start recognition could not settle after unscripted audio:
# under the build's low-confidence line (0.5), so the build and `podpub check` list it
