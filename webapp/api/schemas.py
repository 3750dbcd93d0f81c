"""Request and response schemas of the API; they are also its OpenAPI document."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from engine.groups import GROUP_LABELS
from engine.persistence.lifecycle import CaseStatus

# Plain strings, not the enum's members: the OpenAPI document lists them as they are.
CASE_STATUSES = tuple(status.value for status in CaseStatus)
ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.-]*$"
# Form data holds one entry per field of a form, keyed by identifiers; no form comes near these bounds.
MAX_DATA_KEYS = 200


def form_data(description: str, required: bool = False) -> ma.fields.Dict:
    """A `data` object of form values: its keys are bounded here, its values by the form that checks them."""
    return ma.fields.Dict(keys=ma.fields.String(validate=validate.Length(min=1, max=100)), required=required,
                          validate=validate.Length(max=MAX_DATA_KEYS, error=f"最多 {MAX_DATA_KEYS} 个字段"),
                          metadata={"description": description})


class Strict(ma.Schema):
    """Refuses keys it does not declare."""

    class Meta:
        unknown = ma.RAISE


class CredentialsSchema(Strict):
    username = ma.fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = ma.fields.String(required=True, validate=validate.Length(min=1, max=256))


class TokenSchema(ma.Schema):
    token = ma.fields.String(required=True)
    expires_at = ma.fields.AwareDateTime(required=True)


class MeSchema(ma.Schema):
    username = ma.fields.String(required=True)
    display_name = ma.fields.String(required=True)
    unit = ma.fields.String(allow_none=True)
    groups = ma.fields.List(ma.fields.String(), required=True)
    group_labels = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())


class PageArgs(Strict):
    page = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = ma.fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class EntrySchema(ma.Schema):
    key = ma.fields.String(required=True, metadata={"description": "how a case of this process is started"})
    groups = ma.fields.List(ma.fields.String(), required=True)
    form_key = ma.fields.String(required=True)
    form = ma.fields.Dict(required=True, metadata={"description": "form-js definition"})
    may_start = ma.fields.Boolean(required=True)


class ProcessSchema(ma.Schema):
    process_id = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    version = ma.fields.Integer(required=True)
    bundle_hash = ma.fields.String(required=True)
    deployed_at = ma.fields.AwareDateTime(required=True)
    deployed_by = ma.fields.String(required=True)
    start_form = ma.fields.Dict(allow_none=True, metadata={"description": "form of the first entry the caller may use"})
    entries = ma.fields.List(ma.fields.Nested(EntrySchema), required=True)


class ProcessListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ProcessSchema), required=True)
    total = ma.fields.Integer(required=True)


class StartCaseSchema(Strict):
    process_id = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))
    entry = ma.fields.String(validate=validate.Length(min=1, max=40),
                             metadata={"description": "entry to start through; optional when the caller may use only one"})
    data = form_data("validated by the start form", required=True)


class CaseFilterArgs(PageArgs):
    status = ma.fields.String(validate=validate.OneOf(CASE_STATUSES))
    process_id = ma.fields.String(validate=validate.Length(max=100))
    group = ma.fields.String(validate=validate.OneOf(sorted(GROUP_LABELS)))
    overdue = ma.fields.Boolean()
    stuck = ma.fields.Boolean()
    q = ma.fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "cadre name or matter contains"})


class CaseSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    process_id = ma.fields.String(required=True)
    version = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True)
    cadre_name = ma.fields.String(allow_none=True)
    matter = ma.fields.String(allow_none=True)
    closure = ma.fields.String(allow_none=True)
    outcome = ma.fields.String(allow_none=True)
    started_by = ma.fields.String(required=True)
    started_unit = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime(required=True)
    updated_at = ma.fields.AwareDateTime(required=True)
    overdue = ma.fields.Boolean(required=True)
    stuck_reason = ma.fields.String(allow_none=True, metadata={"description": "error, suspended, waiting_on_nothing, untouched"})
    unit = ma.fields.String(allow_none=True, metadata={"description": "the unit the case concerns"})
    current_step = ma.fields.String(allow_none=True, metadata={"description": "the open step due first"})
    due_at = ma.fields.AwareDateTime(allow_none=True, metadata={"description": "when that step is due"})


class PageSchema(ma.Schema):
    """What every paginated list says besides its items."""

    total = ma.fields.Integer(required=True)
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)


class CaseListSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(CaseSummarySchema), required=True)


class OpenTaskSchema(ma.Schema):
    id = ma.fields.String(required=True)
    bpmn_id = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    group = ma.fields.String(required=True)
    candidate = ma.fields.String(allow_none=True, metadata={
        "description": "the one person who may do a per-person task (null where who it is stays with the committee)"})
    assignee = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime(required=True)
    due_at = ma.fields.AwareDateTime(allow_none=True)
    due_provisional = ma.fields.Boolean(required=True)


class StepSchema(ma.Schema):
    name = ma.fields.String(required=True)
    group = ma.fields.String(required=True)
    by = ma.fields.String(required=True, allow_none=True,
                          metadata={"description": "who did it; null where that is confidential to the caller (votes)"})
    at = ma.fields.AwareDateTime(required=True)


class CaseSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    process_id = ma.fields.String(required=True)
    version = ma.fields.Integer(required=True)
    bundle_hash = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    closure = ma.fields.String(allow_none=True)
    outcome = ma.fields.String(allow_none=True)
    unit = ma.fields.String(allow_none=True, metadata={"description": "the unit the case concerns"})
    error = ma.fields.Dict(allow_none=True)
    data = ma.fields.Dict(required=True, metadata={"description": "the case data the caller may see"})
    open_tasks = ma.fields.List(ma.fields.Nested(OpenTaskSchema), required=True)
    history = ma.fields.List(ma.fields.Nested(StepSchema), required=True)
    completed_elements = ma.fields.List(ma.fields.String(), required=True)
    active_elements = ma.fields.List(ma.fields.String(), required=True)
    lock_version = ma.fields.Integer(required=True, metadata={"description": "send back as expected_version to detect conflicts"})


class AuditEventSchema(ma.Schema):
    seq = ma.fields.Integer(required=True)
    event = ma.fields.String(required=True)
    actor = ma.fields.String(required=True, allow_none=True,
                             metadata={"description": "who acted; null where that is confidential to the caller (votes)"})
    at = ma.fields.AwareDateTime(required=True)
    task_id = ma.fields.String(allow_none=True)
    bpmn_id = ma.fields.String(allow_none=True)
    details = ma.fields.Dict(required=True)
    prev_hash = ma.fields.String(required=True)
    hash = ma.fields.String(required=True)


class AuditListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AuditEventSchema), required=True)
    total = ma.fields.Integer(required=True, metadata={"description": "events in the whole trail"})
    next_after_seq = ma.fields.Integer(required=True, allow_none=True, metadata={
        "description": "after_seq for the next page; null on the last page"})
    chain_ok = ma.fields.Boolean(required=True, metadata={"description": "whether the hash chain verifies"})


class TaskFilterArgs(PageArgs):
    mine = ma.fields.Boolean(metadata={"description": "only tasks assigned to me"})
    group = ma.fields.String(validate=validate.OneOf(sorted(GROUP_LABELS)),
                             metadata={"description": "unclaimed tasks of this group of mine"})


class DueTaskSchema(OpenTaskSchema):
    """An open task with its case and how its due date stands."""

    case_id = ma.fields.Integer(required=True)
    overdue = ma.fields.Boolean(required=True)
    working_days_left = ma.fields.Integer(allow_none=True, metadata={"description": "negative once overdue"})


class TaskSummarySchema(DueTaskSchema):
    cadre_name = ma.fields.String(allow_none=True)
    matter = ma.fields.String(allow_none=True)


class TaskListSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(TaskSummarySchema), required=True)


class TaskCaseSchema(ma.Schema):
    cadre_name = ma.fields.String(allow_none=True)
    matter = ma.fields.String(allow_none=True)
    status = ma.fields.String(required=True)
    lock_version = ma.fields.Integer(required=True)


class TaskSchema(DueTaskSchema):
    may_claim = ma.fields.Boolean(required=True, metadata={"description": "whether the caller may claim the task now"})
    form_key = ma.fields.String(required=True)
    form = ma.fields.Dict(required=True, metadata={"description": "form-js definition"})
    values = ma.fields.Dict(required=True, metadata={"description": "current values of the form's fields"})
    case = ma.fields.Nested(TaskCaseSchema, required=True)
    context = ma.fields.Dict(required=True, metadata={"description": "the case data the caller may see"})


class CompleteTaskSchema(Strict):
    data = form_data("validated by the task's form", required=True)
    expected_version = ma.fields.Integer(
        validate=validate.Range(min=0), metadata={"description": "the case's lock_version the form was filled against"})


class StepResultSchema(ma.Schema):
    case_id = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True)
    open_task_ids = ma.fields.List(ma.fields.String(), required=True)


class CompletionSchema(ma.Schema):
    """Where the case stands after a step, as far as the one who completed it may see."""

    case_id = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True)
    case_visible = ma.fields.Boolean(required=True, metadata={"description": "whether the caller may read the case"})
    lock_version = ma.fields.Integer(required=True)
    closure = ma.fields.String(allow_none=True)
    outcome = ma.fields.String(allow_none=True)
    open_tasks = ma.fields.List(ma.fields.Nested(OpenTaskSchema), required=True,
                                metadata={"description": "the open tasks the caller may see"})


class AccessEntrySchema(ma.Schema):
    username = ma.fields.String(required=True)
    at = ma.fields.AwareDateTime(required=True)
    kinds = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "deliberation, informants"})
    labels = ma.fields.List(ma.fields.String(), required=True)
    channel = ma.fields.String(required=True, metadata={"description": "case, task or audit"})


class AccessLogSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AccessEntrySchema), required=True)


class CorrelationSchema(Strict):
    # Ids beyond the column's range cannot exist; bounding them keeps the database from failing on them (500).
    case_id = ma.fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class MessageSchema(Strict):
    correlation = ma.fields.Nested(CorrelationSchema, required=True)
    payload = ma.fields.Raw(load_default=None, metadata={"description": "delivered to the waiting event"})


class DeploymentSchema(ma.Schema):
    deployment_id = ma.fields.Integer(required=True)
    bundle_hash = ma.fields.String(required=True)
    created = ma.fields.Boolean(required=True, metadata={"description": "false when the same bundle was deployed before"})
    versions = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(), required=True)


class UserSchema(ma.Schema):
    username = ma.fields.String(required=True)
    display_name = ma.fields.String(required=True)
    unit = ma.fields.String(allow_none=True)
    position = ma.fields.String(allow_none=True, metadata={"description": "职务, e.g. 副局长"})
    groups = ma.fields.List(ma.fields.String(), required=True)
    active = ma.fields.Boolean(required=True)


class UserListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(UserSchema), required=True)
    total = ma.fields.Integer(required=True)


class NewUserSchema(Strict):
    username = ma.fields.String(required=True, validate=[validate.Length(min=1, max=80), validate.Regexp(ID_PATTERN)])
    password = ma.fields.String(required=True, validate=validate.Length(min=12, max=256))
    display_name = ma.fields.String(validate=validate.Length(min=1, max=100))
    unit = ma.fields.String(validate=validate.Length(min=1, max=200))
    position = ma.fields.String(validate=validate.Length(min=1, max=100))
    groups = ma.fields.List(ma.fields.String(validate=validate.OneOf(sorted(GROUP_LABELS))), required=True,
                            validate=validate.Length(min=1))


REPAIR_ACTIONS = ("retry", "skip", "suspend", "resume", "terminate", "migrate")


class RepairSchema(Strict):
    action = ma.fields.String(required=True, validate=validate.OneOf(REPAIR_ACTIONS))
    case_ids = ma.fields.List(ma.fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)), required=True,
                              validate=validate.Length(min=1, max=500))
    reason = ma.fields.String(validate=validate.Length(max=500),
                              metadata={"description": "required for skip, suspend and terminate"})
    bpmn_id = ma.fields.String(validate=validate.Length(min=1, max=100),
                               metadata={"description": "skip: the open step to skip in each case"})
    data = form_data("retry: the corrected input of the failed step")


class OutcomeSchema(ma.Schema):
    case_id = ma.fields.Integer(required=True)
    ok = ma.fields.Boolean(required=True)
    message = ma.fields.String(required=True)


class OutcomeListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(OutcomeSchema), required=True)
    total = ma.fields.Integer(required=True)
    succeeded = ma.fields.Integer(required=True)


class ReassignSchema(Strict):
    task_ids = ma.fields.List(ma.fields.UUID(), required=True, validate=validate.Length(min=1, max=500))
    assignee = ma.fields.String(required=True, validate=validate.Length(min=1, max=80))


class TaskOutcomeSchema(ma.Schema):
    task_id = ma.fields.String(required=True)
    ok = ma.fields.Boolean(required=True)
    message = ma.fields.String(required=True)


class TaskOutcomeListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TaskOutcomeSchema), required=True)
    total = ma.fields.Integer(required=True)
    succeeded = ma.fields.Integer(required=True)


class RemindSchema(Strict):
    note = ma.fields.String(load_default="", validate=validate.Length(max=200))


class RemindedSchema(ma.Schema):
    reminded = ma.fields.List(ma.fields.String(), required=True)


class NotificationArgs(PageArgs):
    unread = ma.fields.Boolean(metadata={"description": "only unread ones"})


class NotificationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={
        "description": "new_task, reassigned, supplement_requested, ruling_issued, reminder, escalation"})
    message = ma.fields.String(required=True)
    case_id = ma.fields.Integer(allow_none=True)
    task_id = ma.fields.String(allow_none=True)
    created_by = ma.fields.String(required=True)
    created_at = ma.fields.AwareDateTime(required=True)
    read_at = ma.fields.AwareDateTime(allow_none=True)


class NotificationListSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(NotificationSchema), required=True)
    unread = ma.fields.Integer(required=True, metadata={"description": "unread ones in all, whatever the filter"})
