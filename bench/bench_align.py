"""Benchmark: how well are sentences, paragraphs and chapters placed in time?

For each episode (synthetic: bench/make_episode.py, variants clean noisy hard; real recorded
speech: bench/make_real_episodes.py, variants real real-noisy real-ads real-long; generated on
first use under bench/out/) it runs, each in its own subprocess so that wall time and peak
memory are its own:

  estimate   word-proportional placement inside the detected speech region (the fallback)
  dtw        align_sentences(repair="off"): DTW alone  (with --dtw)
  align      podpub.align.align_sentences, as a build runs it (paragraph starts as focus;
             speech recognition on the doubtful stretches only)
  repair     align_sentences(repair="full"): recognition on the whole episode (with --repair)
  marked     align, as if the transcript marked each ad read ("[AD]" before the paragraph
             after it): those paragraph starts are hinted (--methods marked)
  aeneas     aeneas-ng, a reference only, when it can be imported (--aeneas PYTHON)

and prints chapter start errors (mean, max), the share of paragraph (and sentence) starts
within 0.5 s, wall time and peak RSS. Usage:

    python bench/bench_align.py [--variants clean noisy hard real real-noisy real-ads]
                                [--seed 1] [--repeat 6]
                                [--dtw] [--repair] [--aeneas PYTHON]
                                [--condition reverb|lowrate|babble|fast]
                                [--write bench/RESULTS-align.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(HERE))


# --------------------------------------------------------------------------- workers


def sentences_of(truth: dict[str, object]) -> tuple[list[str], list[int]]:
    """All transcript sentences, and the index of each paragraph's first sentence."""
    out: list[str] = []
    firsts: list[int] = []
    for para in truth["paragraphs"]:  # type: ignore[attr-defined]
        firsts.append(len(out))
        out.extend(s["text"] for s in para["sentences"])
    return out, firsts


def estimate(audio: Path, sentences: list[str]) -> list[int]:
    """Word-proportional placement inside the speech region (first to last loud frame,
    threshold: 5th percentile of 50 ms frame levels + 10 dB)."""
    rate = 8000
    raw = subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-i",
            str(audio),
            "-ac",
            "1",
            "-ar",
            str(rate),
            "-f",
            "s16le",
            "pipe:1",
        ],
        capture_output=True,
        check=True,
    ).stdout
    x = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    block = rate // 20
    n = x.size // block
    db = 10 * np.log10(np.mean(x[: n * block].reshape(n, block) ** 2, axis=1) + 1e-10)
    loud = np.nonzero(db > np.percentile(db, 5) + 10.0)[0]
    start_ms, end_ms = (int(loud[0]) * 50, int(loud[-1] + 1) * 50) if loud.size else (0, n * 50)
    words = np.array([max(1, len(s.split())) for s in sentences], dtype=np.float64)
    before = np.concatenate([[0.0], np.cumsum(words)[:-1]]) / words.sum()
    return [int(start_ms + f * (end_ms - start_ms)) for f in before]


def aeneas_starts(audio: Path, sentences: list[str], workdir: Path) -> list[int]:
    """aeneas-ng (reference only; never a dependency of podpub)."""
    from aeneas.executetask import ExecuteTask  # type: ignore[import-not-found]
    from aeneas.task import Task  # type: ignore[import-not-found]

    text = workdir / "aeneas-text.txt"
    text.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    out = workdir / "aeneas-map.json"
    config = (
        "task_language=eng|is_text_type=plain|os_task_file_format=json|"
        "task_adjust_boundary_algorithm=percent|"
        "task_adjust_boundary_percent_value=100"
    )
    task = Task(config_string=config)
    task.audio_file_path_absolute = str(audio)
    task.text_file_path_absolute = str(text)
    task.sync_map_file_path_absolute = str(out)
    ExecuteTask(task).execute()
    task.output_sync_map_file()
    frags = json.loads(out.read_text())["fragments"]
    return [int(float(f["begin"]) * 1000) for f in frags]


def marked_paragraphs(truth: dict[str, object], firsts: list[int]) -> list[int]:
    """The first sentence of each paragraph right after an ad read: where a transcript
    that marks its ads ("[AD]") has the marker."""
    starts = [p["start_ms"] for p in truth["paragraphs"]]  # type: ignore[attr-defined]
    out = []
    for insertion in truth.get("insertions", []):  # type: ignore[attr-defined]
        if insertion["kind"] == "ad":
            after = [k for k, t in enumerate(starts) if t >= insertion["end_ms"]]
            if after:
                out.append(firsts[after[0]])
    return out


