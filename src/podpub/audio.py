"""Audio facts and tags (I/O): the only module that imports mutagen.

Every mutagen failure becomes an ``AudioError`` naming the file. Tags are written to a
copy of the source (ID3v2.3, as the most widely read version), never to the source.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import mutagen
from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TDRC,
    TIT2,
    TLEN,
    TPE1,
    TRCK,
    WXXX,
    CTOCFlags,
    ID3NoHeaderError,
)
from mutagen.id3._tags import save_frame
from mutagen.mp3 import MP3, HeaderNotFoundError

from podpub.errors import AudioError
from podpub.media import AUDIO_EXTENSIONS, is_png
from podpub.model import AudioFacts, Chapter

MIME_TYPES = AUDIO_EXTENSIONS  # extension -> MIME type, as load.py accepts them
MAX_CHAPTERS_PER_TOC = 255  # the CTOC entry count is one byte (ID3 chapter addendum)
MAX_AUDIO_BYTES = 2 * 1024**3  # 2 GiB: days of speech even at 128 kbit/s


def read_facts(path: Path) -> AudioFacts:
    """Duration and MIME type of an audio file, or an AudioError saying what is wrong."""
    extension = path.suffix.lower()
    if extension not in MIME_TYPES:
        raise AudioError(
            f"unsupported audio type {extension!r}",
            path,
            None,
            f"use one of {', '.join(MIME_TYPES)}",
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise AudioError(f"cannot read audio: {exc.strerror}", path) from None
    if size == 0:
        raise AudioError(
            "audio file is empty (0 bytes)", path, None, "export the episode audio again"
        )
    if size > MAX_AUDIO_BYTES:
        raise AudioError(
            f"audio file is {size} bytes, more than the {MAX_AUDIO_BYTES} an episode can "
            "reasonably be",
            path,
            None,
            "check that 'audio:' names the episode, or export it at a lower bitrate",
        )
    try:
        info: Any = MP3(path) if extension == ".mp3" else mutagen.File(path)
    except HeaderNotFoundError:
        raise AudioError(
            "not an MP3 file (no MPEG audio frames found)",
            path,
            None,
            "export the episode as MP3, or give it the right extension",
        ) from None
    except (mutagen.MutagenError, OSError, ValueError, EOFError) as exc:
        raise AudioError(
            f"cannot read audio: {exc}", path, None, "check that the file is a complete audio file"
        ) from None
    if info is None or getattr(info, "info", None) is None:
        raise AudioError(
            "not a recognised audio file", path, None, "export the episode as MP3 or M4A"
        )
    duration_ms = round(float(info.info.length) * 1000)
    if duration_ms <= 0:
        raise AudioError(
            "audio has no duration (truncated or empty)",
            path,
            None,
            "export the episode audio again",
        )
    if extension == ".mp3":
        _refuse_truncated_mp3(info, size, path)
    return AudioFacts(duration_ms=duration_ms, mime_type=MIME_TYPES[extension], extension=extension)


def _refuse_truncated_mp3(info: Any, size: int, path: Path) -> None:
    """A cut-off MP3 still has the Xing/VBRI header of the whole file, so mutagen reports
    the full duration; the audio bytes then fall far short of bitrate x duration."""
    expected_bytes = info.info.bitrate * info.info.length / 8
    audio_bytes = size - int(getattr(info.info, "frame_offset", 0) or 0)
    if expected_bytes > 16_384 and audio_bytes < 0.9 * expected_bytes:
        raise AudioError(
            f"audio is truncated: its header promises {info.info.length:.1f} s "
            f"({round(expected_bytes)} bytes of audio) but the file holds {audio_bytes}",
            path,
            None,
            "export or copy the episode audio again",
        )


@dataclass(frozen=True)
class ChapterFrame:
    """One ID3 CHAP frame as stored."""

    element_id: str
    start_ms: int
    end_ms: int
    title: str
    url: str | None = None  # WXXX
    image_bytes: int = 0  # the size of its APIC picture (0: none)


@dataclass(frozen=True)
class ChapterTags:
    """What an MP3's ID3 tag says about chapters (read back by ``podpub check``)."""

    id3_version: tuple[int, int] | None  # (2, 3) for ID3v2.3; None: no ID3v2 tag
    chapters: tuple[ChapterFrame, ...]  # in time order
    top_level_tocs: int  # CTOC frames with the top-level flag (exactly one is right)
    unreachable: tuple[str, ...]  # CHAP ids no top-level CTOC leads to


