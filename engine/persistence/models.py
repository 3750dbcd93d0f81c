"""The engine's tables: users, deployments, cases, the task index, handlers, rulings, closed rectifications and audit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.persistence.db import Base, UTCDateTime
from engine.persistence.document_tables import Document as Document
from engine.persistence.file_tables import Attachment as Attachment
from engine.persistence.file_tables import AttachmentBlob as AttachmentBlob
from engine.persistence.filing_tables import FilingCitation as FilingCitation
from engine.persistence.filing_tables import PriorFiling as PriorFiling
from engine.persistence.library_tables import TypicalCase as TypicalCase
from engine.persistence.lifecycle import CaseStatus
from engine.persistence.notice_tables import NoticeChoice as NoticeChoice
from engine.persistence.numbering_tables import DocumentCounter as DocumentCounter
from engine.persistence.register_tables import CadreRecord as CadreRecord
from engine.persistence.search_tables import CaseGram as CaseGram
from engine.persistence.stats_tables import CaseStage as CaseStage
from engine.persistence.stats_tables import LateStep as LateStep
from engine.persistence.unit_tables import Unit as Unit
from engine.persistence.warning_tables import CaseWarning as CaseWarning


class Group(Base):
    """A role: lanes of the BPMN name groups by their key."""

    __tablename__ = "user_group"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))


class User(Base):
    """A person who signs in; belongs to groups and to an organization unit."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    unit: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)  # set by an administrator's reset
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    memberships: Mapped[list[Membership]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def groups(self) -> frozenset[str]:
        """Keys of the groups this user belongs to."""
        return frozenset(m.group_key for m in self.memberships)


class Membership(Base):
    """A user's membership of a group."""

    __tablename__ = "membership"
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    group_key: Mapped[str] = mapped_column(ForeignKey("user_group.key"), primary_key=True)


class Deployment(Base):
    """An immutable bundle of BPMN, DMN and form files, keyed by the hash of its content."""

    __tablename__ = "deployment"
    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_hash: Mapped[str] = mapped_column(String(64), unique=True)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deployed_by: Mapped[str] = mapped_column(String(80))
    # Loaded only when asked for: a case's bundle comes from the parsed-bundle cache, not from these rows.
    files: Mapped[list[DeploymentFile]] = relationship(
        cascade="all, delete-orphan", lazy="select", order_by="DeploymentFile.name"
    )


class DeploymentFile(Base):
    """One file of a deployment bundle, stored verbatim."""

    __tablename__ = "deployment_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployment.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ProcessVersion(Base):
    """A process of a deployment: its numbered version among deployments of the same process id."""

    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("process_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployment.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    entries: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    deployment: Mapped[Deployment] = relationship()


# The statuses of a case not yet ended: it may still take steps, fire timers or be repaired.
OPEN_STATUSES: tuple[CaseStatus, ...] = tuple(status for status in CaseStatus if status.is_open)


class Case(Base):
    """A running or finished workflow instance with its serialized state."""

    __tablename__ = "case"
    __table_args__ = (
        Index("ix_case_timer", "status", "next_timer_at"),
        # Orders cases by filing, and covers the figures' grouped count over a period without reading the rows.
        Index("ix_case_created", "created_at", "process_id", "status", "outcome", "closure", "procedure", "domain", "unit"),
        # Covers the figures' grouped count in the order it groups by: no sort, no read of the state blobs.
        Index("ix_case_figures", "status", "outcome", "closure", "procedure", "domain", "unit", "process_id", "created_at"),
        # Finds running cases untouched for long (stuck) by a range, not a scan of every case.
        Index("ix_case_status_updated", "status", "updated_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    # A CaseStatus value; stored as plain text so that the lifecycle can change without a schema change.
    status: Mapped[str] = mapped_column(String(20), index=True)
    # zlib-compressed JSON of the workflow without its spec (see engine.bundles.serializer).
    state: Mapped[bytes] = mapped_column(LargeBinary)
    version: Mapped[int] = mapped_column(Integer)
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_by: Mapped[str] = mapped_column(String(80), index=True)  # a reader lists the cases they started
    started_unit: Mapped[str | None] = mapped_column(String(200), index=True)
    # The unit the case concerns (the applicant's; on the pre-check path the cadre's): unit-scoped lanes go to its members.
    unit: Mapped[str | None] = mapped_column(String(200), index=True)
    entry: Mapped[str | None] = mapped_column(String(40))
    cadre_name: Mapped[str | None] = mapped_column(String(100), index=True)
    matter: Mapped[str | None] = mapped_column(String(500))
    closure: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str | None] = mapped_column(String(20))
    # The application's domain (a key of the circumstance lists) and the procedure chosen at triage, for figures.
    domain: Mapped[str | None] = mapped_column(String(100), index=True)
    procedure: Mapped[str | None] = mapped_column(String(20))
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A worker that took the case's due timers holds it until then; a killed worker's lease simply runs out.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    audit_head: Mapped[str | None] = mapped_column(String(64))  # newest event's hash: a removed tail is detected too
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Not joined on every load: the engine finds a case's bundle through EngineContext's caches.
    process_version: Mapped[ProcessVersion] = relationship()

    __mapper_args__ = {"version_id_col": version}


class TaskIndex(Base):
    """One open human task, rewritten from the workflow at every save; inboxes read only this."""

    __tablename__ = "task_index"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    bpmn_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    process_id: Mapped[str] = mapped_column(String(100))
    group_key: Mapped[str] = mapped_column(String(40), index=True)
    candidate: Mapped[str | None] = mapped_column(String(80))
    assignee: Mapped[str | None] = mapped_column(String(80), index=True)
    # Set for tasks of unit-scoped lanes: only members of this unit may see and act on the task.
    unit: Mapped[str | None] = mapped_column(String(200))
    form_key: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)


class CaseHandler(Base):
    """Who completed which step of a case: the history shown to users and the basis of 回避."""

    __tablename__ = "case_handler"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    group_key: Mapped[str] = mapped_column(String(40))
    username: Mapped[str] = mapped_column(String(80), index=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseGroup(Base):
    """A group that has or had a task in a case: its members may read the case."""

    __tablename__ = "case_group"
    __table_args__ = (Index("ix_case_group_group", "group_key", "case_id"),)  # a group's readers find its cases
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), primary_key=True)
    group_key: Mapped[str] = mapped_column(String(40), primary_key=True)


class Ruling(Base):
    """A final ruling or clarification, looked up so that cleared matters are not reopened."""

    __tablename__ = "ruling"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    cadre_name: Mapped[str] = mapped_column(String(100), index=True)
    # The prior-ruling check narrows its candidates by the folded name or the identity number (prior_match).
    cadre_key: Mapped[str | None] = mapped_column(String(100), index=True)
    cadre_unit: Mapped[str | None] = mapped_column(String(200))
    cadre_id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    # The number of the accountability case the ruling answered, where the case came from the pre-check.
    reference: Mapped[str | None] = mapped_column(String(100))
    matter: Mapped[str] = mapped_column(String(500))
    outcome: Mapped[str | None] = mapped_column(String(20))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RectificationClosure(Base):
    """A rectification accepted and closed (整改销号), so that the same problem is not reopened."""

    __tablename__ = "rectification_closure"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    cadre_name: Mapped[str] = mapped_column(String(100))
    cadre_key: Mapped[str] = mapped_column(String(100), index=True)
    cadre_unit: Mapped[str | None] = mapped_column(String(200))
    cadre_id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    matter: Mapped[str] = mapped_column(String(500))
    requirements: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[date | None] = mapped_column(Date)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """An append-only event; each carries the hash of the previous event of its chain."""

    __tablename__ = "audit_event"
    # (case_id, seq) reads a case's trail in order a page at a time, and serves every lookup by case.
    __table_args__ = (UniqueConstraint("chain", "seq"), Index("ix_audit_event_case_seq", "case_id", "seq"))
    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through the unique (chain, seq) index; a separate index would only cost writes.
    chain: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    event: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    task_id: Mapped[str | None] = mapped_column(String(36))
    bpmn_id: Mapped[str | None] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    # HMAC-SHA256 under the audit key named by key_id; plain SHA-256 where key_id is NULL (written before keying).
    hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(16))