def worker(method: str, audio: Path, truth_path: Path, result: Path) -> int:
    truth = json.loads(truth_path.read_text())
    sentences, firsts = sentences_of(truth)
    t0 = time.perf_counter()
    engine = method
    confidences: list[float] = []
    if method == "estimate":
        starts = estimate(audio, sentences)
    elif method in ("dtw", "align", "repair", "marked"):
        from podpub.align import align_sentences

        mode = {"dtw": "off", "align": "targeted", "repair": "full", "marked": "targeted"}[method]
        al = align_sentences(
            audio,
            sentences,
            str(truth.get("language", "en")),
            repair=mode,  # type: ignore[arg-type]
            focus=firsts,
            hinted=marked_paragraphs(truth, firsts) if method == "marked" else (),
        )
        starts = [s.start_ms for s in al.spans]
        confidences = [s.confidence for s in al.spans]
        engine = al.engine
    elif method == "aeneas":
        starts = aeneas_starts(audio, sentences, result.parent)
    else:
        raise SystemExit(f"unknown method {method}")
    wall = time.perf_counter() - t0
    result.write_text(
        json.dumps(
            {"starts": starts, "confidences": confidences, "engine": engine, "inner_s": wall}
        )
    )
    return 0


def run_measured(cmd: list[str], timeout_s: float = 1800.0) -> tuple[float, float, int]:
    """Run a subprocess; its wall time (s), peak RSS (MB) and exit status (killed after
    ``timeout_s``: aeneas can hang)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    watchdog = threading.Timer(timeout_s, proc.kill)
    watchdog.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        watchdog.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t0, usage.ru_maxrss / 1024.0, proc.returncode


# --------------------------------------------------------------------------- scoring


# a start the aligner gives less confidence than this is flagged (podpub's LOW_CONFIDENCE)
LOW_CONFIDENCE = 0.5


def score(
    truth: dict[str, object], starts: list[int], confidences: list[float] | None = None
) -> dict[str, object]:
    """Errors against the truth; a sentence without a true start (inside a real-speech
    clip) is not scored. ``over_3s``: paragraphs off by more than 3 s whose start is not
    flagged as low confidence; ``worst``: the five worst paragraphs (error, index, flag)."""
    _, firsts = sentences_of(truth)
    paras = truth["paragraphs"]  # type: ignore[assignment]
    true_sent = np.array(
        [np.nan if s["start_ms"] is None else s["start_ms"] for p in paras for s in p["sentences"]],
        dtype=float,
    )
    est = np.asarray(starts, dtype=float)
    sent_err = np.abs(est - true_sent) / 1000.0
    para_err = sent_err[firsts]
    chap_err = para_err[truth["chapters"]]  # type: ignore[index]
    known = sent_err[~np.isnan(sent_err)]
    conf = np.asarray(confidences if confidences else [1.0] * len(starts), dtype=float)
    flagged = conf[firsts] < LOW_CONFIDENCE
    worst = sorted(
        ((round(float(e), 2), p, bool(flagged[p])) for p, e in enumerate(para_err)),
        reverse=True,
    )[:5]
    return {
        "chap_mean": float(chap_err.mean()),
        "chap_max": float(chap_err.max()),
        "para_05": float(np.mean(para_err <= 0.5)),
        "para_med": float(np.median(para_err)),
        "para_max": float(para_err.max()),
        "sent_05": float(np.mean(known <= 0.5)),
        "over_3s": float(np.sum((para_err > 3.0) & ~flagged)),
        "flagged": float(np.sum(flagged)),
        "worst": worst,
    }


def ensure_episode(
    out: Path, variant: str, seed: int, repeat: int, text: Path | None, tts: str
) -> tuple[Path, Path]:
    """The episode's audio and truth, generated unless they exist for this text."""
    if variant.startswith("real"):
        return ensure_real_episode(out, variant, seed)
    import make_episode

    text = text or make_episode.default_text()
    name = make_episode.episode_name(variant, seed, repeat, tts)
    audio, truth = out / f"{name}.mp3", out / f"{name}.json"
    fresh = audio.exists() and truth.exists()
    if fresh:
        made_from = json.loads(truth.read_text()).get("text_sha1")
        fresh = made_from == make_episode.text_digest(text)
    if not fresh:
        print(f"generating {name} from {text.name} ...", file=sys.stderr, flush=True)
        if repeat > 1:  # the copies come from the single episode: make sure it is fresh
            ensure_episode(out, variant, seed, 1, text, tts)
        # in a subprocess: this process stays small, so the workers it forks (whose peak
        # memory starts from this process's size) are measured fairly
        cmd = [
            sys.executable,
            str(HERE / "make_episode.py"),
            str(text),
            "--variant",
            variant,
            "--seed",
            str(seed),
            "--repeat",
            str(repeat),
            "--tts",
            tts,
            "--out",
            str(out),
        ]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return audio, truth


