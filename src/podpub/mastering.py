"""Mastering stage (I/O): from the episode's own audio to the audio files published.

The show's ``audio:`` block and the episode's overrides are resolved into one plan. An
MP3 with nothing to do is published as given (tagged by ``podpub.audio``); a master
(WAV, FLAC, AIFF, anything ffmpeg reads), or any episode with an intro, outro or
loudness target, is encoded: the pieces by pydub (``podpub.sound``), the master streamed
by ffmpeg (``podpub.encode``). Encodings are cached in ``.podpub-cache/audio/`` keyed by
the inputs' bytes and the settings, so an unchanged episode is never encoded twice; a
half-made encoding never reaches the cache (it is made in a temporary folder and renamed).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal, TypeVar

from podpub import encode, sound
from podpub.audio import read_facts
from podpub.media import AUDIO_EXTENSIONS, file_digest
from podpub.model import AudioFacts, AudioFormat, EpisodeSource, Show

AUDIO_CACHE = "audio"
ENCODING_VERSION = "3"  # bump when the same inputs would be encoded differently
# published as given when there is nothing to do (today's behaviour); anything else is a
# master to encode
AS_GIVEN = (".mp3", ".m4a", ".mp4", ".aac", ".ogg", ".opus")
MIME_TYPES: dict[AudioFormat, str] = {
    "mp3": AUDIO_EXTENSIONS[".mp3"],
    "m4a": AUDIO_EXTENSIONS[".m4a"],
    "opus": AUDIO_EXTENSIONS[".opus"],
}
T = TypeVar("T")
CODEC_NAMES: dict[AudioFormat, str] = {"mp3": "mp3", "m4a": "mp4a.40.2", "opus": "opus"}


@dataclass(frozen=True)
class Plan:
    """The resolved settings of one episode's audio."""

    format: AudioFormat
    bitrate_kbps: int | None  # None: by channels (64k mono, 128k stereo)
    channels: Literal["auto", "mono", "stereo"]
    loudness_lufs: float | None
    intro: Path | None
    outro: Path | None
    crossfade_ms: int
    alternates: tuple[AudioFormat, ...]


def _pick(a: T | None, b: T | None, default: T) -> T:
    return a if a is not None else b if b is not None else default


def resolve(show: Show, source: EpisodeSource) -> Plan:
    """The episode's settings over the show's over the defaults."""
    ep, sh = source.audio_settings, show.audio

    loudness: float | Literal[False] = _pick(ep.loudness_lufs, sh.loudness_lufs, False)
    intro: Path | Literal[False] = _pick(ep.intro, sh.intro, False)
    outro: Path | Literal[False] = _pick(ep.outro, sh.outro, False)
    main: AudioFormat = _pick(ep.format, sh.format, "mp3")
    return Plan(
        format=main,
        bitrate_kbps=_pick(ep.bitrate_kbps, sh.bitrate_kbps, None),
        channels=_pick(ep.channels, sh.channels, "auto"),
        loudness_lufs=None if loudness is False else loudness,
        intro=intro or None,
        outro=outro or None,
        crossfade_ms=_pick(ep.crossfade_ms, sh.crossfade_ms, 0),
        alternates=tuple(a for a in _pick(ep.alternates, sh.alternates, ()) if a != main),
    )


def _explicit_format(show: Show, source: EpisodeSource) -> bool:
    return (source.audio_settings.format or show.audio.format) is not None


def encodes_main(plan: Plan, source: Path, format_given: bool) -> bool:
    """A master, or anything with an intro, outro or loudness target, or a format asked
    for that the audio is not in, is encoded; otherwise the audio is published as given."""
    extension = source.suffix.lower()
    return (
        extension not in AS_GIVEN
        or plan.intro is not None
        or plan.outro is not None
        or plan.loudness_lufs is not None
        or (format_given and extension != encode.EXTENSIONS[plan.format])
    )


def published_extension(show: Show, source: EpisodeSource) -> str:
    """The main enclosure's extension (as the lock and the feed name it)."""
    plan = resolve(show, source)
    if encodes_main(plan, source.audio, _explicit_format(show, source)):
        return encode.EXTENSIONS[plan.format]
    return source.audio.suffix.lower()


def own_facts(path: Path) -> AudioFacts:
    """The episode's own audio: read by mutagen if podpub publishes its type as given,
    else probed by ffmpeg as a master (with the master's checks)."""
    extension = path.suffix.lower()
    if extension in AS_GIVEN:
        return read_facts(path)
    probed = encode.probe(path)
    return AudioFacts(probed.duration_ms, AUDIO_EXTENSIONS.get(extension, ""), extension)


@dataclass(frozen=True)
class Encoded:
    """One encoded file in the cache."""

    format: AudioFormat
    path: Path
    bitrate_kbps: int


@dataclass(frozen=True)
class Produced:
    """The episode's published audio, before tagging: the main file (the source itself
    when it is published as given) and the alternates."""

    main: Path
    main_format: AudioFormat | None  # None: published as given (its own type)
    alternates: tuple[Encoded, ...]
    own_ms: int  # the episode's own audio
    offset_ms: int  # what was put before it (intro minus crossfade)
    duration_ms: int  # the published audio

    @property
    def changed(self) -> bool:
        return self.main_format is not None or bool(self.alternates)


def _bitrate(plan: Plan, format: AudioFormat, channels: int, main: bool) -> int:
    if format == "opus" and not main:
        return 32 if channels == 1 else 64
    if plan.bitrate_kbps is not None:
        return plan.bitrate_kbps
    if format == "m4a":
        return 96 if channels == 1 else 128  # ffmpeg's AAC overshoots peaks ~2 dB at 64k
    return 64 if channels == 1 else 128