def read_chapter_tags(path: Path) -> ChapterTags:
    """Chapters and table of contents from an MP3's ID3 tag (no tag: empty)."""
    try:
        id3: Any = ID3(path)
    except ID3NoHeaderError:
        return ChapterTags(None, (), 0, ())
    except (mutagen.MutagenError, OSError, ValueError, EOFError) as exc:
        raise AudioError(f"cannot read the ID3 tag: {exc}", path) from None
    frames = []
    for frame in id3.getall("CHAP"):
        title = frame.sub_frames.get("TIT2")
        links = frame.sub_frames.getall("WXXX")
        pictures = frame.sub_frames.getall("APIC")
        frames.append(
            ChapterFrame(
                str(frame.element_id),
                int(frame.start_time),
                int(frame.end_time),
                str(title.text[0]) if title and title.text else "",
                str(links[0].url) if links else None,
                len(pictures[0].data) if pictures else 0,
            )
        )
    tocs = {str(t.element_id): t for t in id3.getall("CTOC")}
    tops = [t for t in tocs.values() if t.flags & CTOCFlags.TOP_LEVEL]
    reached: set[str] = set()
    todo = [str(c) for t in tops for c in t.child_element_ids]
    while todo:
        child = todo.pop()
        if child in reached:
            continue
        reached.add(child)
        if child in tocs:
            todo += [str(c) for c in tocs[child].child_element_ids]
    return ChapterTags(
        id3_version=(int(id3.version[0]), int(id3.version[1])),
        chapters=tuple(sorted(frames, key=lambda f: (f.start_ms, f.element_id))),
        top_level_tocs=len(tops),
        unreachable=tuple(sorted(f.element_id for f in frames if f.element_id not in reached)),
    )


class _ChronologicalID3(ID3):
    """ID3 that writes CHAP frames in time order.

    mutagen sorts frames by size, so players and ffprobe that list chapters in file
    order would show them shuffled; CHAP frames are written last, sorted by start.
    """

    def _write(self, config: Any) -> bytes:
        chapters = sorted(self.getall("CHAP"), key=lambda f: (f.start_time, f.element_id))
        self.delall("CHAP")
        try:
            head: bytes = super()._write(config)
        finally:
            for frame in chapters:
                self.add(frame)
        return bytes(head) + b"".join(bytes(save_frame(f, config=config)) for f in chapters)


@dataclass(frozen=True)
class TagSet:
    """What goes into the audio copy's tags."""

    title: str
    artist: str
    album: str
    date: str  # YYYY-MM-DD
    comment: str
    track: int | None
    duration_ms: int
    chapters: Sequence[Chapter]
    artwork: bytes | None
    artwork_mime: str = "image/png"


def _id3v2_length(handle: BinaryIO) -> int:
    """Bytes taken by the ID3v2 tag(s) at the start of an MP3 (0 if it has none)."""
    offset = 0
    while True:
        handle.seek(offset)
        header = handle.read(10)
        if len(header) < 10 or header[:3] != b"ID3" or any(b >= 0x80 for b in header[6:10]):
            return offset
        size = (header[6] << 21) | (header[7] << 14) | (header[8] << 7) | header[9]
        footer = 10 if header[5] & 0x10 else 0
        offset += 10 + size + footer


def write_tagged_copy(source: Path, target: Path, tags: TagSet) -> None:
    """Copy ``source`` to ``target`` and write ID3v2.3 tags with chapters into the copy."""
    if source.suffix.lower() != ".mp3":
        # mutagen cannot write MP4 chapters; other containers are copied untagged for now
        shutil.copyfile(source, target)
        return
    try:
        with source.open("rb") as handle:
            audio_offset = _id3v2_length(handle)
        id3 = _ChronologicalID3(source) if audio_offset else _ChronologicalID3()
        for frame_id in (
            "CHAP",
            "CTOC",
            "TIT2",
            "TPE1",
            "TALB",
            "TRCK",
            "TDRC",
            "TYER",
            "TDAT",
            "TIME",
            "COMM",
            "APIC",
            "TLEN",
        ):
            id3.delall(frame_id)
        id3.add(TIT2(encoding=3, text=[tags.title]))
        id3.add(TPE1(encoding=3, text=[tags.artist]))
        id3.add(TALB(encoding=3, text=[tags.album]))
        if tags.track is not None:
            id3.add(TRCK(encoding=3, text=[str(tags.track)]))
        id3.add(TDRC(encoding=3, text=[tags.date]))
        id3.add(COMM(encoding=3, lang="eng", desc="", text=[tags.comment]))
        id3.add(TLEN(encoding=3, text=[str(tags.duration_ms)]))
        if tags.artwork:
            id3.add(
                APIC(encoding=3, mime=tags.artwork_mime, type=3, desc="Cover", data=tags.artwork)
            )
        ids = [f"ch{index}" for index in range(len(tags.chapters))]
        for element_id, chapter in zip(ids, tags.chapters, strict=True):
            id3.add(
                CHAP(
                    element_id=element_id,
                    start_time=chapter.start_ms,
                    end_time=chapter.end_ms,
                    sub_frames=_chapter_frames(chapter),
                )
            )
        # silent chapters (an image for a stretch of audio) are CHAP frames no CTOC lists
        listed = [i for i, c in zip(ids, tags.chapters, strict=True) if c.toc]
        if listed:
            _add_tocs(id3, listed)
        id3.update_to_v23()
        # one pass: the new tag, then the source's audio after its old tag (no rewrite)
        tag = io.BytesIO()
        id3.save(tag, v2_version=3, v23_sep="/", padding=lambda info: 0)
        with source.open("rb") as src, target.open("wb") as dst:
            dst.write(tag.getvalue())
            src.seek(audio_offset)
            shutil.copyfileobj(src, dst, 1 << 20)
    except (mutagen.MutagenError, OSError, ValueError) as exc:
        raise AudioError(f"cannot tag the audio copy: {exc}", source) from None


