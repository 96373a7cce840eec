"""Encoding (I/O: ffmpeg and ffprobe subprocesses): the only module that runs them for
publishing.

Long audio never passes through Python: ffmpeg reads the master (and the intro and
outro pieces) itself, once to measure loudness (ffmpeg's EBU R128 meter) and then once
per output, the outputs encoded side by side (a ``filter_complex`` that joins the pieces
and applies the gain, and a true-peak limiter where needed). Chapters and tags go into
M4A and Opus files by a stream-copy remux with an ffmetadata file (QuickTime chapter
track and Nero ``chpl`` in MP4; Ogg comments are written by ``podpub.audio``). Every
failure is an AudioError naming the file.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from podpub.errors import AudioError
from podpub.model import AudioFormat, Chapter

SAMPLE_RATE = 48_000  # every piece is joined at this rate (Opus's own)
TRUE_PEAK_DBTP = -1.0  # the published ceiling (Apple, AES TD1004)
# the limiter aims 1 dB below the ceiling: lossy encoders overshoot the true peak (MP3,
# Opus and AAC by 0.3-1.1 dB on synthetic speech at podcast bitrates)
ENCODER_HEADROOM_DB = 1.0
SILENT_DBFS = -70.0  # a master with no sample louder than this holds no programme
MAX_CHANNELS = 2
# what each format is encoded with, and how the muxer is named
CODECS: dict[AudioFormat, tuple[str, ...]] = {
    "mp3": ("-c:a", "libmp3lame", "-write_id3v2", "0", "-f", "mp3"),
    "m4a": ("-c:a", "aac", "-movflags", "+faststart", "-f", "mp4"),
    "opus": ("-c:a", "libopus", "-f", "opus"),
}
EXTENSIONS: dict[AudioFormat, str] = {"mp3": ".mp3", "m4a": ".m4a", "opus": ".opus"}
# the same output bytes on every run: no encoder version strings, no random Ogg serials
BITEXACT = ("-fflags", "+bitexact", "-flags:a", "+bitexact")


@dataclass(frozen=True)
class Probe:
    """What ffprobe says of an audio file."""

    duration_ms: int
    channels: int
    sample_rate: int
    codec: str


@dataclass(frozen=True)
class Loudness:
    """The first pass's measurement of the joined programme (EBU R128)."""

    integrated_lufs: float
    true_peak_dbtp: float
    range_lu: float


@dataclass(frozen=True)
class Output:
    """One file to encode: its format, bitrate and where it goes."""

    format: AudioFormat
    bitrate_kbps: int
    path: Path


def _tool(name: str, path: Path) -> str:
    found = shutil.which(name)
    if found is None:
        raise AudioError(f"{name} is not installed", path, None, "install ffmpeg (make feed does)")
    return found