def _key(plan: Plan, source: Path, encode_main: bool, channels: int) -> str:
    digest = hashlib.sha256(f"{ENCODING_VERSION}\n{encode.version()}\n".encode())
    digest.update(file_digest(source).encode())
    for piece in (plan.intro, plan.outro):
        digest.update((file_digest(piece) if piece else "-").encode())
    settings = asdict(plan) | {"intro": bool(plan.intro), "outro": bool(plan.outro)}
    digest.update(json.dumps([settings, encode_main, channels], sort_keys=True).encode())
    return digest.hexdigest()[:32]


def produce(show: Show, source: EpisodeSource, own_ms: int, cache_dir: Path) -> Produced:
    """Encode what the plan asks for (or take it from the cache)."""
    plan = resolve(show, source)
    encode_main = encodes_main(plan, source.audio, _explicit_format(show, source))
    if not encode_main and not plan.alternates:
        return Produced(source.audio, None, (), own_ms, 0, own_ms)
    probed = encode.probe(source.audio)
    channels = {"mono": 1, "stereo": 2}.get(plan.channels, probed.channels)
    formats: list[tuple[AudioFormat, bool]] = [(plan.format, True)] if encode_main else []
    formats += [(a, False) for a in plan.alternates]
    key = _key(plan, source.audio, encode_main, channels)
    # one entry per episode: an encoding made for other inputs or settings is removed
    # once this one exists (long masters make large cache entries)
    folder = cache_dir / AUDIO_CACHE / f"{source.slug}-{key}"
    outputs = [
        encode.Output(f, _bitrate(plan, f, channels, m), folder / f"{f}{encode.EXTENSIONS[f]}")
        for f, m in formats
    ]
    facts = folder / "facts.json"
    if not facts.is_file() or not all(o.path.is_file() for o in outputs):
        _encode_into(folder, plan, source.audio, outputs, channels)
        for stale in folder.parent.glob(f"{source.slug}-*"):
            # exactly this slug's: "a-" + key, not "a-b-" + key
            if stale != folder and len(stale.name) == len(folder.name) and stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
    timing = json.loads(facts.read_text("utf-8"))
    encoded = [Encoded(o.format, o.path, o.bitrate_kbps) for o in outputs]
    main_format = plan.format if encode_main else None
    return Produced(
        main=encoded[0].path if encode_main else source.audio,
        main_format=main_format,
        alternates=tuple(encoded[1:] if encode_main else encoded),
        own_ms=own_ms,
        offset_ms=int(timing["offset_ms"]) if encode_main else 0,
        duration_ms=int(timing["duration_ms"]) if encode_main else own_ms,
    )


def _encode_into(
    folder: Path, plan: Plan, master: Path, outputs: list[encode.Output], channels: int
) -> None:
    """Encode into a temporary folder beside the cache entry, then rename it into place."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".encoding-", dir=folder.parent))
    try:
        sample_rate = encode.SAMPLE_RATE
        pieces: list[Path] = []
        intro_ms = outro_ms = 0
        if plan.intro is not None:
            intro_ms = sound.render_piece(plan.intro, work / "intro.wav", channels, sample_rate)
            pieces.append(work / "intro.wav")
        pieces.append(master)
        if plan.outro is not None:
            outro_ms = sound.render_piece(plan.outro, work / "outro.wav", channels, sample_rate)
            pieces.append(work / "outro.wav")
        own_ms = encode.probe(master).duration_ms
        fade = _crossfade(plan, intro_ms, outro_ms, own_ms, master)
        layout = "mono" if channels == 1 else "stereo"
        measured = encode.measure(pieces, master, fade, layout)
        gain = _gain(plan, measured, pieces, master, fade, layout)
        staged = [encode.Output(o.format, o.bitrate_kbps, work / o.path.name) for o in outputs]
        encode.encode(pieces, master, staged, crossfade_ms=fade, layout=layout, gain=gain)
        joins = (plan.intro is not None) + (plan.outro is not None)
        timing = {
            "offset_ms": intro_ms - fade if plan.intro is not None else 0,
            # as players read the main file (the encoder's delay and padding are not audio)
            "duration_ms": own_facts(staged[0].path).duration_ms,
            "joined_ms": intro_ms + own_ms + outro_ms - fade * joins,
            "loudness": asdict(measured),
            "gain_db": gain[0] if gain else None,
            "limited": gain[1] if gain else False,
        }
        (work / "facts.json").write_text(json.dumps(timing, sort_keys=True), "utf-8")
        (work / "intro.wav").unlink(missing_ok=True)
        (work / "outro.wav").unlink(missing_ok=True)
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(work, folder)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def _gain(
    plan: Plan,
    measured: encode.Loudness,
    pieces: list[Path],
    master: Path,
    fade: int,
    layout: str,
) -> tuple[float, bool] | None:
    """The gain to the loudness target (None: off); where a limiter must hold the peaks,
    the loudness it takes with them is measured and made up."""
    if plan.loudness_lufs is None:
        return None
    gain_db, limit = encode.gain_for(plan.loudness_lufs, measured)
    if limit:
        after = encode.limited_loudness(pieces, master, fade, layout, gain_db)
        gain_db += plan.loudness_lufs - after
    return gain_db, limit


def _crossfade(plan: Plan, intro_ms: int, outro_ms: int, own_ms: int, master: Path) -> int:
    """The crossfade, no longer than any piece it joins (0 when nothing is joined)."""
    lengths = [own_ms] + [ms for ms in (intro_ms, outro_ms) if ms]
    if len(lengths) == 1:
        return 0
    return min(plan.crossfade_ms, *(ms - 1 for ms in lengths))
