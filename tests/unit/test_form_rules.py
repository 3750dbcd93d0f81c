"""Rules between fields and the case: a reason required when a decision departs from the table, an outcome held
to the vote, and rules that are refused when the form is deployed."""

from __future__ import annotations

from typing import Any

import pytest

from engine.bundles.form_definitions import FormDefinition, load_form
from engine.bundles.form_submissions import validate_submission
from engine.errors import FormInvalid, ModelInvalid

OUTCOMES = [{"label": "容错免责", "value": "EXEMPT"}, {"label": "从轻", "value": "MITIGATE"},
            {"label": "不予容错", "value": "NOT_TOLERATED"}]


def form(*components: dict[str, Any]) -> FormDefinition:
    return load_form({"id": "f", "type": "default", "components": list(components)}, "f.json")


def errors_of(definition: FormDefinition, data: dict[str, Any], **context: Any) -> dict[str, list[str]]:
    with pytest.raises(FormInvalid) as caught:
        validate_submission(definition, data, context)
    return caught.value.fields


PROPOSAL = form(
    {"type": "radio", "key": "proposed_outcome", "validate": {"required": True}, "values": OUTCOMES},
    {"type": "textarea", "key": "override_reason", "label": "理由",
     "properties": {"requiredWhen": "proposed_outcome != recommended_outcome"}},
)


def test_a_departure_from_the_table_needs_a_reason() -> None:
    case = {"recommended_outcome": "EXEMPT"}
    assert validate_submission(PROPOSAL, {"proposed_outcome": "EXEMPT"}, case) == {"proposed_outcome": "EXEMPT"}
    assert set(errors_of(PROPOSAL, {"proposed_outcome": "MITIGATE"}, **case)) == {"override_reason"}
    assert errors_of(PROPOSAL, {"proposed_outcome": "MITIGATE", "override_reason": "  "}, **case)["override_reason"]
    cleaned = validate_submission(PROPOSAL, {"proposed_outcome": "MITIGATE", "override_reason": "损失已挽回"}, case)
    assert cleaned["override_reason"] == "损失已挽回"


def test_other_field_errors_come_first_and_rules_wait_for_them() -> None:
    # Until the outcome itself is valid, whether a reason is needed cannot be told.
    assert set(errors_of(PROPOSAL, {"proposed_outcome": "PARDON"}, recommended_outcome="EXEMPT")) == {"proposed_outcome"}


RULING = form(
    {"type": "radio", "key": "outcome", "values": OUTCOMES,
     "properties": {"requiredWhen": "True", "constraint": "outcome == carried_outcome",
                    "constraintMessage": "裁定结论须为表决通过的结论"}},
    {"type": "checkbox", "key": "rectification_required"},
    {"type": "datetime", "key": "rectification_deadline", "subtype": "date",
     "properties": {"requiredWhen": "rectification_required"}},
)


def test_a_constraint_keeps_the_outcome_to_the_vote_with_its_message() -> None:
    assert errors_of(RULING, {"outcome": "EXEMPT"}, carried_outcome="MITIGATE")["outcome"] == ["裁定结论须为表决通过的结论"]
    assert validate_submission(RULING, {"outcome": "MITIGATE"}, {"carried_outcome": "MITIGATE"})["outcome"] == "MITIGATE"


def test_a_required_rectification_needs_its_deadline_and_sees_the_date_as_stored() -> None:
    context = {"carried_outcome": "EXEMPT"}
    assert set(errors_of(RULING, {"outcome": "EXEMPT", "rectification_required": True}, **context)) == {
        "rectification_deadline"}
    # An unticked box arrives as nothing and counts as "no": no deadline is asked.
    assert validate_submission(RULING, {"outcome": "EXEMPT"}, context)["rectification_required"] is False
    done = validate_submission(RULING, {"outcome": "EXEMPT", "rectification_required": True,
                                        "rectification_deadline": "2026-06-30"}, context)
    assert done["rectification_deadline"] == "2026-06-30"


def test_a_rule_naming_what_the_case_lacks_is_reported_on_its_field() -> None:
    messages = errors_of(PROPOSAL, {"proposed_outcome": "MITIGATE"})["override_reason"]
    assert "recommended_outcome" in messages[0] and "表单" in messages[0]


@pytest.mark.parametrize(
    ("properties", "reason"),
    [({"requiredWhen": "a ==="}, "requiredWhen"), ({"constraint": "__import__('os')"}, "constraint"),
     ({"constraintMessage": "只有消息"}, "constraintMessage"), ({"requiredWhen": 3}, "requiredWhen"),
     ("not an object", "properties")],
)
def test_bad_rules_are_refused_when_the_form_is_loaded(properties: Any, reason: str) -> None:
    with pytest.raises(ModelInvalid) as caught:
        form({"type": "textfield", "key": "note", "properties": properties})
    assert any(reason in p.reason and "note" in p.reason for p in caught.value.problems)


def test_a_rule_runs_in_the_scripts_sandbox() -> None:
    # str.format reaches attributes by name, so the sandbox refuses it when it runs: the field reports it.
    sneaky = form({"type": "textfield", "key": "note", "properties": {"constraint": "'{0.__class__}'.format(note)"}})
    assert "表单" in errors_of(sneaky, {"note": "x"})["note"][0]
