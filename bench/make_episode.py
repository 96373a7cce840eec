"""Generate a synthetic podcast episode with known truth, for benchmarking alignment.

The speech comes from a text-to-speech engine that is *not* the aligner's own voice:
flite (Debian package ``flite``: voices slt, rms, awb, kal16) when it is installed,
otherwise espeak-ng variants with other pitches and speeds (``--tts espeak``), or
Festival (``--tts festival``: Debian's ``festival``, ``festvox-us-slt-hts``,
``festvox-kallpc16k`` and ``festvox-kdlpc16k``; an engine the aligner never uses and the
other variants do not either). Host and guest have different
voices and speaking rates; pauses between sentences and paragraphs are random; a music bed
(synthesised tones) plays for 10-20 s before the speech starts and fades under it.

Variants:
  clean  speech + music bed
  noisy  + noise at about 20 dB SNR
  hard   + noise, three or more ~20 s unscripted ad breaks (another voice, music under),
         fillers ("um", "you know") in 15 % of sentences, an unscripted sentence in 30 % of
         paragraphs, +-15 % speaking-rate jitter per sentence

The truth (the onset of every sentence and paragraph, chapters, inserted audio) is written
to a JSON file next to the audio. Usage:

    python bench/make_episode.py [TEXT] --variant hard [--seed 1] [--repeat 6]
                                 [--tts espeak|festival]

TEXT is a plain transcript: paragraphs separated by blank lines, "## " lines are section
headings, "# " lines are comments. Any other transcript podpub reads (e.g. an episode's
transcript.txt) works too when podpub is importable. Default: the first
episodes/*/transcript.txt of the repository, else bench/data/advocate-spoken.txt.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SR = 16_000
REPO = Path(__file__).resolve().parent.parent
DEFAULT_TEXT = REPO / "bench" / "data" / "advocate-spoken.txt"

AD_TEXT = (
    "This episode is brought to you by Northwind Coffee. "
    "Every bag is roasted the day it ships, so it reaches your door at its very best. "
    "Try the Morning Ridge blend, with notes of cocoa, cherry and toasted almond. "
    "Subscribe today and your first bag is on us. "
    "Visit northwind coffee dot com slash podcast and use the code listen at checkout. "
    "Northwind Coffee. Wake up to something better. "
    "Support for this show comes from Lumen Bank. "
    "Open an account in five minutes from your phone, with no monthly fees and no minimum "
    "balance. "
    "Lumen Bank is a member of the deposit insurance scheme, terms apply. "
    "Find out more at lumen bank dot com. "
    "And now, a word from our friends at Trailhead Outdoor Gear. "
    "Whether you are climbing a mountain or walking the dog, Trailhead keeps you dry. "
    "Their new rain shell packs into its own pocket and weighs less than an apple. "
    "Free returns for a whole year, no questions asked. "
    "Go to trailhead gear dot com today. "
    "This podcast is supported by listeners like you. "
    "If you enjoy the show, please leave a rating and tell a friend about it. "
    "It really helps new people find us, and it means a lot to the whole team."
)
ASIDES = (
    "Sorry, let me just move the microphone a little closer.",
    "I think that is a really important point, actually.",
    "Let me put it another way for the listeners.",
    "That is something I come back to again and again.",
    "I remember that day very clearly, it was raining.",
    "Yes, exactly, that is what I was trying to say.",
    "Can you hear me all right? The line is a bit noisy today.",
    "We talked about this a little before we started recording.",
    "It is hard to explain in just a few words.",
    "I want to be careful about how I say this.",
)
FILLERS = ("Um,", "Uh,", "You know,", "Well, um,", "So, uh,", "I mean,")


# --------------------------------------------------------------------------- text


def read_text(path: Path) -> list[tuple[str | None, str]]:
    """(heading or None, paragraph text) per spoken paragraph."""
    raw = path.read_text(encoding="utf-8")
    if "\n## " in "\n" + raw or path.suffix == ".md" or path == DEFAULT_TEXT:
        out: list[tuple[str | None, str]] = []
        heading: str | None = None
        for block in re.split(r"\n\s*\n", raw):
            lines = [ln.strip() for ln in block.strip().split("\n") if ln.strip()]
            text_lines = []
            for line in lines:
                if line.startswith("## "):
                    heading = line[3:].strip()
                elif line.startswith("#"):
                    continue
                else:
                    text_lines.append(line)
            if text_lines:
                out.append((heading, " ".join(text_lines)))
                heading = None
        return out
    sys.path.insert(0, str(REPO / "src"))
    from podpub.transcripts import read_transcript

    transcript = read_transcript(path)
    out = []
    for section in transcript.sections:
        for i, para in enumerate(section.paragraphs):
            out.append((section.title if i == 0 else None, para.text))
    return out


_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|vs|etc|e\.g|i\.e|U\.S|No)\.$")


def split_sentences(text: str) -> list[str]:
    """The text's sentences; a closing quote or bracket after the full stop stays with its
    sentence."""
    parts = re.split(r"(?:(?<=[.!?…][\"”’)])|(?<=[.!?…]))\s+(?=[\"“‘(]?[A-Z0-9])", text.strip())
    out: list[str] = []
    for part in parts:
        if out and _ABBREV.search(out[-1]):
            out[-1] += " " + part
        else:
            out.append(part)
    return [s.strip() for s in out if s.strip()]


# --------------------------------------------------------------------------- voices


@dataclass(frozen=True)
class Voice:
    name: str
    engine: str  # "flite", "espeak-ng" or "festival"
    voice: str
    stretch: float = 1.0  # >1 is slower
    pitch: int = 50  # espeak-ng only
    gain: float = 1.0


def voices(tts: str = "auto") -> dict[str, Voice]:
    """Host, guest and ad voices: flite ("flite", or "auto" when installed), espeak-ng
    variants ("espeak": other voices, pitches and speeds than the aligner's), or Festival
    ("festival": an engine neither the aligner nor the other voices use; Debian's
    festvox-us-slt-hts, festvox-kallpc16k and festvox-kdlpc16k)."""
    if tts == "festival":
        return {
            "host": Voice("host", "festival", "cmu_us_slt_arctic_hts", 1.0, gain=0.9),
            "guest": Voice("guest", "festival", "kal_diphone", 1.1, gain=1.0),
            "ad": Voice("ad", "festival", "ked_diphone", 0.95, gain=0.8),
        }
    if tts == "flite" or (tts == "auto" and shutil.which("flite")):
        return {
            "host": Voice("host", "flite", "slt", 1.0, gain=0.9),
            "guest": Voice("guest", "flite", "rms", 1.12, gain=1.0),
            "ad": Voice("ad", "flite", "awb", 0.92, gain=0.8),
        }
    return {
        "host": Voice("host", "espeak-ng", "en-gb+f3", 1.1, pitch=65, gain=0.9),
        "guest": Voice("guest", "espeak-ng", "en-us+m7", 1.2, pitch=30),
        "ad": Voice("ad", "espeak-ng", "en-gb-x-rp+m2", 0.95, pitch=45, gain=0.8),
    }


def _read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as w:
        rate = w.getframerate()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        if w.getnchannels() > 1:
            data = data.reshape(-1, w.getnchannels())[:, 0]
    x = data.astype(np.float32) / 32768.0
    if rate != SR:
        from scipy.signal import resample_poly

        g = np.gcd(rate, SR)
        x = resample_poly(x, SR // g, rate // g).astype(np.float32)
    return x


def trim(x: np.ndarray) -> np.ndarray:
    """Cut leading/trailing silence: first/last 5 ms block above -40 dB of the peak."""
    if x.size == 0:
        return x
    block = SR // 200
    n = x.size // block
    if n == 0:
        return x
    env = np.abs(x[: n * block]).reshape(n, block).max(axis=1)
    loud = np.nonzero(env > env.max() * 0.01)[0]
    if loud.size == 0:
        return x[:0]
    return x[loud[0] * block : (loud[-1] + 1) * block]


def synth(voice: Voice, text: str, stretch: float, workdir: Path, key: str) -> np.ndarray:
    out = workdir / f"{key}.wav"
    if voice.engine == "flite":
        cmd = [
            "flite",
            "-voice",
            voice.voice,
            "--setf",
            f"duration_stretch={voice.stretch * stretch:.3f}",
            "-t",
            text,
            "-o",
            str(out),
        ]
    elif voice.engine == "festival":
        cmd = [
            "text2wave",
            "-eval",
            f"(voice_{voice.voice})",
            "-eval",
            f"(Parameter.set 'Duration_Stretch {voice.stretch * stretch:.3f})",
            "-o",
            str(out),
        ]
        # Festival says a typographic apostrophe or quote as a sound of its own ("You’re"
        # takes 0.7 s longer than "You're"): a reader would not
        plain = text.translate(str.maketrans("‘’“”", "''\"\""))
        subprocess.run(cmd, input=plain.encode(), check=True, capture_output=True)
        return trim(_read_wav(out)) * voice.gain
    else:
        wpm = int(175 / (voice.stretch * stretch))
        cmd = [
            "espeak-ng",
            "-v",
            voice.voice,
            "-s",
            str(wpm),
            "-p",
            str(voice.pitch),
            "-w",
            str(out),
            text,
        ]
    subprocess.run(cmd, check=True, capture_output=True)
    return trim(_read_wav(out)) * voice.gain


# --------------------------------------------------------------------------- sounds


def music(seconds: float, rng: np.random.Generator) -> np.ndarray:
    """A soft synthesised music bed: chords of harmonic tones, one per ~2 s, and a beat."""
    n = int(seconds * SR)
    t = np.arange(n) / SR
    out = np.zeros(n, dtype=np.float64)
    roots = [220.0, 174.6, 196.0, 246.9, 261.6, 164.8]
    chord_len = 2.0
    for k in range(int(np.ceil(seconds / chord_len))):
        a, b = int(k * chord_len * SR), min(n, int((k + 1) * chord_len * SR))
        if a >= n:
            break
        root = roots[int(rng.integers(len(roots)))]
        seg_t = t[a:b] - t[a]
        env = np.minimum(1.0, seg_t / 0.05) * np.exp(-seg_t * 0.8)
        for ratio in (1.0, 1.25, 1.5, 2.0):
            f = root * ratio
            tone = sum(np.sin(2 * np.pi * f * h * seg_t) / h**1.5 for h in (1, 2, 3, 4))
            out[a:b] += 0.12 * env * tone
    beat = np.zeros(n)
    step = int(0.5 * SR)
    click = np.exp(-np.arange(int(0.08 * SR)) / (0.015 * SR)) * rng.normal(0, 1, int(0.08 * SR))
    for a in range(0, n - click.size, step):
        beat[a : a + click.size] += 0.15 * click
    out += beat
    out *= 0.25 / (np.sqrt(np.mean(out**2)) + 1e-9) * 0.3
    return out.astype(np.float32)


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    white = rng.normal(0, 1, n)
    spec = np.fft.rfft(white)
    f = np.arange(spec.size)
    spec[1:] /= np.sqrt(f[1:])
    x = np.fft.irfft(spec, n)
    return (x / np.sqrt(np.mean(x**2))).astype(np.float32)


# --------------------------------------------------------------------------- episode


@dataclass
class Placed:
    kind: str  # "sentence", "filler", "aside", "ad", "music"
    start: int  # samples
    audio: np.ndarray
    para: int = -1
    sent: int = -1
    text: str = ""


@dataclass
class Plan:
    items: list[Placed] = field(default_factory=list)
    cursor: int = 0

    def add(self, item: Placed, gap_s: float) -> None:
        self.cursor += int(gap_s * SR)
        item.start = self.cursor
        self.items.append(item)
        self.cursor += item.audio.size


def build(
    paragraphs: list[tuple[str | None, str]],
    variant: str,
    seed: int,
    workdir: Path,
    tts: str = "auto",
) -> tuple[np.ndarray, dict[str, object]]:
    rng = np.random.default_rng(seed)
    vs = voices(tts)
    hard = variant == "hard"
    jobs: list[tuple[str, Voice, str, float]] = []  # key, voice, text, stretch
    para_sents = [split_sentences(text) for _, text in paragraphs]
    speakers = []
    for i, (_, text) in enumerate(paragraphs):
        speakers.append("host" if i < 2 or text.rstrip().endswith("?") else "guest")

    # Decide the episode's structure first, then synthesise everything in parallel.
    script: list[tuple[str, str, float, dict[str, object]]] = []  # kind, key, gap, meta
    ad_after = set()
    if hard:
        n = len(paragraphs)
        for frac in (0.22, 0.5, 0.78):
            ad_after.add(int(n * frac + rng.integers(-2, 3)))
    ad_sentences = split_sentences(AD_TEXT)
    ad_pos = 0
    for p, sents in enumerate(para_sents):
        voice = vs[speakers[p]]
        aside_at = -1
        if hard and rng.random() < 0.3:
            aside_at = int(rng.integers(1, len(sents) + 1))
        for s, sent in enumerate([*sents, ""]):
            if s == aside_at:
                key = f"aside{p}"
                text = ASIDES[int(rng.integers(len(ASIDES)))]
                jobs.append((key, voice, text, float(rng.uniform(0.85, 1.15))))
                script.append(("aside", key, float(rng.uniform(0.15, 0.5)), {"para": p}))
            if s == len(sents):
                break
            stretch = float(rng.uniform(0.85, 1.15)) if hard else 1.0
            gap = float(rng.uniform(0.3, 1.2)) if s == 0 else float(rng.uniform(0.1, 0.5))
            if hard and rng.random() < 0.15:
                filler = FILLERS[int(rng.integers(len(FILLERS)))]
                words = sent.split()
                if rng.random() < 0.5 or len(words) < 6:
                    key = f"f{p}_{s}"
                    jobs.append((key, voice, filler, stretch))
                    script.append(("filler", key, gap, {}))
                    gap = float(rng.uniform(0.08, 0.3))
                    parts = [sent]
                else:
                    cut = int(rng.integers(2, len(words) - 2))
                    key = f"f{p}_{s}"
                    jobs.append((key, voice, filler, stretch))
                    parts = [" ".join(words[:cut]), "@" + key, " ".join(words[cut:])]
            else:
                parts = [sent]
            for k, part in enumerate(parts):
                if part.startswith("@"):
                    script.append(("filler", part[1:], float(rng.uniform(0.05, 0.2)), {}))
                    continue
                key = f"s{p}_{s}_{k}"
                jobs.append((key, voice, part, stretch))
                meta: dict[str, object] = {"para": p, "sent": s, "first": k == 0}
                script.append(
                    ("sentence", key, gap if k == 0 else float(rng.uniform(0.05, 0.2)), meta)
                )
        if p in ad_after:
            texts = []
            while len(" ".join(texts).split()) < 60:
                texts.append(ad_sentences[ad_pos % len(ad_sentences)])
                ad_pos += 1
            for t_i, text in enumerate(texts):
                key = f"ad{p}_{t_i}"
                jobs.append((key, vs["ad"], text, 1.0))
                script.append(
                    ("ad", key, 1.0 if t_i == 0 else 0.25, {"block": p, "first": t_i == 0})
                )

    with ThreadPoolExecutor(max_workers=4) as pool:
        clips = dict(
            zip(
                [j[0] for j in jobs],
                pool.map(lambda j: synth(j[1], j[2], j[3], workdir, j[0]), jobs),
                strict=True,
            )
        )

    intro_s = float(rng.uniform(10, 20))
    plan = Plan(cursor=int(intro_s * SR))
    truth_sent: dict[tuple[int, int], int] = {}
    insertions: list[dict[str, object]] = []
    ad_start = -1
    for kind, key, gap, meta in script:
        clip = clips[key]
        item = Placed(kind, 0, clip)
        plan.add(item, gap)
        if kind == "sentence" and meta["first"]:
            truth_sent[(int(str(meta["para"])), int(str(meta["sent"])))] = item.start
        if kind == "aside":
            insertions.append(
                {
                    "kind": "aside",
                    "start_ms": item.start * 1000 // SR,
                    "end_ms": (item.start + clip.size) * 1000 // SR,
                }
            )
        if kind == "ad":
            if meta["first"]:
                ad_start = item.start
            insertions_last = {
                "kind": "ad",
                "start_ms": ad_start * 1000 // SR,
                "end_ms": (item.start + clip.size) * 1000 // SR,
            }
            if meta["first"]:
                insertions.append(insertions_last)
            else:
                insertions[-1] = insertions_last
    outro_s = float(rng.uniform(4, 8))
    total = plan.cursor + int((outro_s + 1.0) * SR)
    speech = np.zeros(total, dtype=np.float32)
    for item in plan.items:
        speech[item.start : item.start + item.audio.size] += item.audio

    active = speech[np.abs(speech) > 1e-3]
    speech_rms = float(np.sqrt(np.mean(active**2))) if active.size else 0.1
    mix = speech.copy()
    # Music: intro bed fading out under the first seconds of speech; outro; beds under ads.
    first = min(truth_sent.values())
    bed = music(intro_s + 4.0, rng)
    fade = np.ones(bed.size, dtype=np.float32)
    duck_from = first
    fade[duck_from:] = np.linspace(0.35, 0.0, bed.size - duck_from, dtype=np.float32)
    mix[: bed.size] += bed * fade * (speech_rms / 0.075)
    out_start = plan.cursor + int(0.5 * SR)
    outro = music(total / SR - out_start / SR, rng)
    mix[out_start : out_start + outro.size] += outro * (speech_rms / 0.075)
    for ins in insertions:
        if ins["kind"] == "ad":
            a = int(int(str(ins["start_ms"])) * SR / 1000) - SR
            b = int(int(str(ins["end_ms"])) * SR / 1000) + SR
            mix[a:b] += music((b - a) / SR, rng) * (speech_rms / 0.075) * 0.3
    if variant in ("noisy", "hard"):
        mix += pink_noise(total, rng) * speech_rms * 10 ** (-20 / 20)
    peak = float(np.max(np.abs(mix)))
    mix *= 0.7 / peak

    paras = []
    sentences = []
    for p, (heading, _text) in enumerate(paragraphs):
        starts = [truth_sent[(p, s)] * 1000 // SR for s in range(len(para_sents[p]))]
        paras.append(
            {
                "start_ms": starts[0],
                "speaker": speakers[p],
                "heading": heading,
                "sentences": [
                    {"text": t, "start_ms": st} for t, st in zip(para_sents[p], starts, strict=True)
                ],
            }
        )
        sentences.extend(para_sents[p])
    chapters = [p for p, (h, _) in enumerate(paragraphs) if p == 0 or h or p % 10 == 0]
    truth: dict[str, object] = {
        "variant": variant,
        "seed": seed,
        "language": "en",
        "tts": sorted({f"{v.engine}:{v.voice}" for v in vs.values()}),
        "duration_ms": total * 1000 // SR,
        "intro_ms": int(intro_s * 1000),
        "paragraphs": paras,
        "chapters": chapters,
        "insertions": insertions,
    }
    return mix, truth


def write_audio(x: np.ndarray, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    codec = ["-c:a", "libmp3lame", "-b:a", "96k"] if path.suffix == ".mp3" else []
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "f32le",
            "-ar",
            str(SR),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-ar",
            "44100",
            *codec,
            str(path),
        ],
        input=x.astype("<f4").tobytes(),
        check=True,
    )


def default_text() -> Path:
    found = sorted(REPO.glob("episodes/*/transcript.txt"))
    return found[0] if found else DEFAULT_TEXT


def repeat_episode(audio: Path, repeat: int, out: Path) -> Path:
    """A long episode: ``repeat`` copies of an episode back to back (ffmpeg concat, so no
    long signal is ever held in memory), with the truth shifted for each copy."""
    truth = json.loads(audio.with_suffix(".json").read_text())
    listing = out.with_suffix(".txt")
    listing.write_text("".join(f"file '{audio.resolve()}'\n" for _ in range(repeat)))
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
            "-c:a",
            "libmp3lame",
            "-b:a",
            "96k",
            str(out),
        ],
        check=True,
    )
    listing.unlink()
    step = int(truth["duration_ms"])
    paras, chapters, insertions = [], [], []
    for k in range(repeat):
        base = len(paras)
        for para in truth["paragraphs"]:
            paras.append(
                {
                    **para,
                    "start_ms": para["start_ms"] + k * step,
                    "sentences": [
                        {**s, "start_ms": s["start_ms"] + k * step} for s in para["sentences"]
                    ],
                }
            )
        chapters.extend(base + c for c in truth["chapters"])
        insertions.extend(
            {**i, "start_ms": i["start_ms"] + k * step, "end_ms": i["end_ms"] + k * step}
            for i in truth["insertions"]
        )
    truth.update(
        paragraphs=paras,
        chapters=chapters,
        insertions=insertions,
        duration_ms=step * repeat,
        audio=out.name,
        repeat=repeat,
    )
    out.with_suffix(".json").write_text(json.dumps(truth, indent=1) + "\n")
    return out


def episode_name(variant: str, seed: int, repeat: int = 1, tts: str = "auto") -> str:
    return (
        f"{variant}-s{seed}"
        + (f"-{tts}" if tts not in ("auto", "flite") else "")
        + (f"-x{repeat}" if repeat > 1 else "")
    )


def text_digest(text: Path) -> str:
    return hashlib.sha1(text.read_bytes()).hexdigest()[:12]


def make(
    text: Path,
    variant: str,
    seed: int,
    out_dir: Path,
    repeat: int = 1,
    tts: str = "auto",
) -> Path:
    name = episode_name(variant, seed, repeat, tts)
    if repeat > 1:
        base = out_dir / f"{episode_name(variant, seed, 1, tts)}.mp3"
        if not base.exists():
            make(text, variant, seed, out_dir, 1, tts)
        return repeat_episode(base, repeat, out_dir / f"{name}.mp3")
    paragraphs = read_text(text)
    with tempfile.TemporaryDirectory(prefix="podpub-bench-") as tmp:
        mix, truth = build(paragraphs, variant, seed, Path(tmp), tts)
    audio = out_dir / f"{name}.mp3"
    write_audio(mix, audio)
    truth["audio"] = audio.name
    truth["text"] = text.name
    truth["text_sha1"] = text_digest(text)
    (out_dir / f"{name}.json").write_text(json.dumps(truth, indent=1) + "\n")
    return audio


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("text", nargs="?", type=Path, default=None)
    ap.add_argument("--variant", choices=("clean", "noisy", "hard"), default="clean")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="a long episode: this many copies of the episode back to back",
    )
    ap.add_argument("--tts", choices=("auto", "flite", "espeak", "festival"), default="auto")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    args = ap.parse_args(argv)
    text = args.text or default_text()
    audio = make(text, args.variant, args.seed, args.out, args.repeat, args.tts)
    print(audio)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