def _chapter_frames(chapter: Chapter) -> list[Any]:
    """A CHAP frame's sub-frames: its title (TIT2), link (WXXX) and image (APIC), the
    frames the ID3 chapter addendum names for "URLs and images"."""
    frames: list[Any] = []
    if chapter.title or chapter.toc:
        frames.append(TIT2(encoding=3, text=[chapter.title]))
    extras = chapter.extras
    if extras.url:
        frames.append(WXXX(encoding=3, desc="", url=extras.url))
    if extras.img_file is not None:
        data = extras.img_file.read_bytes()
        mime = "image/png" if is_png(data) else "image/jpeg"
        frames.append(APIC(encoding=3, mime=mime, type=3, desc="Chapter", data=data))
    return frames


def _add_tocs(id3: Any, ids: list[str]) -> None:
    """One top-level ordered CTOC; over 255 chapters, nested CTOCs of 255 each."""
    if len(ids) <= MAX_CHAPTERS_PER_TOC:
        id3.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text=["Chapters"])],
            )
        )
        return
    children = []
    for n, k in enumerate(range(0, len(ids), MAX_CHAPTERS_PER_TOC)):
        child = f"toc{n}"
        children.append(child)
        id3.add(
            CTOC(
                element_id=child,
                flags=CTOCFlags.ORDERED,
                child_element_ids=ids[k : k + MAX_CHAPTERS_PER_TOC],
            )
        )
    id3.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=children,
        )
    )


def dump_tags(path: Path) -> str:
    """A sorted, readable dump of the ID3 tags (for golden files and `inspect`)."""
    try:
        id3 = ID3(path)
    except (mutagen.MutagenError, OSError) as exc:
        raise AudioError(f"cannot read tags: {exc}", path) from None
    lines = [f"version: 2.{id3.version[1]}"]
    for frame in id3.values():
        if frame.FrameID == "APIC":
            lines.append(f"APIC: {frame.mime} type={int(frame.type)} bytes={len(frame.data)}")
        elif frame.FrameID == "CHAP":
            title = frame.sub_frames.get("TIT2")
            lines.append(
                f"CHAP {frame.element_id}: {frame.start_time}-{frame.end_time} "
                f"{title.text[0] if title else ''}"
            )
        elif frame.FrameID == "CTOC":
            lines.append(
                f"CTOC {frame.element_id}: flags={int(frame.flags)} "
                f"children={','.join(frame.child_element_ids)}"
            )
        else:
            lines.append(f"{frame.HashKey}: {frame}")
    return "\n".join(sorted(lines)) + "\n"


def write_ogg_chapters(path: Path, chapters: Sequence[Chapter]) -> None:
    """CHAPTERnnn / CHAPTERnnnNAME comments (the Ogg chapter extension, as ffprobe and
    players read them) in an Ogg Opus or Vorbis file, in place. ffmpeg 5's own writer
    rounds the seconds before appending the milliseconds (46.732 s becomes 00:00:47.732)."""
    try:
        ogg: Any = mutagen.File(path)
        if ogg is None or ogg.tags is None:
            raise AudioError("not an Ogg file with comments", path)
        names = ogg.tags.keys()  # a VComment iterates as (key, value) pairs
        for key in [k for k in names if k.upper().startswith("CHAPTER")]:
            del ogg.tags[key]
        for index, chapter in enumerate(chapters):
            ms = chapter.start_ms
            clock = f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}"
            clock += f".{ms % 1000:03d}"
            ogg.tags[f"CHAPTER{index:03d}"] = [clock]
            ogg.tags[f"CHAPTER{index:03d}NAME"] = [chapter.title]
        ogg.save()
    except (mutagen.MutagenError, OSError, ValueError) as exc:
        raise AudioError(f"cannot write chapters into the Ogg file: {exc}", path) from None
