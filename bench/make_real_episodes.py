"""Benchmark episodes made of real recorded human speech, with known truth.

The clips are listed in bench/data/real-speech/provenance.yaml (repository, commit, path,
licence, speaker, text) and committed as Opus files under bench/data/real-speech/audio/.
An episode is assembled from them:

- sections read by different real voices (LJ Speech, LibriVox readers, a speech, and four
  LibriVox readers of a chapter each as Mini LibriSpeech cut them: 30 minutes, 142 clips
  at the corpus's pauses), one paragraph per one or more consecutive clips, never starting
  at a clip that begins inside a sentence (``continues: true`` in the provenance), each
  section with a heading (a chapter): about 37 minutes of committed scripted speech;
- a synthesised music bed before the speech and after it (bench/make_episode.music: no
  third-party music), random pauses between clips and paragraphs.

Truth is exact by construction: a paragraph starts where its first clip's speech starts
(the first 10 ms frame within 30 dB of the clip's loudest frame, measured on the clip
alone). Inside a clip there is no word-level truth: a sentence that does not begin a
clip has no truth (``start_ms: null``) and is not scored.

Variants:
  real        speech + music bed
  real-noisy  + a small room (synthetic reverberation) and pink noise at 20 dB SNR
  real-ads    real-noisy + three ~20 s unscripted ad reads (other real speakers whose
              words are in no transcript, music under them) and short unscripted asides
              between paragraphs
  real-long   real-ads + a 17-minute section by one more voice (clips whose licence does
              not let them be committed: ``committed: false`` in the provenance; import
              them first, into bench/out/real-speech-local/)

Usage:
    python bench/make_real_episodes.py --variant real-ads [--seed 1] [--out bench/out]
    python bench/make_real_episodes.py --import OWNER/NAME=GITDIR ...   # refresh the audio
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_episode  # noqa: E402

SR = make_episode.SR
DATA = HERE / "data" / "real-speech"
PROVENANCE = DATA / "provenance.yaml"
AUDIO = DATA / "audio"
LOCAL = HERE / "out" / "real-speech-local"  # imported clips that may not be committed
VARIANTS = ("real", "real-noisy", "real-ads", "real-long")
SECTIONS = (  # clip group, heading, clips per paragraph (lo, hi)
    ("lj", "The Arts of Printing", (2, 4)),
    ("sonnets", "Three Sonnets", (1, 1)),
    ("dctts", "The Chronicles of Newgate", (2, 5)),
    ("sense", "Sense and Sensibility", (1, 3)),
    ("jfk", "An Inaugural Address", (1, 1)),
    ("northanger", "Northanger Abbey", (1, 3)),
    ("ronicky", "Ronicky Doone", (1, 3)),
    ("fairy", "Fairer-than-a-Fairy", (1, 3)),
    ("agatha", "Agatha Webb", (1, 3)),
)


@dataclass(frozen=True)
class Clip:
    id: str
    role: str
    group: str
    text: str
    speaker: str
    committed: bool
    continues: bool = False  # continues the previous clip's sentence: starts no paragraph

    @property
    def path(self) -> Path:
        return (AUDIO if self.committed else LOCAL) / f"{self.id}.opus"


def load_clips(local: bool) -> list[Clip]:
    """The provenance's clips; those not committed only when ``local``."""
    doc = yaml.safe_load(PROVENANCE.read_text(encoding="utf-8"))
    clips = [
        Clip(
            c["id"],
            c["role"],
            c.get("group", ""),
            c.get("text", ""),
            c["speaker"],
            bool(c.get("committed", True)),
            bool(c.get("continues", False)),
        )
        for c in doc["clips"]
    ]
    missing = [c.id for c in clips if local and not c.path.exists()]
    if missing:
        raise SystemExit(
            f"{len(missing)} clips are not imported (e.g. {missing[0]}): run "
            "bench/make_real_episodes.py --import OWNER/NAME=GITDIR (see provenance.yaml)"
        )
    return [c for c in clips if c.committed or local]


