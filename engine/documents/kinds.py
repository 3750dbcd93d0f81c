"""The kinds of official document: each one's title, what it says, and when its step issues it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from engine.calendar import chinese_date
from engine.documents import letters, notices, records
from engine.documents.content import Body, DocumentContent
from engine.documents.facts import Facts


def _always(facts: Facts) -> bool:
    return True


@dataclass(frozen=True)
class Kind:
    """A kind of document: its title, how its body is written, and whether the step's outcome calls for it."""

    title: str
    build: Callable[[Facts], Body]
    issued_when: Callable[[Facts], bool] = _always
    # The confidential kinds of case data the built-in text prints (engine/access/disclosure.py).
    discloses: tuple[str, ...] = ()
    # The case data key holding the number the document carries when a register number was taken before it (a
    # filing number at registration); None: the document takes the next number of its kind.
    number_key: str | None = None


def _acceptance_is(value: str) -> Callable[[Facts], bool]:
    return lambda facts: facts.text("acceptance") == value


KINDS: dict[str, Kind] = {
    "application": Kind("容错纠错申请书", records.application, lambda f: f.text("entry") in ("", "application")),
    "acceptance_notice": Kind("受理通知书", notices.acceptance_notice, _acceptance_is("accept")),
    "refusal_notice": Kind("不予受理通知书", notices.refusal_notice, _acceptance_is("refuse")),
    "supplement_notice": Kind("补正材料通知书", notices.supplement_notice, _acceptance_is("supplement")),
    # A request for more time is not the report: the report comes with the investigation's last round.
    "investigation_report": Kind("调查核实报告", records.investigation_report,
                                 lambda f: f.text("investigation_action") != "request_extension"),
    # Attendance, recusals and each member's vote are the committee's deliberation.
    "meeting_minutes": Kind("裁定会议纪要", records.meeting_minutes, discloses=("deliberation",)),
    # The chair may send the motion back to a new vote instead of ruling: then there is no letter.
    "ruling_letter": Kind("裁定书", letters.ruling_letter, lambda f: f.text("ruling_action") in ("", "issue")),
    "feedback_notice": Kind("裁定结果反馈通知书", notices.feedback_notice),
    "filing_notice": Kind("容错纠错结果报备函", notices.filing_notice),
    "rectification_verification": Kind("整改验收记录", records.rectification_verification),
    # It states what was reported and found: the informants' side of the matter.
    "clarification_decision": Kind("澄清正名决定书", letters.clarification_decision,
                                   lambda f: f.flag("clarification_approved"), discloses=("informants",)),
    "clarification_letter": Kind("澄清函", letters.clarification_letter),
    "appeal_decision": Kind("申诉复核决定书", letters.appeal_decision),
    # The registration of a prior filing (事前备案), under the filing number taken as it was registered.
    "prior_filing_certificate": Kind("事前备案登记证明", notices.prior_filing_certificate,
                                     lambda f: f.text("filing_review") == "accept" and bool(f.text("filing_number")),
                                     number_key="filing_number"),
}


def compose(kind: str, facts: Facts, number: str, issued_on: date, issuing_body: str) -> DocumentContent:
    """The whole document of `kind`: title, number, body from the facts, issuing body and date."""
    spec = KINDS[kind]
    body = spec.build(facts)
    sections = tuple(s for s in body.sections if s.paragraphs)
    return DocumentContent(spec.title, number, body.addressee, sections, body.signed_by or issuing_body,
                           chinese_date(issued_on), spec.discloses)
