"""Rules that take the people, units, places and amounts out of a case's text (脱敏), and find what is left.

The rules replace what the source case names exactly (the cadre, the units, the identity number, the loss) and
what looks like an amount of money or a place anywhere in the text. They are a first draft: a second person
reviews the text, and the check below refuses publication while anything the source case names remains.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

PERSON, UNIT, PLACE, AMOUNT = "某干部", "某单位", "某地", "若干元"
# An amount of money: digits (with separators or a decimal point), optionally 万 or 亿, then 元.
MONEY = re.compile(r"[0-9０-９][0-9０-９,，.]*\s*(?:万|亿)?\s*元")
# A place: a few characters ending in an administrative division (示例区, 某某县, 城关镇, 幸福村 ...).
# (A word such as 在 or 于 before the name is not part of it.)
PLACE_NAME = re.compile(r"(?![在于从到向对把被由和与及的了是为])"
                        r"(?:[\u4e00-\u9fa5]{2,6}?(?:省|自治区|自治州|地区|县|旗|街道|镇|乡|村|社区)"
                        r"|[\u4e00-\u9fa5]{2,4}[市区](?=[\u4e00-\u9fa5]{0,12}(?:局|委|办|政府|党委|中心|院|所|公司|会)))")


@dataclass(frozen=True)
class Identifiers:
    """What the source case names exactly: the cadre, the units, the identity number and the loss in yuan."""

    names: tuple[str, ...]
    units: tuple[str, ...]
    numbers: tuple[str, ...]

    @classmethod
    def of(cls, cadre_name: str | None, units: Iterable[str | None], id_number: str | None,
           loss_amount: object) -> Identifiers:
        """From the source case's data (empty values ignored)."""
        names = tuple(n for n in {(cadre_name or "").strip()} if len(n) >= 2)
        found_units = tuple(sorted({u.strip() for u in units if u and len(u.strip()) >= 2}, key=len, reverse=True))
        numbers = [n for n in ((id_number or "").strip(),) if n]
        if isinstance(loss_amount, int | float) and loss_amount > 0:
            whole = f"{loss_amount:.2f}".rstrip("0").rstrip(".")
            numbers += [whole, f"{float(loss_amount):,.0f}"] if float(loss_amount) >= 1000 else [whole]
        return cls(names, found_units, tuple(sorted(set(numbers), key=len, reverse=True)))


def anonymise(text: str, ids: Identifiers) -> str:
    """The text with the source case's people, units and numbers, and any amount or place, replaced."""
    for unit in ids.units:
        text = text.replace(unit, UNIT)
    for name in ids.names:
        text = text.replace(name, PERSON)
    text = MONEY.sub(AMOUNT, text)
    for number in ids.numbers:
        text = text.replace(number, "若干")
    return PLACE_NAME.sub(PLACE, text)


def leaks(text: str, ids: Identifiers) -> list[str]:
    """What of the source case the text still names, in words (empty when nothing)."""
    found = [f"仍含干部姓名“{n}”" for n in ids.names if n in text]
    found += [f"仍含单位名称“{u}”" for u in ids.units if u in text]
    found += [f"仍含数字“{n}”（金额或身份证号码）" for n in ids.numbers if n in text]
    found += [f"仍含金额“{m.group(0)}”" for m in MONEY.finditer(text)]
    return found
