"""The transcript's words as a recogniser spells them (numbers in words, acronyms said
letter by letter as letters), and the recogniser's pronunciation dictionary."""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from pathlib import Path

from podpub.align.tuning import SPELLED_LETTER

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _below_100(n: int) -> list[str]:
    if n < 20:
        return [_ONES[n]]
    return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])


def _cardinal(n: int) -> list[str]:
    if n < 100:
        return _below_100(n)
    if n < 1000:
        rest = _below_100(n % 100) if n % 100 else []
        return [_ONES[n // 100], "hundred", *rest]
    if n < 1_000_000:
        rest = _cardinal(n % 1000) if n % 1000 else []
        return [*_cardinal(n // 1000), "thousand", *rest]
    return [str(n)]


def _number_words(token: str) -> list[str]:
    n = int(token)
    if 1100 <= n <= 2099 and not 2000 <= n <= 2009:  # a year: "nineteen seventy eight"
        tail = (
            _below_100(n % 100)
            if n % 100 >= 10
            else (["hundred"] if n % 100 == 0 else ["oh", _ONES[n % 100]])
        )
        return [*_below_100(n // 100), *tail]
    return _cardinal(n)


_ACRONYM = re.compile(r"\b[A-Z]{2,6}s?\b")


def _spelled(token: str) -> bool:
    """Whether an all-capitals token is said letter by letter ("APHR", "CNRP", "UN") rather
    than as a word ("ASEAN", "COVID", or "NOT" in capitals for emphasis): a word the
    recogniser's dictionary knows is left as it is (it also knows "FBI" letter by letter);
    otherwise two letters, vowel-less, or unpronounceable."""
    core = token[:-1] if token.endswith("s") else token
    if token in _SHORT_WORDS or (len(core) > 2 and core.lower() in _known_words()):
        return False
    if len(core) <= 3 or not re.search(r"[AEIOUY]", core):
        return True
    return re.search(r"[^AEIOUY]{3}", core) is not None


# two-letter words written in capitals for emphasis ("I said NO"), not letters
_SHORT_WORDS = frozenset(
    "NO SO GO IT IS IN ON OF OR TO BE WE HE ME MY BY DO UP AT AN AS IF OK OH HI".split()
)


def _known_words() -> Collection[str]:
    try:
        return vocabulary()
    except (ImportError, OSError):
        return ()


def spell_acronyms(text: str) -> str:
    """``text`` with its spelled-out acronyms as letters: "APHR has" -> "A P H R has"."""

    def spell(m: re.Match[str]) -> str:
        token = m.group(0)
        if not _spelled(token):
            return token
        if token.endswith("s") and len(token) > 2:
            return " ".join(token[:-1]) + "'s"
        return " ".join(token)

    return _ACRONYM.sub(spell, text)


def words_of(sentence: str) -> list[str]:
    """Lower-case words as a recogniser spells them ("2017" -> "twenty seventeen", "APHR"
    -> "a p h r")."""
    return [w for w, _ in words_and_sizes(sentence)]


def spoken_letters(sentence: str) -> list[int]:
    """For each of ``words_of(sentence)``, its length in letters as a measure of how long
    it takes to say: a letter of a spelled-out acronym counts as ``SPELLED_LETTER`` ("APHR"
    takes as long as "aitch" alone), the article "a" as one."""
    return [size for _, size in words_and_sizes(sentence)]


def words_and_sizes(sentence: str) -> list[tuple[str, int]]:
    """Each of the sentence's words as a recogniser spells it, with its length in letters
    (see ``spoken_letters``)."""
    text = spell_acronyms(sentence).replace("’", "'").replace("‘", "'")
    tokens = [t.strip("'") for t in re.findall(r"[A-Za-z0-9']+", text)]
    tokens = [t for t in tokens if t]
    out: list[tuple[str, int]] = []
    for k, token in enumerate(tokens):
        lower = token.lower()
        if lower.isdigit():
            out.extend((w, len(w)) for w in _number_words(lower))
        elif re.fullmatch(r"\d+(st|nd|rd|th|s)", lower):
            out.extend((w, len(w)) for w in _number_words(re.sub(r"\D", "", lower)))
        else:
            # a capital letter next to another: a letter of a spelled acronym
            spelled = (
                len(token) == 1
                and token.isupper()
                and any(
                    0 <= j < len(tokens) and len(tokens[j]) == 1 and tokens[j].isupper()
                    for j in (k - 1, k + 1)
                )
            )
            out.append((lower, SPELLED_LETTER if spelled else len(lower)))
    return out


# ---------------------------------------------------------------------------- dictionary


@functools.lru_cache(maxsize=1)
def lexicon() -> dict[str, list[str]]:
    """The wheel's pronunciation dictionary: word -> its dictionary lines."""
    from pocketsphinx import get_model_path  # type: ignore[import-untyped]

    out: dict[str, list[str]] = {}
    path = Path(get_model_path()) / "en-us" / "cmudict-en-us.dict"
    with path.open(encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            head = line.split(" ", 1)[0]
            if head:
                out.setdefault(re.sub(r"\(\d+\)$", "", head), []).append(line)
    return out


def vocabulary() -> Collection[str]:
    """The words the recogniser can hear."""
    return lexicon().keys()