def decode(path: Path) -> np.ndarray:
    raw = subprocess.run(
        [
            *("ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(path)),
            *("-ac", "1", "-ar", str(SR), "-f", "f32le", "pipe:1"),
        ],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype="<f4").astype(np.float32)


def speech_bounds(x: np.ndarray) -> tuple[int, int]:
    """First and last sample of speech, in 10 ms frames: the first and last run of three
    frames louder than both 30 dB under the loudest frame and 15 dB over the clip's noise
    floor (its 10th-percentile frame): a recording's hiss, clicks and breaths are not
    speech."""
    hop = SR // 100
    n = max(1, x.size // hop)
    rms = np.sqrt(np.mean(x[: n * hop].reshape(n, hop) ** 2, axis=1) + 1e-12)
    db = 20 * np.log10(rms / rms.max())
    threshold = max(-30.0, float(np.percentile(db, 10)) + 15.0)
    loud = db > threshold
    runs = np.nonzero(loud[:-2] & loud[1:-1] & loud[2:])[0]
    if runs.size == 0:
        return 0, x.size
    return int(runs[0]) * hop, int(runs[-1] + 3) * hop


def prepared(clip: Clip) -> np.ndarray:
    """The clip's speech, cut to its bounds (50 ms margin after), at a common loudness."""
    x = decode(clip.path)
    a, b = speech_bounds(x)
    x = x[a : min(x.size, b + SR // 20)]
    active = x[np.abs(x) > 0.01 * np.abs(x).max()]
    return (x * (0.08 / (np.sqrt(np.mean(active**2)) + 1e-9))).astype(np.float32)


# a recording shorter than this per letter of its text does not say all of it (no one
# speaks that fast: 17 of the 178 imported dc_tts recordings are 5-40 ms a letter, cut
# short or of another text; the committed clips are 61-129)
MIN_MS_PER_LETTER = 45


def says_its_text(clip: Clip, x: np.ndarray) -> bool:
    """Whether the clip's speech is long enough to say its text."""
    letters = sum(ch.isalpha() for ch in clip.text)
    return x.size * 1000 / SR >= MIN_MS_PER_LETTER * letters


def room(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A small room: exponentially decaying noise as the impulse response (RT60 0.35 s),
    mixed 1:0.3 with the dry signal."""
    n = int(0.35 * SR)
    ir = rng.normal(0, 1, n) * np.exp(-6.9 * np.arange(n) / n)
    ir /= np.sqrt(np.sum(ir**2))
    size = 1 << int(np.ceil(np.log2(x.size + n)))
    wet = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(ir, size), size)[: x.size]
    return (x + 0.3 * wet).astype(np.float32)


def plan_paragraphs(
    clips: list[Clip], rng: np.random.Generator
) -> list[tuple[str | None, list[Clip]]]:
    """(heading or None, clips) per paragraph, sections in the order of SECTIONS; a paragraph
    takes lo to hi clips, and more while the next one continues its sentence."""
    out: list[tuple[str | None, list[Clip]]] = []
    for group, heading, (lo, hi) in SECTIONS:
        members = [c for c in clips if c.role == "script" and c.group == group]
        first = True
        while members:
            k = int(rng.integers(lo, hi + 1))
            while k < len(members) and members[k].continues:
                k += 1
            out.append((heading if first else None, members[:k]))
            members = members[k:]
            first = False
    return out


def sentences_with_truth(parts: list[Clip], starts_ms: list[int]) -> list[dict[str, object]]:
    """The paragraph's sentences; a sentence beginning a clip gets that clip's start."""
    text = ""
    clip_at: dict[int, int] = {}
    for clip, start in zip(parts, starts_ms, strict=True):
        if text:
            text += " "
        clip_at[len(text)] = start
        text += clip.text.strip()
    out: list[dict[str, object]] = []
    pos = 0
    for sentence in make_episode.split_sentences(text):
        at = text.index(sentence, pos)
        pos = at + len(sentence)
        out.append({"text": sentence, "start_ms": clip_at.get(at)})
    return out


def build(variant: str, seed: int) -> tuple[np.ndarray, dict[str, object]]:
    rng = np.random.default_rng(seed)
    clips = load_clips(local=variant == "real-long")
    audio = {c.id: prepared(c) for c in clips}
    clips = [c for c in clips if c.role != "script" or says_its_text(c, audio[c.id])]
    unscripted = [c for c in clips if c.role == "unscripted"]
    paragraphs = plan_paragraphs(clips, rng)
    ads = variant in ("real-ads", "real-long")
    ad_after = set()
    aside_after = set()
    if ads:
        n = len(paragraphs)
        ad_after = {int(n * f) + int(rng.integers(-1, 2)) for f in (0.25, 0.5, 0.75)}
        aside_after = {int(x) for x in rng.choice(n - 1, size=3, replace=False)} - ad_after

    intro_s = float(rng.uniform(10, 20))
    cursor = int(intro_s * SR)
    placed: list[tuple[int, np.ndarray]] = []
    music_under: list[tuple[int, int]] = []
    insertions: list[dict[str, object]] = []
    paras: list[dict[str, object]] = []
    long_voices = [c for c in unscripted if audio[c.id].size > 10 * SR]
    short_voices = [c for c in unscripted if audio[c.id].size <= 10 * SR]
    for p, (heading, parts) in enumerate(paragraphs):
        cursor += int(float(rng.uniform(0.6, 1.5)) * SR)
        starts: list[int] = []
        for k, clip in enumerate(parts):
            if k:
                cursor += int(float(rng.uniform(0.15, 0.5)) * SR)
            x = audio[clip.id]
            starts.append(cursor * 1000 // SR)
            placed.append((cursor, x))
            cursor += x.size
        paras.append(
            {
                "start_ms": starts[0],
                "speaker": parts[0].speaker,
                "heading": heading,
                "clips": [c.id for c in parts],
                "sentences": sentences_with_truth(parts, starts),
            }
        )
        if p in ad_after:  # ~20 s: a long utterance and a short one by two other speakers
            cursor += SR
            a = cursor
            first = long_voices[len(insertions) % len(long_voices)]
            second = short_voices[int(rng.integers(len(short_voices)))]
            for k, clip in enumerate((first, second)):
                cursor += int(0.3 * SR) if k else 0
                placed.append((cursor, audio[clip.id]))
                cursor += audio[clip.id].size
            music_under.append((a - SR, cursor + SR))
            insertions.append(
                {"kind": "ad", "start_ms": a * 1000 // SR, "end_ms": cursor * 1000 // SR}
            )
            cursor += SR
        elif p in aside_after:
            cursor += int(float(rng.uniform(0.3, 0.8)) * SR)
            clip = short_voices[int(rng.integers(len(short_voices)))]
            placed.append((cursor, audio[clip.id]))
            insertions.append(
                {
                    "kind": "aside",
                    "start_ms": cursor * 1000 // SR,
                    "end_ms": (cursor + audio[clip.id].size) * 1000 // SR,
                }
            )
            cursor += audio[clip.id].size

    outro_s = float(rng.uniform(4, 8))
    total = cursor + int((outro_s + 1.0) * SR)
    speech = np.zeros(total, dtype=np.float32)
    for at, x in placed:
        speech[at : at + x.size] += x
    if variant != "real":
        speech = room(speech, rng)
    level = 0.08
    mix = speech.copy()
    first = int(paras[0]["start_ms"]) * SR // 1000  # type: ignore[call-overload]
    bed = make_episode.music(intro_s + 4.0, rng)
    fade = np.ones(bed.size, dtype=np.float32)
    fade[first:] = np.linspace(0.35, 0.0, bed.size - first, dtype=np.float32)
    mix[: bed.size] += bed * fade * (level / 0.075)
    out_start = cursor + SR // 2
    outro = make_episode.music(total / SR - out_start / SR, rng)
    mix[out_start : out_start + outro.size] += outro * (level / 0.075)
    for a, b in music_under:
        mix[a:b] += make_episode.music((b - a) / SR, rng) * (level / 0.075) * 0.3
    if variant != "real":
        mix += make_episode.pink_noise(total, rng) * level * 10 ** (-20 / 20)
    mix *= 0.7 / float(np.max(np.abs(mix)))

    chapters = [p for p, para in enumerate(paras) if para["heading"] or p % 6 == 0]
    truth: dict[str, object] = {
        "variant": variant,
        "seed": seed,
        "language": "en",
        "speech": "real",
        "duration_ms": total * 1000 // SR,
        "intro_ms": int(intro_s * 1000),
        "paragraphs": paras,
        "chapters": chapters,
        "insertions": insertions,
    }
    return mix, truth


def transcript_text(truth: dict[str, object]) -> str:
    """The episode's transcript in the plain format podpub reads ("## " headings)."""
    blocks = []
    for para in truth["paragraphs"]:  # type: ignore[attr-defined]
        text = " ".join(str(s["text"]) for s in para["sentences"])
        blocks.append((f"## {para['heading']}\n\n" if para["heading"] else "") + text)
    return "\n\n".join(blocks) + "\n"


def provenance_digest() -> str:
    h = hashlib.sha1(PROVENANCE.read_bytes())
    h.update(Path(__file__).read_bytes())
    for f in sorted([*AUDIO.glob("*.opus"), *LOCAL.glob("*.opus")]):
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def make(variant: str, seed: int, out_dir: Path) -> Path:
    mix, truth = build(variant, seed)
    name = f"{variant}-s{seed}"
    audio = out_dir / f"{name}.mp3"
    make_episode.write_audio(mix, audio)
    truth["audio"] = audio.name
    truth["text_sha1"] = provenance_digest()
    (out_dir / f"{name}.json").write_text(json.dumps(truth, indent=1) + "\n")
    (out_dir / f"{name}.txt").write_text(transcript_text(truth), encoding="utf-8")
    return audio


def import_audio(pairs: list[str]) -> None:
    """Read each clip from a git directory of its repository at the recorded commit and
    transcode it to Opus 24 kb/s mono."""
    doc = yaml.safe_load(PROVENANCE.read_text(encoding="utf-8"))
    commits = {s["repo"]: s["commit"] for s in doc["sources"]}
    git_dirs = dict(pair.split("=", 1) for pair in pairs)
    AUDIO.mkdir(parents=True, exist_ok=True)
    for clip in doc["clips"]:
        if clip["repo"] not in git_dirs:
            continue
        target = (AUDIO if clip.get("committed", True) else LOCAL) / f"{clip['id']}.opus"
        target.parent.mkdir(parents=True, exist_ok=True)
        blob = subprocess.run(
            [
                "git",
                "--git-dir",
                git_dirs[clip["repo"]],
                "show",
                f"{commits[clip['repo']]}:{clip['path']}",
            ],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(
            [
                *("ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-i", "pipe:0", "-ac", "1"),
                *("-ar", "24000", "-c:a", "libopus", "-b:a", "24k", "-map_metadata", "-1"),
                *("-fflags", "+bitexact", str(target)),
            ],
            input=blob,
            check=True,
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--variant", choices=VARIANTS, default="real")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--import", dest="imports", nargs="+", metavar="OWNER/NAME=GITDIR")
    args = ap.parse_args(argv)
    if args.imports:
        import_audio(args.imports)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    print(make(args.variant, args.seed, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
