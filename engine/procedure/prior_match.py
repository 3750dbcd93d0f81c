"""When an earlier ruling concerns the same cadre and the same matter: the rules, on text alone.

Same cadre: the identity numbers are equal when both records have one (a number outweighs a changed name or a
transfer to another unit, and two numbers that differ are two people); otherwise the names are equal and so are the
units, where both records name one (registers written before units were recorded match on the name).

Same matter: the Sørensen–Dice coefficient of the two matters' character bigrams, over text folded to compare
(`fold`), reaches the configured threshold (setting `prior_matter_similarity`). Why bigrams: Chinese is written
without spaces, so comparing words needs a segmenter with a dictionary (a heavy dependency that still splits names of
projects and places unpredictably); most Chinese words are two characters long, and overlapping character bigrams are
the usual unit of Chinese full-text search (Lucene's CJK analyzer indexes them) for that reason. A multiset of bigrams
ignores where a phrase stands, so a reordered title ("先行先试产业园区招商政策") keeps nearly its whole score, while
difflib's SequenceMatcher counts only blocks matching in order and roughly halves it. An inserted word costs only the
bigrams around it. The computation is linear in the length of the texts and needs only the standard library.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

# Eighteen characters: a six-digit area code, the birth date, a three-digit sequence and a check digit or X.
ID_NUMBER = re.compile(r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]")
# GB 11643: the check character is ISO 7064 MOD 11-2 over the first seventeen digits.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def fold(text: object) -> str:
    """Text as compared: full-width forms made half-width (NFKC), case folded, only letters and digits kept."""
    folded = unicodedata.normalize("NFKC", str(text or "")).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def id_number(value: object) -> str | None:
    """An identity number as stored and compared (half-width, upper-case X), or None when blank or malformed.

    A number whose check character is wrong was mistyped: comparing it would tell two records of one cadre apart,
    so it counts as not given and the name and unit decide.
    """
    text = "".join(unicodedata.normalize("NFKC", str(value or "")).split()).upper()
    if not ID_NUMBER.fullmatch(text):
        return None
    check = _CHECK[sum(int(d) * w for d, w in zip(text[:17], _WEIGHTS, strict=True)) % 11]
    return text if text[17] == check else None


def _bigrams(text: str) -> Counter[str]:
    if len(text) < 2:
        return Counter([text] if text else [])
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def similarity(a: object, b: object) -> float:
    """How alike two matters are, from 0 (no character pair in common) to 1 (the same once folded)."""
    left, right = fold(a), fold(b)
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    pairs_a, pairs_b = _bigrams(left), _bigrams(right)
    common = sum((pairs_a & pairs_b).values())
    return 2 * common / (sum(pairs_a.values()) + sum(pairs_b.values()))


@dataclass(frozen=True)
class Cadre:
    """Who a record concerns: the name, the unit and the identity number as entered (blank ones are None)."""

    name: str
    unit: str | None = None
    id_number: str | None = None

    @classmethod
    def of(cls, name: object, unit: object = None, number: object = None) -> Cadre:
        """A cadre from raw values: white space folded, an identity number normalized or dropped if malformed."""
        return cls(" ".join(str(name or "").split()), " ".join(str(unit or "").split()) or None, id_number(number))

    @property
    def key(self) -> str:
        """The folded name: the register's index narrows the candidates by it."""
        return fold(self.name)


def same_cadre(new: Cadre, old: Cadre) -> bool:
    """Whether two records concern the same cadre (see the module's docstring for the rule)."""
    if new.id_number and old.id_number:
        return new.id_number == old.id_number
    if not new.key or new.key != old.key:
        return False
    return not new.unit or not old.unit or fold(new.unit) == fold(old.unit)
