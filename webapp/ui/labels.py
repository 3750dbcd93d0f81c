"""Words for the codes a case records: what happened in its audit trail and how it was closed."""

from __future__ import annotations

from flask_babel import lazy_gettext

EVENT_LABELS = {
    "case_started": lazy_gettext("case started"),
    "task_completed": lazy_gettext("step completed"),
    "task_claimed": lazy_gettext("step claimed"),
    "task_released": lazy_gettext("step released"),
    "task_reassigned": lazy_gettext("step reassigned"),
    "step_failed": lazy_gettext("step failed"),
    "attachment_added": lazy_gettext("file attached"),
    "attachment_downloaded": lazy_gettext("file downloaded"),
    "document_issued": lazy_gettext("document issued"),
    "document_downloaded": lazy_gettext("document downloaded"),
    "document_corrected": lazy_gettext("document corrected"),
    "document_rendered": lazy_gettext("document rendered"),
    "case_repaired": lazy_gettext("case repaired by a supervisor"),
    "message_delivered": lazy_gettext("message received"),
    "reminder_sent": lazy_gettext("reminder sent"),
    "timer_fired": lazy_gettext("time limit reached"),
    "timers_rearmed": lazy_gettext("due dates recalculated"),
    "warning_acknowledged": lazy_gettext("warning sign acknowledged"),
    "typical_case_unpublished": lazy_gettext("typical case taken out of the library"),
}
CLOSURE_LABELS = {
    "completed": lazy_gettext("concluded"),
    "refused": lazy_gettext("not accepted"),
    "supplement_lapsed": lazy_gettext("closed: materials not supplied in time"),
    "prior_ruling": lazy_gettext("closed: already ruled, no new evidence"),
    "not_applicable": lazy_gettext("closed: tolerance does not apply"),
    "clarified": lazy_gettext("cleared by clarification"),
    "not_clarified": lazy_gettext("closed without clarification"),
    "published": lazy_gettext("published as a typical case"),
    "rejected": lazy_gettext("not published"),
    "not_eligible": lazy_gettext("closed: the source case cannot be a typical case"),
    "declined": lazy_gettext("filing declined"),
    "closed_by_reviewer": lazy_gettext("filing closed by the reviewer"),
}
# A prior filing's status, its risk level and what a progress report says of it.
FILING_STATUS_LABELS = {
    "filed": lazy_gettext("under review"),
    "registered": lazy_gettext("registered"),
    "declined": lazy_gettext("declined"),
    "closed": lazy_gettext("filing closed"),
}
RISK_LABELS = {"low": lazy_gettext("low"), "medium": lazy_gettext("medium"), "high": lazy_gettext("high")}
REPORT_LABELS = {
    "on_track": lazy_gettext("on track"),
    "drift": lazy_gettext("drift from the plan"),
    "completed": lazy_gettext("carried out"),
}
