"""Reading the library: deployed versions with their cases, recent drafts, a version's files, a draft's review."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.errors import NotFound
from engine.library import bundle_diff, process_library
from engine.library.bundle_diff import Change
from engine.library.process_library import ElementProblem, ensure_reader
from engine.persistence.models import OPEN_STATUSES, BundleDraft, Case, Deployment, DeploymentFile, ProcessVersion

RECENT_DRAFTS = 50


@dataclass(frozen=True)
class VersionEntry:
    """One deployed version of a process."""

    version: int
    deployment_id: int
    bundle_hash: str
    deployed_by: str
    deployed_at: datetime
    cases: int
    running: int


@dataclass(frozen=True)
class ProcessEntry:
    """A process and its deployed versions, newest first."""

    process_id: str
    name: str
    versions: list[VersionEntry]


@dataclass(frozen=True)
class DraftEntry:
    """A draft as the library lists it."""

    id: int
    name: str
    revision: int
    created_by: str
    updated_at: datetime


def library(ctx: EngineContext, actor: Actor) -> list[ProcessEntry]:
    """Every deployed process with its versions and how many cases run on each.

    Raises: Forbidden.
    """
    ensure_reader(actor)
    with ctx.sessions() as session:
        counts = {
            (version_id, status): n
            for version_id, status, n in session.execute(
                select(Case.process_version_id, Case.status, func.count()).group_by(Case.process_version_id, Case.status))
        }
        rows = session.execute(select(ProcessVersion, Deployment)
                               .join(Deployment, Deployment.id == ProcessVersion.deployment_id)
                               .order_by(ProcessVersion.process_id, ProcessVersion.version.desc()))
        entries: dict[str, ProcessEntry] = {}
        for pv, dep in rows:
            entry = entries.setdefault(pv.process_id, ProcessEntry(pv.process_id, pv.name, []))
            total = sum(n for (v, _), n in counts.items() if v == pv.id)
            running = sum(n for (v, s), n in counts.items() if v == pv.id and s in OPEN_STATUSES)
            entry.versions.append(VersionEntry(pv.version, dep.id, dep.bundle_hash, dep.deployed_by, dep.deployed_at,
                                               total, running))
    return list(entries.values())


def recent_drafts(ctx: EngineContext, actor: Actor) -> list[DraftEntry]:
    """The drafts changed most recently, newest first.

    Raises: Forbidden.
    """
    ensure_reader(actor)
    with ctx.sessions() as session:
        found = session.scalars(select(BundleDraft).order_by(BundleDraft.updated_at.desc()).limit(RECENT_DRAFTS))
        return [DraftEntry(d.id, d.name, d.revision, d.created_by, d.updated_at) for d in found]


def deployment_files(ctx: EngineContext, actor: Actor, deployment_id: int) -> dict[str, bytes]:
    """The files of a deployed version.

    Raises: Forbidden, NotFound.
    """
    ensure_reader(actor)
    with ctx.sessions() as session:
        files = {f.name: f.content for f in session.scalars(
            select(DeploymentFile).where(DeploymentFile.deployment_id == deployment_id))}
    if not files:
        raise NotFound("该版本不存在")
    return files


def as_zip(files: Mapping[str, bytes]) -> bytes:
    """The files in one zip archive, for download."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(name, files[name])
    return buffer.getvalue()


@dataclass(frozen=True)
class DraftReview:
    """A draft beside the newest deployed version: its problems, its changes, and the file shown with its marks."""

    draft: BundleDraft
    files: dict[str, bytes]
    problems: list[ElementProblem]
    newest: VersionEntry | None
    changes: list[Change]
    shown: str | None
    marks: list[str]
    # Element ids to colour on each side: removed or changed in the old version, added or changed in the draft.
    compared: dict[str, dict[str, list[str]]] | None


def review_draft(ctx: EngineContext, actor: Actor, draft_id: int, shown: str | None = None) -> DraftReview:
    """What a draft holds, what stops it from deploying and what it changes against the newest version.

    Raises: Forbidden, NotFound.
    """
    ensure_reader(actor)
    draft, files = process_library.draft_files(ctx, draft_id)
    problems = process_library.validate_draft(ctx, draft_id, files)
    newest = max((v for p in library(ctx, actor) for v in p.versions), key=lambda v: v.deployed_at, default=None)
    changes = bundle_diff.diff(deployment_files(ctx, actor, newest.deployment_id), files) if newest else []
    changes = bundle_diff.with_problems(changes, problems, files) if newest else []
    shown = shown or next((n for n in sorted(files) if n.endswith(".bpmn")), None)
    marks = sorted({p.element_id for p in problems if p.file == shown and p.element_id})
    compared = None
    if newest is not None and shown:
        in_file = bundle_diff.process_ids(files.get(shown, b""))
        states = {c.element_id: c.change for c in changes if c.process_id in in_file}
        compared = {
            "old": {"rcjc-removed": [e for e, c in states.items() if c == "removed"],
                    "rcjc-changed": [e for e, c in states.items() if c == "changed"]},
            "new": {"rcjc-added": [e for e, c in states.items() if c == "added"],
                    "rcjc-changed": [e for e, c in states.items() if c == "changed"]},
        }
    return DraftReview(draft, files, problems, newest, changes, shown, marks, compared)
