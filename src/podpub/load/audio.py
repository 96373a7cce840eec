"""The ``audio:`` block of podcast.yaml and episode.yaml -> AudioSettings (pure apart from
file checks): each key validated, every problem recorded with its line.

podcast.yaml's block sets the show's defaults; an episode's ``audio:`` may be a file
name (as before) or a mapping of the same keys plus ``file:``, overriding the show's.
Intro and outro paths are relative to the show root in both files.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal, cast

from podpub.load.fields import inside
from podpub.model import AudioFormat, AudioSettings, Channels
from podpub.yaml_io import Doc

FORMATS: tuple[AudioFormat, ...] = ("mp3", "m4a", "opus")
MAIN_FORMATS: tuple[AudioFormat, ...] = ("mp3", "m4a")
CHANNELS: tuple[Channels, ...] = ("auto", "mono", "stereo")
KEYS = (
    "format",
    "bitrate",
    "channels",
    "loudness",
    "intro",
    "outro",
    "crossfade_ms",
    "alternates",
)
BITRATE = re.compile(r"^(\d{2,3})\s*k(bps)?$", re.IGNORECASE)
MAX_CROSSFADE_MS = 10_000


def _format(doc: Doc, key: str, value: Any) -> AudioFormat | None:
    if value is None:
        return None
    if value not in MAIN_FORMATS:
        doc.error(key, f"'{key}' must be mp3 or m4a, not {value!r}", "e.g. format: mp3")
        return None
    return cast(AudioFormat, value)


def _bitrate(doc: Doc, key: str, value: Any) -> int | None:
    if value is None:
        return None
    match = BITRATE.match(str(value).strip()) if not isinstance(value, bool) else None
    kbps = int(match.group(1)) if match else 0
    if not 16 <= kbps <= 320:
        doc.error(
            key,
            f"'{key}' must be a bitrate from 16k to 320k, not {value!r}",
            "e.g. bitrate: 128k",
        )
        return None
    return kbps


def _channels(doc: Doc, key: str, value: Any) -> Channels | None:
    if value is None:
        return None
    if value not in CHANNELS:
        doc.error(key, f"'{key}' must be auto, mono or stereo, not {value!r}")
        return None
    return cast(Channels, value)


def _loudness(doc: Doc, key: str, value: Any) -> float | Literal[False] | None:
    if value is None:
        return None
    if value is False or value == "off":  # YAML reads a bare off as false
        return False
    if isinstance(value, bool) or not isinstance(value, int | float) or not -36 <= value <= -9:
        doc.error(
            key,
            f"'{key}' must be an integrated loudness in LUFS from -36 to -9, or off, not {value!r}",
            "e.g. loudness: -16 (Apple's and most apps' target for stereo podcasts)",
        )
        return None
    return float(value)


def _piece(doc: Doc, key: str, value: Any, root: Path) -> Path | Literal[False] | None:
    if value is None:
        return None
    if value is False or value == "none":
        return False
    if not isinstance(value, str) or not value.strip():
        doc.error(key, f"'{key}' must be a file name relative to the show folder, or none")
        return None
    return inside(doc, key, root, root, value.strip())


def _crossfade(doc: Doc, key: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_CROSSFADE_MS:
        doc.error(
            key,
            f"'{key}' must be whole milliseconds from 0 to {MAX_CROSSFADE_MS}, not {value!r}",
        )
        return None
    return value


def _alternates(doc: Doc, key: str, value: Any) -> tuple[AudioFormat, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(v in FORMATS for v in value):
        doc.error(
            key,
            f"'{key}' must list formats among {', '.join(FORMATS)}, not {value!r}",
            "e.g. alternates: [opus, m4a]",
        )
        return None
    return tuple(dict.fromkeys(cast(list[AudioFormat], value)))


def read_settings(
    doc: Doc, data: dict[str, Any], root: Path, prefix: str = "audio", extra: tuple[str, ...] = ()
) -> AudioSettings:
    """The keys of one ``audio:`` mapping (``extra`` keys are the caller's)."""
    for name in data:
        if name not in KEYS and name not in extra:
            doc.error(
                f"{prefix}.{name}",
                f"unknown field '{prefix}.{name}'",
                f"known fields: {', '.join(sorted((*KEYS, *extra)))}",
            )

    def key(name: str) -> str:
        return f"{prefix}.{name}"

    return AudioSettings(
        format=_format(doc, key("format"), data.get("format")),
        bitrate_kbps=_bitrate(doc, key("bitrate"), data.get("bitrate")),
        channels=_channels(doc, key("channels"), data.get("channels")),
        loudness_lufs=_loudness(doc, key("loudness"), data.get("loudness")),
        intro=_piece(doc, key("intro"), data.get("intro"), root),
        outro=_piece(doc, key("outro"), data.get("outro"), root),
        crossfade_ms=_crossfade(doc, key("crossfade_ms"), data.get("crossfade_ms")),
        alternates=_alternates(doc, key("alternates"), data.get("alternates")),
    )


def show_audio(doc: Doc, root: Path) -> AudioSettings:
    """podcast.yaml's ``audio:`` block (none: every setting left to its default)."""
    value = doc.data.get("audio")
    if value is None:
        return AudioSettings()
    if not isinstance(value, dict):
        doc.error(
            "audio",
            "'audio' must be a mapping of audio settings",
            "e.g. audio: {loudness: -16, intro: intro.wav}",
        )
        return AudioSettings()
    return read_settings(doc, value, root)
