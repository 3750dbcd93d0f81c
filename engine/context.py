"""The engine's collaborators in one object: database, configuration, clock, calendar, bundle cache."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session, sessionmaker

from engine.bundles.definitions import Bundle, BundleCache, load_bundle
from engine.calendar import WorkingCalendar, parse_limit
from engine.clock import Clock, SystemClock
from engine.config import DEFAULT_SETTINGS, EngineConfig
from engine.groups import GROUP_LABELS
from engine.persistence.audit_key import KEY_INFO, AuditKey
from engine.persistence.db import make_engine, make_session_factory
from engine.persistence.models import Deployment, DeploymentFile, ProcessVersion


@dataclass
class EngineContext:
    """Passed to every service; built once per process."""

    db: Engine
    sessions: sessionmaker[Any]
    config: EngineConfig
    clock: Clock = field(default_factory=SystemClock)
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    bundles: BundleCache = field(default_factory=BundleCache)
    # Both maps only grow: deployments and process versions are immutable.
    bundle_hashes: dict[int, str] = field(default_factory=dict)
    version_deployments: dict[int, int] = field(default_factory=dict)
    # Kept apart from `config`, whose settings scripts may read; a random key suits only throwaway databases.
    audit_key: AuditKey = field(default_factory=AuditKey.generate, repr=False)

    def __post_init__(self) -> None:
        # Every session carries the key: the audit write path gets only a unit of work, never the context.
        self.sessions.configure(info={KEY_INFO: self.audit_key})

    @classmethod
    def create(
        cls, url: str, config: EngineConfig, clock: Clock | None = None, audit_key: AuditKey | None = None
    ) -> EngineContext:
        """Connect to the database at `url` and check the configured limits and application window; `audit_key`
        keys the audit trail."""
        for name, text in config.limits.items():
            try:
                parse_limit(text)
            except ValueError as exc:
                raise ValueError(f"time limit {name}: {exc}") from exc
        try:
            parse_limit(str(config.settings.get("application_window", DEFAULT_SETTINGS["application_window"])))
        except ValueError as exc:
            raise ValueError(f"setting application_window: {exc}") from exc
        engine = make_engine(url, int(config.settings.get("db_pool_size", 10)),
                             int(config.settings.get("db_max_overflow", 10)),
                             config.settings.get("db_prepare_threshold", 1), bool(config.settings.get("db_pre_ping")))
        calendar = WorkingCalendar(extra_holidays=config.extra_holidays, extra_workdays=config.extra_workdays)
        key = audit_key or AuditKey.generate()
        return cls(engine, make_session_factory(engine), config, clock or SystemClock(), calendar, audit_key=key)

    @contextmanager
    def lone_connection(self) -> Iterator[Connection]:
        """A connection for reads that stand alone: on PostgreSQL outside any transaction, so that each statement
        costs one round trip instead of three (BEGIN and ROLLBACK around it). Only for reads of a single statement,
        or of rows that never change: each statement sees the database as it is when it runs."""
        with self.db.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn

    @contextmanager
    def lone_reads(self) -> Iterator[Session]:
        """A session over a `lone_connection`, for the same reads through the ORM."""
        with self.lone_connection() as conn, self.sessions(bind=conn) as session:
            yield session

    def bundle_of_version(self, session: Session, process_version_id: int) -> Bundle:
        """The parsed bundle a process version belongs to."""
        deployment_id = self.version_deployments.get(process_version_id)
        if deployment_id is None:
            deployment_id = session.scalar(
                select(ProcessVersion.deployment_id).where(ProcessVersion.id == process_version_id)
            )
            if deployment_id is None:
                raise LookupError(f"process version {process_version_id} missing")
            self.version_deployments[process_version_id] = deployment_id
        return self.bundle(session, deployment_id)

    def bundle(self, session: Session, deployment_id: int) -> Bundle:
        """The parsed bundle of a deployment, from the cache or parsed from its stored files."""
        bundle_hash = self.bundle_hashes.get(deployment_id)
        if bundle_hash is None:
            bundle_hash = session.scalar(select(Deployment.bundle_hash).where(Deployment.id == deployment_id))
            if bundle_hash is None:
                raise LookupError(f"deployment {deployment_id} missing")
            self.bundle_hashes[deployment_id] = bundle_hash
        cached = self.bundles.get(bundle_hash)
        if cached is not None:
            return cached
        files = {
            f.name: f.content
            for f in session.scalars(select(DeploymentFile).where(DeploymentFile.deployment_id == deployment_id))
        }
        return self.bundles.put(load_bundle(files, GROUP_LABELS.keys(), self.config.limits.keys()))
