"""What is deployed: the newest version of each process with its entries, and the diagram a case runs on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.errors import NotFound
from engine.persistence.models import Deployment, ProcessVersion
from engine.reading.queries import visible_case


def _newest() -> Any:
    return (select(ProcessVersion.process_id, func.max(ProcessVersion.version).label("version"))
            .group_by(ProcessVersion.process_id).subquery())


def may_start_anything(ctx: EngineContext, session: Session, actor: Actor) -> bool:
    """Whether any start entry of the newest deployed versions is open to the actor's groups (for the menu)."""
    newest = _newest()
    deployments = session.scalars(
        select(ProcessVersion.deployment_id).distinct()
        .join(newest, (newest.c.process_id == ProcessVersion.process_id) & (newest.c.version == ProcessVersion.version)))
    return any(actor.in_any(entry.groups) for deployment_id in deployments
               for entries in ctx.bundle(session, deployment_id).entries.values() for entry in entries.values())


def deployed_processes(ctx: EngineContext, session: Session, actor: Actor) -> list[dict[str, Any]]:
    """The newest version of every deployed process, with the start forms and whether the actor may use them."""
    newest = _newest()
    rows = session.execute(
        select(ProcessVersion, Deployment)
        .join(newest, (newest.c.process_id == ProcessVersion.process_id) & (newest.c.version == ProcessVersion.version))
        .join(Deployment, Deployment.id == ProcessVersion.deployment_id)
        .order_by(ProcessVersion.process_id)
    )
    found = []
    for pv, deployment in rows:
        bundle = ctx.bundle(session, deployment.id)
        entries = [
            {"key": e.key, "groups": list(e.groups), "form_key": e.form, "form": dict(bundle.form(e.form).source),
             "may_start": actor.in_any(e.groups)}
            for e in bundle.entries.get(pv.process_id, {}).values()
        ]
        usable = [e for e in entries if e["may_start"]]
        found.append({
            "process_id": pv.process_id, "name": pv.name, "version": pv.version, "bundle_hash": deployment.bundle_hash,
            "deployed_at": deployment.deployed_at, "deployed_by": deployment.deployed_by,
            "start_form": usable[0]["form"] if usable else None, "entries": entries,
        })
    return found


def case_diagram(ctx: EngineContext, session: Session, actor: Actor, case_id: int, process_id: str | None = None) -> bytes:
    """The BPMN XML of the version a case runs on (its own process, or one it calls)."""
    case = visible_case(session, actor, case_id)
    bundle = ctx.bundle_of_version(session, case.process_version_id)
    spec = bundle.specs.get(process_id or case.process_id)
    if spec is None or spec.file not in bundle.files:
        raise NotFound("流程 %(process_id)s 不在该案件的版本中", process_id=process_id)
    return bundle.files[spec.file]