class AuditAnchor(Base):
    """The newest event of one audit chain with a MAC under the audit key: removed tails and cases show."""

    __tablename__ = "audit_anchor"
    # No foreign key to the case: a deleted case leaves its anchor behind as evidence.
    chain: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    mac: Mapped[str] = mapped_column(String(64))


class AccessLog(Base):
    """A read of a case's confidential data (查阅留痕): who read which kind of it, when and through what."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_case", "case_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: the record of who read a case outlives the case.
    case_id: Mapped[int] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(80), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kinds: Mapped[list[str]] = mapped_column(JSON)
    channel: Mapped[str] = mapped_column(String(40))


class ApiToken(Base):
    """A bearer token of the API, stored only as its SHA-256 digest; expires and can be revoked."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    address: Mapped[str | None] = mapped_column(String(64))


class LoginFailure(Base):
    """A failed sign-in, kept for a while to slow down password guessing per user and per address."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_user", "username", "at"), Index("ix_login_failure_address", "address", "at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A browser's session of the web UI: the cookie holds a random id, the table only its SHA-256 digest."""

    __tablename__ = "web_session"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    # None until the visitor signs in (the sign-in form's CSRF token already lives in the session).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class TaskDraft(Base):
    """A handler's unfinished input for an open task, saved so that nothing typed is lost."""

    __tablename__ = "task_draft"
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Notification(Base):
    """A message for one user (a reminder, an escalation), shown in the app until read."""

    __tablename__ = "notification"
    # (username, id) lists a user's notifications newest first a page at a time; (username, read_at) counts the unread.
    __table_args__ = (Index("ix_notification_user", "username", "read_at"), Index("ix_notification_user_id", "username", "id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set once the notification was mailed (or found to need no mail), so that each is mailed at most once.
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CalendarYear(Base):
    """An imported State Council holiday schedule for a year the calendar package does not know."""

    __tablename__ = "calendar_year"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    holidays: Mapped[list[str]] = mapped_column(JSON)
    workdays: Mapped[list[str]] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_by: Mapped[str] = mapped_column(String(80))


class CaseClock(Base):
    """Working days a case has already spent on a paused limit (e.g. acceptance while materials are supplemented)."""

    __tablename__ = "case_clock"
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    used_days: Mapped[int] = mapped_column(Integer)


class BundleDraft(Base):
    """A process owner's working copy of a bundle: files being edited or imported, not yet deployed."""

    __tablename__ = "bundle_draft"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Bumped on every change: a stale editor's save is a conflict, never an overwrite.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    files: Mapped[list[DraftFile]] = relationship(cascade="all, delete-orphan", lazy="select",
                                                  order_by="DraftFile.name")


class DraftFile(Base):
    """One file of a draft."""

    __tablename__ = "draft_file"
    __table_args__ = (UniqueConstraint("draft_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("bundle_draft.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)


def table(model: type[Base]) -> Table:
    """The Core table of a model: hot paths write with Core statements, skipping the ORM's unit of work."""
    return cast(Table, model.__table__)
