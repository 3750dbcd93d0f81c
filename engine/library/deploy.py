"""Deploying bundles: check, hash, store immutably, number the versions of each process."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select

from engine.access.policy import Actor
from engine.bundles.definitions import bundle_hash, kind_of, load_bundle
from engine.context import EngineContext
from engine.errors import Forbidden, ModelInvalid, Problem
from engine.groups import GROUP_LABELS
from engine.persistence import audit
from engine.persistence.models import Deployment, DeploymentFile, ProcessVersion
from engine.persistence.uow import UnitOfWork


@dataclass(frozen=True)
class DeployResult:
    """The deployment a bundle is stored as, and whether this call created it."""

    deployment_id: int
    bundle_hash: str
    created: bool
    versions: dict[str, int]


def validate_files(ctx: EngineContext, files: Mapping[str, bytes]) -> list[Problem]:
    """Every problem that would stop these files from deploying (empty when they are fine)."""
    try:
        load_bundle(files, GROUP_LABELS.keys(), ctx.config.limits.keys())
    except ModelInvalid as exc:
        return exc.problems
    return []


def validate_in_context(ctx: EngineContext, files: Mapping[str, bytes], context: Mapping[str, bytes]) -> list[Problem]:
    """The problems of `files` checked together with the files they may refer to (`context`, which they override):
    a lone process file finds its forms and decisions. Problems of the context files themselves are left out."""
    merged = {**context, **files}
    return [p for p in validate_files(ctx, merged) if p.file in files or not p.file]


def newest_deployed_files(ctx: EngineContext) -> dict[str, bytes]:
    """The files of the newest deployment (empty when nothing is deployed)."""
    with ctx.sessions() as session:
        newest = session.scalar(select(Deployment).order_by(Deployment.id.desc()).limit(1))
        return {f.name: bytes(f.content) for f in newest.files} if newest is not None else {}


def deploy(ctx: EngineContext, actor: Actor, files: Mapping[str, bytes]) -> DeployResult:
    """Store a bundle as a new immutable version unless one with the same content exists.

    Raises: Forbidden (not a process owner), ModelInvalid (with file, line and reason per problem).
    """
    if "process_owner" not in actor.groups:
        raise Forbidden("只有流程管理员可以部署流程")
    # Parsing happens before the write transaction so that the lock is held only briefly.
    bundle = ctx.bundles.get(bundle_hash(files)) or load_bundle(files, GROUP_LABELS.keys(), ctx.config.limits.keys())
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        session = uow.session
        existing = session.scalar(select(Deployment).where(Deployment.bundle_hash == bundle.hash))
        if existing is not None:
            known = session.scalars(select(ProcessVersion).where(ProcessVersion.deployment_id == existing.id))
            return DeployResult(existing.id, existing.bundle_hash, False, {pv.process_id: pv.version for pv in known})
        deployment = Deployment(bundle_hash=bundle.hash, deployed_at=uow.now, deployed_by=actor.username)
        deployment.files = [DeploymentFile(name=n, kind=kind_of(n) or "", content=c) for n, c in sorted(files.items())]
        session.add(deployment)
        session.flush()
        versions: dict[str, int] = {}
        for process_id in sorted(bundle.specs):
            last = session.scalar(select(func.max(ProcessVersion.version)).where(ProcessVersion.process_id == process_id))
            versions[process_id] = (last or 0) + 1
            entries = {k: {"groups": list(e.groups), "form": e.form} for k, e in bundle.entries.get(process_id, {}).items()}
            session.add(ProcessVersion(deployment_id=deployment.id, process_id=process_id,
                                       name=bundle.names[process_id], version=versions[process_id], entries=entries))
        audit.append(session, chain=audit.SYSTEM_CHAIN, event="bundle_deployed", actor=actor.username, at=uow.now,
                     details={"bundle_hash": bundle.hash, "files": sorted(files), "versions": versions})
        uow.commit()
    ctx.bundles.put(bundle)
    return DeployResult(deployment.id, bundle.hash, True, versions)