def ensure_real_episode(out: Path, variant: str, seed: int) -> tuple[Path, Path]:
    """A real-speech episode (bench/make_real_episodes.py), made unless it exists for the
    current clips and provenance."""
    import make_real_episodes

    name = f"{variant}-s{seed}"
    audio, truth = out / f"{name}.mp3", out / f"{name}.json"
    fresh = audio.exists() and truth.exists()
    if fresh:
        made_from = json.loads(truth.read_text()).get("text_sha1")
        fresh = made_from == make_real_episodes.provenance_digest()
    if not fresh:
        print(f"generating {name} from real speech ...", file=sys.stderr, flush=True)
        cmd = [sys.executable, str(HERE / "make_real_episodes.py"), "--variant", variant]
        cmd += ["--seed", str(seed), "--out", str(out)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return audio, truth


# conditions the benchmark's episodes never have, made from them with ffmpeg: how the
# aligner copes with audio unlike its test material (truth times scaled for "fast")
CONDITIONS: dict[str, tuple[list[str], float]] = {
    "reverb": (["-af", "aecho=0.8:0.6:35|73|121:0.35|0.25|0.15", "-b:a", "96k"], 1.0),
    "lowrate": (["-ar", "22050", "-b:a", "32k"], 1.0),
    "babble": (
        [
            "-f",
            "lavfi",
            "-i",
            "anoisesrc=color=brown:amplitude=0.05:seed=3,tremolo=f=3:d=0.9",
            "-filter_complex",
            "[0:a][1:a]amix=inputs=2:duration=first:weights=1 1",
            "-b:a",
            "96k",
        ],
        1.0,
    ),
    "fast": (["-af", "atempo=1.15", "-b:a", "96k"], 1 / 1.15),
}


def ensure_condition(audio: Path, truth_path: Path, condition: str) -> tuple[Path, Path]:
    """The episode made over in ``condition`` (see CONDITIONS), with its truth."""
    if condition == "none":
        return audio, truth_path
    args, scale = CONDITIONS[condition]
    out_audio = audio.with_name(f"{audio.stem}-{condition}.mp3")
    out_truth = truth_path.with_name(f"{truth_path.stem}-{condition}.json")
    if out_audio.exists() and out_truth.exists():
        made_from = json.loads(out_truth.read_text()).get("text_sha1")
        if made_from == json.loads(truth_path.read_text()).get("text_sha1"):
            return out_audio, out_truth
    cmd = ["ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-i", str(audio), *args]
    subprocess.run([*cmd, str(out_audio)], check=True)
    truth = json.loads(truth_path.read_text())
    for para in truth["paragraphs"]:
        for sentence in para["sentences"]:
            sentence["start_ms"] = round(sentence["start_ms"] * scale)
    truth["duration_ms"] = round(truth["duration_ms"] * scale)
    truth["audio"] = out_audio.name
    out_truth.write_text(json.dumps(truth, indent=1) + "\n")
    return out_audio, out_truth


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="alignment benchmark")
    ap.add_argument("--worker", nargs=4, metavar=("METHOD", "AUDIO", "TRUTH", "RESULT"))
    ap.add_argument(
        "--variants",
        nargs="+",
        default=["clean", "noisy", "hard", "real", "real-noisy", "real-ads"],
        help="real-long also, once its clips are imported (bench/make_real_episodes.py)",
    )
    ap.add_argument("--methods", nargs="+", default=["estimate", "align"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--repeat", type=int, default=1, help="copies of the episode back to back (about 3 h: 6)"
    )
    ap.add_argument("--dtw", action="store_true", help="also run DTW alone (no recognition)")
    ap.add_argument("--repair", action="store_true", help="also run full-episode recognition")
    ap.add_argument("--aeneas", metavar="PYTHON", help="a python that can import aeneas")
    ap.add_argument("--text", type=Path, default=None)
    ap.add_argument(
        "--tts",
        choices=("auto", "flite", "espeak", "festival"),
        default="auto",
        help="episode voices",
    )
    ap.add_argument(
        "--condition",
        choices=("none", *CONDITIONS),
        default="none",
        help="make each episode over: reverb, 32 kbit/s, babble noise, or 15 %% faster",
    )
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--write", type=Path, default=None, help="append a markdown table here")
    args = ap.parse_args(argv)
    if args.worker:
        m, audio, truth, result = args.worker
        return worker(m, Path(audio), Path(truth), Path(result))

    methods = list(args.methods)
    methods += (["dtw"] if args.dtw else []) + (["repair"] if args.repair else [])
    if args.aeneas:
        methods.append("aeneas")
    rows = []
    for variant in args.variants:
        audio, truth_path = ensure_episode(
            args.out, variant, args.seed, args.repeat, args.text, args.tts
        )
        audio, truth_path = ensure_condition(audio, truth_path, args.condition)
        truth = json.loads(truth_path.read_text())
        minutes = truth["duration_ms"] / 60000.0
        for method in methods:
            result = args.out / f"{audio.stem}.{method}.result.json"
            result.unlink(missing_ok=True)
            python = args.aeneas if method == "aeneas" else sys.executable
            wall, rss, rc = run_measured(
                [
                    python,
                    str(Path(__file__).resolve()),
                    "--worker",
                    method,
                    str(audio),
                    str(truth_path),
                    str(result),
                ]
            )
            if rc != 0 or not result.exists():
                rows.append((variant, minutes, method, None, wall, rss))
                print(f"{variant:6} {method:9} FAILED (exit {rc})", flush=True)
                continue
            data = json.loads(result.read_text())
            s = score(truth, data["starts"], data.get("confidences"))
            rows.append((variant, minutes, method, s, wall, rss))
            print(
                f"{variant:6} {minutes:5.1f} min {method:9} chapters {s['chap_mean']:6.2f} / "
                f"{s['chap_max']:6.2f} s  paragraphs<=0.5s {100 * s['para_05']:5.1f} %  "
                f"(median {s['para_med']:.3f} s, max {s['para_max']:.2f} s)  "
                f"sentences<=0.5s {100 * s['sent_05']:5.1f} %  >3s {int(s['over_3s'])}  "
                f"wall {wall:6.1f} s  peak {rss:6.0f} MB",
                flush=True,
            )
            print(f"{'':6} worst paragraphs (error s, index, low confidence): {s['worst']}")
    if args.write:
        write_markdown(args.write, rows, argv)
    return 0


def write_markdown(path: Path, rows: list[tuple[object, ...]], argv: list[str] | None) -> None:
    mem_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    args = list(argv if argv is not None else sys.argv[1:])
    for k, arg in enumerate(args[:-1]):
        if arg == "--aeneas":
            args[k + 1] = "PYTHON"  # where aeneas-ng lives is this machine's, not the result's
    lines = [
        "",
        f"### {time.strftime('%Y-%m-%d')}: `python bench/bench_align.py {' '.join(args)}`",
        "",
        f"Machine: {os.cpu_count()} cores, {mem_mb / 1024:.0f} GB RAM, {platform.machine()}, "
        f"Python {platform.python_version()}.",
        "",
        "| variant | minutes | method | chapters mean / max (s) | paragraphs ≤ 0.5 s "
        "| median / max paragraph error (s) | > 3 s, not flagged | sentences ≤ 0.5 s "
        "| wall (s) | peak RSS (MB) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for variant, minutes, method, s, wall, rss in rows:
        if s is None:
            lines.append(
                f"| {variant} | {minutes:.1f} | {method} | failed | | | | "
                f"| {wall:.1f} | {rss:.0f} |"
            )
            continue
        assert isinstance(s, dict)
        lines.append(
            f"| {variant} | {minutes:.1f} | {method} | {s['chap_mean']:.2f} / "
            f"{s['chap_max']:.2f} | {100 * s['para_05']:.1f} % | {s['para_med']:.3f} / "
            f"{s['para_max']:.2f} | {int(s['over_3s'])} | {100 * s['sent_05']:.1f} % "
            f"| {wall:.1f} | {rss:.0f} |"
        )
    with path.open("a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
