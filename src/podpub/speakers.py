"""Who speaks each paragraph of an unlabelled interview transcript (pure).

A web-page transcript of an interview rarely labels turns. With one host and one guest
named in episode.yaml, the turns follow from how interviews are written:

- the host asks (a paragraph ending in a question), welcomes and thanks the guest by name,
  introduces the guest in the third person, and opens and closes the show;
- the guest answers the question before, greets back ("Hello from ...", "Thank you for
  having me") and otherwise keeps the floor until the host speaks again;
- a section heading is followed by the host moving the conversation on.
"""

from __future__ import annotations

import re
from dataclasses import replace

from podpub.model import Paragraph, Person, Section, Transcript
from podpub.sentences import split_sentences

_SHOW_FRAME = re.compile(
    r"\b(you(['’]re| are) (now )?listening to|welcome (back )?to|that was an episode of|"
    r"thanks for listening|see you (soon|next time)|i['’]ll be your host|this is .* podcast)\b",
    re.IGNORECASE,
)
_GUEST_REPLY = re.compile(
    r"^(hello|hi|hey|good (morning|afternoon|evening)|thank you for having me|thanks for "
    r"having me|it['’]s a pleasure|my pleasure|glad to be here|happy to be here)\b",
    re.IGNORECASE,
)


def _name_parts(person: Person) -> list[str]:
    """The full name and its distinctive parts, longest first ("Mu Sochua", "Sochua")."""
    words = [w for w in person.name.split() if len(w) > 2]
    return sorted({person.name, *words}, key=len, reverse=True)


def _mentions(text: str, names: list[str]) -> bool:
    return any(re.search(rf"\b{re.escape(n)}\b", text) for n in names)


def _is_question(text: str) -> bool:
    sentences = split_sentences(text)
    return bool(sentences) and sentences[-1].rstrip("\"'”’) ").endswith("?")


def _host_speaks(text: str, host: Person, guest_names: list[str]) -> bool:
    if _is_question(text) or _SHOW_FRAME.search(text):
        return True
    if _mentions(text, guest_names):  # the guest does not talk about herself by name
        return True
    return bool(re.search(rf"\bI['’]m {re.escape(host.name.split()[0])}\b", text))


def pick_host_and_guest(persons: tuple[Person, ...]) -> tuple[Person, Person] | None:
    hosts = [p for p in persons if p.role.lower() in ("host", "co-host")]
    guests = [p for p in persons if p.role.lower() in ("guest", "guest host")]
    if len(hosts) == 1 and len(guests) == 1:
        return hosts[0], guests[0]
    return None


def infer_speakers(transcript: Transcript, persons: tuple[Person, ...]) -> Transcript:
    """Attribute unlabelled paragraphs to the host or the guest.

    Only when the transcript has no labels at all and episode.yaml names exactly one host
    and one guest; otherwise the transcript is returned unchanged.
    """
    pair = pick_host_and_guest(persons)
    if pair is None or transcript.speakers:
        return transcript
    host, guest = pair
    guest_names = _name_parts(guest)
    current = host.name  # shows open with the host
    previous_was_question = False
    previous_host = True
    sections: list[Section] = []
    for section in transcript.sections:
        paragraphs: list[Paragraph] = []
        for index, paragraph in enumerate(section.paragraphs):
            text = paragraph.text
            if _host_speaks(text, host, guest_names) or (index == 0 and section.title):
                speaker = host.name
            elif previous_was_question or (previous_host and _GUEST_REPLY.search(text)):
                speaker = guest.name
            else:
                speaker = current
            current = speaker
            previous_host = speaker == host.name
            previous_was_question = previous_host and _is_question(text)
            paragraphs.append(replace(paragraph, speaker=speaker))
        sections.append(replace(section, paragraphs=tuple(paragraphs)))
    return replace(transcript, sections=tuple(sections))