def _run(command: Sequence[str], path: Path, what: str) -> subprocess.CompletedProcess[bytes]:
    result = subprocess.run(list(command), capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise AudioError(
            f"{what} failed: {' / '.join(message[-3:])[:400] or 'ffmpeg stopped'}",
            path,
            None,
            "check that the file is complete, readable audio",
        )
    return result


def probe(path: Path) -> Probe:
    """Duration, channels, rate and codec of a master; an AudioError for a master that
    cannot be published (unreadable, unsupported codec, 0 s, over two channels, cut off)."""
    ffprobe = _tool("ffprobe", path)
    result = subprocess.run(
        [ffprobe, "-v", "error", "-select_streams", "a:0", "-show_entries",
         "stream=codec_name,channels,sample_rate,duration:format=duration", "-of", "json",
         str(path)],
        capture_output=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        error = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise AudioError(
            f"not an audio file ffmpeg can read ({(error or ['unknown format'])[-1][:200]})",
            path,
            None,
            "export the master as WAV, FLAC or AIFF",
        )
    data = json.loads(result.stdout or b"{}")
    streams = data.get("streams") or []
    if not streams:
        raise AudioError("the file holds no audio stream", path, None, "export the audio again")
    stream = streams[0]
    codec = str(stream.get("codec_name") or "")
    if not codec:
        raise AudioError(
            "the audio is in a codec ffmpeg cannot decode",
            path,
            None,
            "export the master as 16- or 24-bit PCM WAV, FLAC or AIFF",
        )
    channels = int(stream.get("channels") or 0)
    if not 1 <= channels <= MAX_CHANNELS:
        raise AudioError(
            f"the master has {channels} channels; a podcast is mono or stereo",
            path,
            None,
            "mix it down to stereo (or mono) before publishing",
        )
    duration = stream.get("duration") or data.get("format", {}).get("duration") or 0
    duration_ms = round(float(duration) * 1000)
    if duration_ms <= 0:
        raise AudioError("the master has no duration (0 s)", path, None, "export it again")
    _refuse_truncated_wav(path)
    return Probe(duration_ms, channels, int(stream.get("sample_rate") or 0), codec)


def _refuse_truncated_wav(path: Path) -> None:
    """A WAV's data chunk states its size; a cut-off copy holds fewer bytes (ffmpeg reads
    what is there without complaint). 0 and 0xFFFFFFFF are streaming writers' 'unknown'."""
    if path.suffix.lower() not in (".wav", ".wave"):
        return
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return  # RF64, W64 or not a RIFF file: ffprobe has judged it
        offset = 12
        while offset + 8 <= size:
            handle.seek(offset)
            chunk_id, chunk_size = struct.unpack("<4sI", handle.read(8))
            if chunk_id == b"data":
                if chunk_size not in (0, 0xFFFFFFFF) and offset + 8 + chunk_size > size:
                    raise AudioError(
                        f"the WAV is truncated: its header promises {chunk_size} bytes of "
                        f"audio but the file holds {size - offset - 8}",
                        path,
                        None,
                        "export or copy the master again",
                    )
                return
            offset += 8 + chunk_size + (chunk_size & 1)


def _graph(count: int, crossfade_ms: int, layout: str, master: int = -1) -> str:
    """Join the inputs (intro, master, outro) at one rate and layout, crossfaded or not,
    into [joined]; the input numbered ``master`` is measured on its own (volumedetect)."""
    form = f"aformat=sample_fmts=fltp:sample_rates={SAMPLE_RATE}:channel_layouts={layout}"
    parts = [f"[{i}:a]{form}{',volumedetect' if i == master else ''}[p{i}]" for i in range(count)]
    if count == 1:
        return parts[0].replace("[p0]", "[joined]")
    if crossfade_ms == 0:
        joined = "".join(f"[p{i}]" for i in range(count)) + f"concat=n={count}:v=0:a=1[joined]"
        return ";".join([*parts, joined])
    fade = f"acrossfade=d={crossfade_ms / 1000:.3f}:c1=tri:c2=tri"
    chain = []
    last = "p0"
    for i in range(1, count):
        target = "joined" if i == count - 1 else f"x{i}"
        chain.append(f"[{last}][p{i}]{fade}[{target}]")
        last = target
    return ";".join([*parts, *chain])


def _inputs(pieces: Sequence[Path]) -> list[str]:
    args: list[str] = []
    for piece in pieces:
        args += ["-i", str(piece)]
    return args


def measure(pieces: Sequence[Path], master: Path, crossfade_ms: int, layout: str) -> Loudness:
    """First pass: the joined programme's loudness and true peak (ffmpeg's EBU R128
    meter, peaks 4x oversampled) and the master's own peak (reads every piece once,
    writes nothing); a silent master is refused here."""
    ffmpeg = _tool("ffmpeg", master)
    graph = _graph(len(pieces), crossfade_ms, layout, list(pieces).index(master))
    graph += ";[joined]ebur128=peak=true:framelog=verbose[out]"
    result = _run(
        [ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-xerror", *_inputs(pieces),
         "-filter_complex", graph, "-map", "[out]", "-f", "null", "-"],
        master, "measuring loudness",
    )  # fmt: skip
    text = result.stderr.decode("utf-8", "replace")
    peaks = re.findall(r"max_volume: (-?[\d.]+|-inf) dB", text)
    if not peaks or not float(peaks[-1]) > SILENT_DBFS:
        raise AudioError(
            "the master is silent (no sample above -70 dBFS)",
            master,
            None,
            "check that 'audio:' names the episode's master, and export it again",
        )
    summary = text[text.rfind("Summary:") :]
    integrated = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    spread = re.search(r"LRA:\s+(-?[\d.]+) LU", summary)
    if integrated is None or peak is None:
        raise AudioError("ffmpeg printed no loudness measurement", master)
    return Loudness(
        float(integrated.group(1)),
        float(peak.group(1)),
        float(spread.group(1)) if spread else 0.0,
    )


def gain_for(target_lufs: float, measured: Loudness) -> tuple[float, bool]:
    """The gain to the target, and whether a limiter must hold the true peak under the
    ceiling at that gain."""
    gain_db = target_lufs - measured.integrated_lufs
    return gain_db, measured.true_peak_dbtp + gain_db > TRUE_PEAK_DBTP - ENCODER_HEADROOM_DB


def _limiter(oversample: int) -> str:
    ceiling = 10 ** ((TRUE_PEAK_DBTP - ENCODER_HEADROOM_DB) / 20)
    limiter = f"alimiter=limit={ceiling:.4f}:level=false:latency=true:attack=5:release=50"
    if oversample == 1:
        return limiter
    return f"aresample={oversample * SAMPLE_RATE},{limiter},aresample={SAMPLE_RATE}"


def normalise(gain_db: float, limit: bool) -> str:
    """The gain; with ``limit``, then a true-peak limiter (run at four times the rate, so
    that peaks between samples are caught; its delay compensated)."""
    return f"volume={gain_db:.2f}dB" + (f",{_limiter(4)}" if limit else "")


def limited_loudness(
    pieces: Sequence[Path], master: Path, crossfade_ms: int, layout: str, gain_db: float
) -> float:
    """The loudness left after the gain and the limiter (which takes some with the peaks):
    measured with the limiter at the plain rate, a close and much cheaper stand-in."""
    ffmpeg = _tool("ffmpeg", master)
    graph = _graph(len(pieces), crossfade_ms, layout)
    graph += f";[joined]volume={gain_db:.2f}dB,{_limiter(1)},ebur128=framelog=verbose[out]"
    result = _run(
        [ffmpeg, "-hide_banner", "-nostdin", "-nostats", *_inputs(pieces),
         "-filter_complex", graph, "-map", "[out]", "-f", "null", "-"],
        master, "measuring loudness",
    )  # fmt: skip
    text = result.stderr.decode("utf-8", "replace")
    found = re.search(r"I:\s+(-?[\d.]+) LUFS", text[text.rfind("Summary:") :])
    if found is None:
        raise AudioError("ffmpeg printed no loudness measurement", master)
    return float(found.group(1))


def encode(
    pieces: Sequence[Path],
    master: Path,
    outputs: Sequence[Output],
    *,
    crossfade_ms: int,
    layout: str,
    gain: tuple[float, bool] | None,
) -> None:
    """Second pass: one ffmpeg process per output, all at once (ffmpeg runs the encoders
    of one process one after another; decoding and the gain are cheap next to them), each
    joining, normalising (``gain``: dB, and whether to limit) and encoding; if one fails,
    the others are stopped."""
    ffmpeg = _tool("ffmpeg", master)
    graph = _graph(len(pieces), crossfade_ms, layout)
    graph += f";[joined]{normalise(*gain) if gain else 'anull'}[normal]"
    running: list[tuple[subprocess.Popen[bytes], Path]] = []
    try:
        for output in outputs:
            command = [
                ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
                "-xerror", *_inputs(pieces), "-filter_complex", graph, "-map", "[normal]",
                "-map_metadata", "-1", *BITEXACT, "-b:a", f"{output.bitrate_kbps}k",
                *CODECS[output.format], "-y", str(output.path),
            ]  # fmt: skip
            running.append(
                (
                    subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE),
                    output.path,
                )
            )
        for process, path in running:
            _, err = process.communicate()
            if process.returncode != 0:
                message = err.decode("utf-8", "replace").strip().splitlines()
                raise AudioError(
                    f"encoding {path.suffix} failed: "
                    f"{' / '.join(message[-3:])[:400] or 'ffmpeg stopped'}",
                    master,
                    None,
                    "check that the file is complete, readable audio",
                )
    finally:
        for process, _ in running:
            if process.poll() is None:
                process.kill()
                process.wait()


@dataclass(frozen=True)
class Metadata:
    """Tags and chapters written into M4A and Opus files."""

    title: str
    artist: str
    album: str
    date: str
    comment: str
    track: int | None
    chapters: Sequence[Chapter]


def _escape(value: str) -> str:
    """ffmetadata escapes '=', ';', '#', '\\' and newlines with a backslash."""
    return re.sub(r"([=;#\\\n])", r"\\\1", value)


def ffmetadata(meta: Metadata, duration_ms: int) -> str:
    """The ffmetadata text of the tags and chapters (pure)."""
    lines = [";FFMETADATA1"]
    for key, value in (
        ("title", meta.title),
        ("artist", meta.artist),
        ("album", meta.album),
        ("date", meta.date),
        ("comment", meta.comment),
        ("track", None if meta.track is None else str(meta.track)),
    ):
        if value:
            lines.append(f"{key}={_escape(value)}")
    for chapter in meta.chapters:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={chapter.start_ms}",
            f"END={min(max(chapter.end_ms, chapter.start_ms), duration_ms)}",
            f"title={_escape(chapter.title)}",
        ]
    return "\n".join(lines) + "\n"


def write_with_metadata(source: Path, target: Path, meta: Metadata, duration_ms: int) -> None:
    """Copy an M4A or Opus file's audio (no re-encoding) with these tags and chapters."""
    ffmpeg = _tool("ffmpeg", source)
    info = target.with_name(target.name + ".ffmeta")
    info.write_text(ffmetadata(meta, duration_ms), "utf-8")
    muxer = ("-f", "mp4", "-movflags", "+faststart") if target.suffix == ".m4a" else ("-f", "ogg")
    try:
        _run(
            [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(source),
             "-f", "ffmetadata", "-i", str(info), "-map", "0:a", "-map_metadata", "1",
             "-map_chapters", "1", "-c", "copy", *BITEXACT, *muxer, "-y", str(target)],
            source, "writing chapters",
        )  # fmt: skip
    finally:
        info.unlink(missing_ok=True)


def version() -> str:
    """ffmpeg's version line: a new ffmpeg may encode differently (part of cache keys)."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return "no ffmpeg"
    result = subprocess.run([ffmpeg, "-version"], capture_output=True, check=False)
    return result.stdout.decode("utf-8", "replace").partition("\n")[0]
