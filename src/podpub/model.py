"""Records: the immutable data that flows through the pipeline (pure, stdlib only).

Time is integer milliseconds everywhere, with the unit in the name (``start_ms``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

TimingSource = Literal["given", "aligned", "estimated"]
EpisodeType = Literal["full", "trailer", "bonus"]
ShowType = Literal["episodic", "serial"]


@dataclass(frozen=True)
class Person:
    """A podcast:person: someone who takes part in the show or an episode."""

    name: str
    role: str = "host"
    group: str = "cast"
    href: str | None = None
    img: str | None = None


@dataclass(frozen=True)
class Funding:
    url: str
    text: str


@dataclass(frozen=True)
class Link:
    """A link to elsewhere with its text: where else to subscribe (the show page)."""

    url: str
    text: str


@dataclass(frozen=True)
class NamespaceTag:
    """A Podcasting 2.0 tag given in podcast.yaml or episode.yaml, ready to write: its
    element name in the podcast namespace, attributes in order, node text, child tags."""

    name: str
    attrs: tuple[tuple[str, str], ...] = ()
    text: str | None = None
    children: tuple[NamespaceTag, ...] = ()


@dataclass(frozen=True)
class Category:
    """An Apple category, optionally with a subcategory ("News/Politics")."""

    top: str
    sub: str | None = None


AudioFormat = Literal["mp3", "m4a", "opus"]
Channels = Literal["auto", "mono", "stereo"]


@dataclass(frozen=True)
class AudioSettings:
    """An ``audio:`` block (podcast.yaml, or an episode's overrides): how the published
    audio is made. ``None`` is "not given" (the show's value, else the default applies);
    ``intro``/``outro`` False is an episode's ``none``; ``loudness_lufs`` False is off."""

    format: AudioFormat | None = None
    bitrate_kbps: int | None = None
    channels: Channels | None = None
    loudness_lufs: float | Literal[False] | None = None
    intro: Path | Literal[False] | None = None
    outro: Path | Literal[False] | None = None
    crossfade_ms: int | None = None
    alternates: tuple[AudioFormat, ...] | None = None


@dataclass(frozen=True)
class Show:
    """podcast.yaml, validated."""

    root: Path
    title: str
    description: str
    author: str
    owner_name: str
    owner_email: str
    language: str
    categories: tuple[Category, ...]
    explicit: bool
    image: Path  # absolute path of the artwork inside the show root
    base_url: str  # ends with "/"; feed/ is served there
    link: str
    type: ShowType = "episodic"
    copyright: str | None = None
    guid: str | None = None  # podcast:guid given in podcast.yaml (else derived from the feed URL)
    locked: bool = False
    funding: tuple[Funding, ...] = ()
    persons: tuple[Person, ...] = ()
    subscribe: tuple[Link, ...] = ()  # the show in directories and apps (the show page)
    chapter_lead_in_ms: int = 0  # chapters start this long before their first word
    tags: tuple[NamespaceTag, ...] = ()  # Podcasting 2.0 tags given in podcast.yaml
    websub_hub: str | None = None  # WebSub hub told of each deploy that changes the feed
    audio: AudioSettings = AudioSettings()  # podcast.yaml's audio: block (empty if none)


@dataclass(frozen=True)
class ChapterLocation:
    """A chapter's place (the JSON chapters' ``location``): a name and an RFC 5870 geo
    URI, with an OpenStreetMap id if known."""

    name: str
    geo: str
    osm: str | None = None


@dataclass(frozen=True)
class ChapterExtras:
    """What a chapter may carry beside its title and times (Podcasting 2.0 JSON chapters;
    the image and link also go into the MP3's ID3 CHAP frame)."""

    img: str | None = None  # the image's URL (given, or where its file is published)
    img_file: Path | None = None  # an image file in the episode folder, until published
    url: str | None = None  # a web page about the chapter
    location: ChapterLocation | None = None
    toc: bool = True  # False: a silent chapter (no table of contents, no PSC, no CTOC)


@dataclass(frozen=True)
class ChapterOverride:
    """An explicit chapter from episode.yaml: a title and/or a start time."""

    title: str | None = None
    start_ms: int | None = None
    extras: ChapterExtras = ChapterExtras()


@dataclass(frozen=True)
class EpisodeSource:
    """episode.yaml plus the files it names, validated."""

    slug: str
    folder: Path
    guid: str
    published: datetime  # timezone-aware
    audio: Path
    transcript: Path
    title: str | None = None
    number: int | None = None
    season: int | None = None
    episode_type: EpisodeType = "full"
    summary: str | None = None
    explicit: bool | None = None
    image: Path | None = None
    persons: tuple[Person, ...] = ()
    chapters: tuple[ChapterOverride, ...] = ()
    transcript_format: str | None = None
    language: str | None = None
    speaker_map: tuple[tuple[str, str], ...] = ()  # transcript label -> person name
    extra_transcripts: tuple[tuple[str, Path], ...] = ()  # (language, path) for other languages
    not_chapters: tuple[str, ...] = ()  # headings of the transcript that are not chapters
    tags: tuple[NamespaceTag, ...] = ()  # Podcasting 2.0 tags given in episode.yaml
    audio_settings: AudioSettings = AudioSettings()  # episode.yaml's audio: overrides


@dataclass(frozen=True)
class Cue:
    """A timed piece of text: a caption cue, or a sentence placed in time."""

    start_ms: int
    end_ms: int
    text: str
    speaker: str | None = None
    source: TimingSource = "estimated"


@dataclass(frozen=True)
class Paragraph:
    """One spoken paragraph (a speaker turn or part of one).

    ``cues`` holds times given by the transcript itself (SRT/VTT/JSON/timestamped
    lines); it is empty for an untimed transcript.
    """

    text: str
    speaker: str | None = None
    line: int = 0  # 1-based line in the transcript file, 0 if unknown
    cues: tuple[Cue, ...] = ()

    @property
    def given_start_ms(self) -> int | None:
        return self.cues[0].start_ms if self.cues else None


@dataclass(frozen=True)
class Section:
    """A run of paragraphs under one heading; the opening section has no heading."""

    title: str | None
    paragraphs: tuple[Paragraph, ...]
    line: int = 0
    given_start_ms: int | None = None  # a time written with the heading, if any


@dataclass(frozen=True)
class SetAside:
    """A line recognised as not spoken, kept out of every transcript output."""

    line: int
    text: str
    reason: str  # "title", "caption", "footer", "navigation", "annotation", ...


@dataclass(frozen=True)
class AudioHint:
    """A transcript line marking audio it does not hold ("[AD]", "[Music]", "(ad break)"):
    set aside like any annotation, and kept as a hint for alignment, which expects that
    audio before paragraph ``paragraph`` (an index into ``Transcript.paragraphs``)."""

    line: int
    text: str
    paragraph: int


@dataclass(frozen=True)
class Guess:
    """A reading the reader was unsure of, and how the podcaster settles it."""

    line: int
    reading: str  # "'Disclaimer' is taken for a chapter heading"
    settle: str  # "if it is not one, list it under not_chapters: in episode.yaml"


@dataclass(frozen=True)
class Transcript:
    """A parsed transcript: structure found, non-spoken lines set aside."""

    title: str | None
    sections: tuple[Section, ...]
    set_aside: tuple[SetAside, ...] = ()
    format: str = "plain"
    warnings: tuple[str, ...] = ()
    language: str | None = None
    layout: tuple[str, ...] = ()  # what the reader found: "front matter (TOML)", "time marks"
    guesses: tuple[Guess, ...] = ()
    hints: tuple[AudioHint, ...] = ()  # ad and music markers between paragraphs

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(p for s in self.sections for p in s.paragraphs)

    @property
    def speakers(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for p in self.paragraphs:
            if p.speaker:
                seen.setdefault(p.speaker, None)
        return tuple(seen)


@dataclass(frozen=True)
class Chapter:
    title: str
    start_ms: int
    end_ms: int
    source: TimingSource
    confidence: float | None = None  # 0..1, for aligned chapters
    extras: ChapterExtras = ChapterExtras()

    @property
    def toc(self) -> bool:
        """In the table of contents (psc:chapters, the ID3 CTOC, the show notes)."""
        return self.extras.toc


@dataclass(frozen=True)
class TimedParagraph:
    paragraph: Paragraph
    start_ms: int
    end_ms: int
    source: TimingSource
    cues: tuple[Cue, ...] = ()  # the paragraph's timed cues, in order (episode pages)
    confidence: float | None = None  # 0..1, of an aligned start


@dataclass(frozen=True)
class AudioFacts:
    """What the build needs to know about an audio file."""

    duration_ms: int
    mime_type: str
    extension: str  # ".mp3"


@dataclass(frozen=True)
class Notice:
    """A warning with its rule ID (podpub check's), where, and the fix: the build prints
    it, podpub check lists it; written once, where the episode is timed."""

    rule: str
    message: str
    hint: str
    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}"


@dataclass(frozen=True)
class Episode:
    """Everything the renderers need for one episode: source, parsed text, timing."""

    source: EpisodeSource
    title: str
    transcript: Transcript
    audio: AudioFacts
    chapters: tuple[Chapter, ...]
    paragraphs: tuple[TimedParagraph, ...]
    cues: tuple[Cue, ...]
    warnings: tuple[str, ...] = field(default=())
    notices: tuple[Notice, ...] = field(default=())  # PP010, PP011, PP013: timing to look at
    # audio the aligner heard as speech not in the transcript (ads, asides): (start, end) ms
    unscripted: tuple[tuple[int, int], ...] = field(default=())
    own_ms: int | None = None  # the episode's own audio, when intro/outro make it longer

    @property
    def slug(self) -> str:
        return self.source.slug


@dataclass(frozen=True)
class AlternateEnclosure:
    """One podcast:alternateEnclosure: a published encoding of the episode's audio."""

    url: str
    mime_type: str
    length_bytes: int
    bitrate_bps: int
    codecs: str | None = None
    default: bool = False  # the main enclosure's own entry


@dataclass(frozen=True)
class FeedItem:
    """What the feed needs of one built episode: small, so a network's thousands of
    episodes fit in memory once their transcripts and audio are done with."""

    slug: str
    guid: str
    title: str
    published: datetime
    summary: str | None
    explicit: bool | None
    episode_type: EpisodeType
    number: int | None
    season: int | None
    persons: tuple[Person, ...]
    duration_ms: int
    mime_type: str
    audio_url: str
    audio_bytes: int
    chapters: tuple[Chapter, ...]
    language: str | None
    file_urls: tuple[tuple[str, str], ...]  # (output file name, URL)
    image_url: str | None = None
    extra_transcripts: tuple[tuple[str, str, str], ...] = ()  # (url, mime, language)
    show_notes: str = ""  # the rendered content:encoded HTML, made once with the episode
    tags: tuple[NamespaceTag, ...] = ()  # Podcasting 2.0 tags given in episode.yaml
    alternates: tuple[AlternateEnclosure, ...] = ()  # main first (default), then others
    source_duration_ms: int | None = None  # the episode's own audio, before intro/outro

    def url(self, file_name: str) -> str | None:
        return dict(self.file_urls).get(file_name)
