"""The words figures are shown in: stage names from the processes, domains from the application form, groups."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.context import EngineContext
from engine.documents.facts import form_words
from engine.groups import GROUP_LABELS
from engine.persistence.models import Group, ProcessVersion

CASE_PROCESS = "rcjc_case"


def stage_names(session: Session) -> dict[str, str]:
    """Each process id's name, as its newest version calls it."""
    rows = session.execute(select(ProcessVersion.process_id, ProcessVersion.name).order_by(ProcessVersion.version))
    return {process_id: name for process_id, name in rows}


def domain_names(ctx: EngineContext, session: Session) -> dict[str, str]:
    """The domains of the circumstance lists by key, from every deployed version of the case's application
    (lists change over time; a newer version's words win)."""
    names: dict[str, str] = {}
    versions = session.scalars(select(ProcessVersion.id).where(ProcessVersion.process_id == CASE_PROCESS)
                               .order_by(ProcessVersion.version))
    for version_id in versions:
        words = form_words(ctx.bundle_of_version(session, version_id).forms.values())
        names.update({str(k): v for k, v in words.labels.get("domain", {}).items()})
    return names


def group_names(session: Session) -> dict[str, str]:
    """Each group's name, as the deployment keeps it."""
    return {**GROUP_LABELS, **{key: label for key, label in session.execute(select(Group.key, Group.label))}}
