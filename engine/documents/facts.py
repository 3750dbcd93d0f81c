"""The case data a document is written from, with choices in the words the forms gave them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engine.bundles.form_definitions import FormDefinition
from engine.calendar import chinese_date

# Values that are outcomes without being a form's field of that name: the decision table's, the motion's, the appeal's.
SAME_WORDS = {"recommended_outcome": "outcome", "proposed_outcome": "outcome", "carried_outcome": "outcome",
              "motion": "outcome", "new_outcome": "outcome"}


@dataclass(frozen=True)
class FormWords:
    """The words the forms give: each field's label, each option's label, and where options come from case data."""

    names: dict[str, str] = field(default_factory=dict)
    labels: dict[str, dict[Any, str]] = field(default_factory=dict)
    # Fields whose options a script put in the case data (form-js valuesKey): field key -> data key.
    values_keys: dict[str, str] = field(default_factory=dict)


def form_words(forms: Iterable[FormDefinition]) -> FormWords:
    """Every field's label and every option's label, by field key (the first form naming a key gives its words)."""
    words = FormWords()
    for form in forms:
        for f in form.fields:
            words.names.setdefault(f.key, f.label)
            if f.options and f.key not in words.labels:
                words.labels[f.key] = {value: label for label, value in f.options}
            if f.values_key:
                words.values_keys.setdefault(f.key, f.values_key)
    return words


@dataclass(frozen=True)
class Facts:
    """Case data as a document reads it: text trimmed, dates in Chinese, choices by their labels, never codes."""

    data: Mapping[str, Any]
    words: FormWords = field(default_factory=FormWords)

    def name(self, key: str) -> str:
        """The field's label on its form."""
        return self.words.names.get(key) or key

    def options(self, key: str) -> Mapping[Any, str]:
        """The labels of a choice field's options: the form's, or those a script put in the case data."""
        fixed = self.words.labels.get(key) or self.words.labels.get(SAME_WORDS.get(key, ""))
        if fixed:
            return fixed
        listed = self.data.get(self.words.values_keys.get(key, ""))
        if isinstance(listed, list):
            return {o["value"]: str(o.get("label", o["value"])) for o in listed
                    if isinstance(o, Mapping) and isinstance(o.get("value"), (str, int, bool))}
        return {}

    def is_choice(self, key: str) -> bool:
        """Whether the value is one of a field's options (written by its label)."""
        return bool(self.options(key))

    def text(self, key: str) -> str:
        """The value as text ("" when absent)."""
        value = self.data.get(key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # an amount of 12000.0 yuan is written 12000
        return "" if value is None or isinstance(value, (bool, list, dict)) else str(value).strip()

    def date(self, key: str) -> str:
        """A date value written out (2026年4月20日); the text as given when it is not an ISO date."""
        raw = self.text(key)
        try:
            return chinese_date(date.fromisoformat(raw[:10]))
        except ValueError:
            return raw

    def choice(self, key: str) -> str:
        """A choice by its label."""
        value = self.data.get(key)
        if value is None or value == "":
            return ""
        return str(self.options(key).get(value, value))

    def choices(self, key: str) -> str:
        """A multiple choice by its labels, joined by 、."""
        values = self.data.get(key)
        if not isinstance(values, list):
            return self.choice(key)
        labels = self.options(key)
        return "、".join(str(labels.get(v, v)) for v in values)

    def word(self, key: str) -> str:
        """Any value as a document prints it: a choice by its label, a date in Chinese, yes or no, text as given."""
        value = self.data.get(key)
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, list):
            return self.choices(key) if self.is_choice(key) else "、".join(str(v) for v in value if not isinstance(v, dict))
        if self.is_choice(key):
            return self.choice(key)
        return self.date(key) if isinstance(value, str) and key.endswith(("_date", "_deadline")) else self.text(key)

    def flag(self, key: str) -> bool:
        """Whether a yes/no value is yes."""
        return self.data.get(key) is True

    def cadre(self) -> str:
        """The cadre as a document names them: unit, position and name."""
        return "".join(p for p in (self.text("cadre_unit"), self.text("cadre_position"), self.text("cadre_name")) if p)

    def matter(self) -> str:
        """The matter in quotes, with its date when known."""
        when = self.date("matter_date")
        return f"“{self.text('matter')}”" + (f"（{when}）" if when else "")
