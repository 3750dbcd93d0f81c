"""A database for the figures benchmark: initialized like `rcjc init --demo`, then seeded with many cases by SQL.

The cases are written with bulk Core inserts (no workflow runs): the case row with the columns figures read,
its stages with their lengths in working days, the steps that ended late, the open tasks, the groups that read it
(those that had its tasks), its words and the register. Each unit's cases are started by someone of that unit.
"""

from __future__ import annotations

import random
import tempfile
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, create_engine, func, insert, select, text

from engine.access import users
from engine.access.demo_users import DEMO_USERS, add_demo_users
from engine.access.policy import SYSTEM
from engine.bundles.shipped import SHIPPED, collect
from engine.config import load_config
from engine.context import EngineContext
from engine.library.deploy import deploy
from engine.persistence import audit, case_words, figure_tally, schema
from engine.persistence.models import (
    CadreRecord,
    Case,
    CaseGram,
    CaseGroup,
    CaseHandler,
    CaseStage,
    LateStep,
    ProcessVersion,
    TaskIndex,
    table,
)
from engine.persistence.uow import UnitOfWork
from engine.reading import figure_words

from .service import cheap_password_hashing

CASE_PROCESS = figure_words.CASE_PROCESS
# The stages of a case in order, with the group whose steps make them up and their usual length in working days.
STAGES: list[tuple[str, str, int]] = [
    ("rcjc_acceptance", "intake", 8), ("rcjc_prior_check", "intake", 3), ("rcjc_triage", "intake", 5),
    ("rcjc_investigation", "investigator", 30), ("rcjc_ruling", "committee", 15),
    ("rcjc_feedback", "applicant_org", 10), ("rcjc_rectification", "applicant_org", 40),
]
SIMPLE_REVIEW = ("rcjc_simple_review", "investigator", 10)
OUTCOMES = ("EXEMPT", "MITIGATE", "NOT_TOLERATED")
EARLY_CLOSURES = ("refused", "supplement_lapsed", "prior_ruling", "not_applicable")
UNIT_KINDS = ("发展和改革局", "财政局", "教育局", "科学技术局", "公安分局", "民政局", "司法局", "人力资源和社会保障局",
              "自然资源局", "生态环境分局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局",
              "文化和旅游局", "卫生健康局", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局",
              "城市管理局", "投资促进局", "行政审批局", "信访局", "退役军人事务局", "国有资产监督管理办公室",
              "城东街道办事处", "城西街道办事处", "城南街道办事处", "城北街道办事处", "新桥镇人民政府",
              "石门镇人民政府", "青山镇人民政府", "白沙镇人民政府", "高新区管委会", "经济开发区管委会",
              "区属国有投资集团", "区人民医院")
UNITS = [f"示例区{kind}" if not kind.startswith("区") else f"示例{kind}" for kind in UNIT_KINDS]
DEMO_APPLICANT_UNIT = next(unit for name, _groups, unit, _display, _position in DEMO_USERS if name == "applicant")
FIRST_DAY = datetime(2021, 1, 1, 1, tzinfo=UTC)
# Who completes the steps of each group's stages (demo users), so that history and "done by me" have rows to read.
# Who files a unit's applications: the demo applicant for its own unit, someone of the unit for the others.
STARTERS = {unit: "applicant" if unit == DEMO_APPLICANT_UNIT else f"applicant{n}" for n, unit in enumerate(UNITS)}
HANDLERS = {"intake": "intake", "investigator": "investigator", "committee": "committee1", "applicant_org": "applicant"}
# Steps a finished stage leaves in the history: a stage is two to three steps (a form, a review, a vote...).
STEPS_PER_STAGE = (2, 3)
CHUNK = 20_000


@dataclass
class Seeded:
    """What was written: rows per table."""

    rows: dict[str, int] = field(default_factory=dict)


@contextmanager
def database(url: str | None) -> Iterator[tuple[str, str]]:
    """A fresh database URL and how it is described: a SQLite file in a temporary folder, or a schema of its own
    in the PostgreSQL database at `url`, dropped afterwards."""
    if not url:
        with tempfile.TemporaryDirectory(prefix="rcjc-figures-") as folder:
            yield f"sqlite:///{folder}/figures.sqlite3", "SQLite file in a temporary folder"
        return
    schema_name = f"bench_figures_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema_name}"'))
        sep = "&" if "?" in url else "?"
        yield f"{url}{sep}options=-csearch_path%3D{schema_name}", f"PostgreSQL schema {schema_name} (dropped after)"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE'))
        admin.dispose()


def initialize(ctx: EngineContext) -> None:
    """What `rcjc init --demo` does: the schema, the groups, the shipped processes and the demo users."""
    schema.upgrade(ctx.db)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        users.ensure_groups(uow.session)
        audit.anchor_legacy_chains(uow.session, SYSTEM.username, uow.now)
        uow.commit()
    deploy(ctx, SYSTEM, collect(SHIPPED)[0])
    with cheap_password_hashing(), UnitOfWork(ctx.sessions, ctx.clock) as uow:
        add_demo_users(uow.session, uow.now)
        uow.commit()


def context(url: str) -> EngineContext:
    """An engine context on `url` with the configuration of the environment and a throwaway audit key."""
    return EngineContext.create(url, load_config())


@contextmanager
def fresh_context(url: str | None) -> Iterator[tuple[EngineContext, str, str]]:
    """An engine context on a fresh database (see `database`), its URL and how it is described; closed after."""
    with database(url) as (fresh, where):
        ctx = context(fresh)
        try:
            yield ctx, fresh, where
        finally:
            ctx.db.dispose()


class CaseMaker:
    """Draws realistic rows for one case at a time from a seeded random generator."""

    def __init__(self, rng: random.Random, now: datetime, version_id: int, domains: list[str]) -> None:
        self.rng, self.now, self.version_id, self.domains = rng, now, version_id, domains
        self.span = (now - timedelta(days=5) - FIRST_DAY).total_seconds()
        self.state = zlib.compress(b"{}")
        self.out: dict[str, list[dict[str, Any]]] = {"case": [], "case_stage": [], "late_step": [], "task_index": [],
                                                     "cadre_record": [], "case_handler": [], "case_gram": [],
                                                     "case_group": []}

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _status(self, created: datetime) -> str:
        recent = (self.now - created).days < 150
        weights = (45, 40, 5, 5, 5) if recent else (4, 88, 2, 2, 4)
        return self.rng.choices(("running", "completed", "error", "suspended", "terminated"), weights)[0]

    def _path(self, status: str, procedure: str | None) -> tuple[list[tuple[str, str, int]], str | None, str | None]:
        """The stages the case went through, its closure and its outcome."""
        rng = self.rng
        review = STAGES[3] if procedure != "simple" else SIMPLE_REVIEW
        full = [*STAGES[:3], review, *STAGES[4:6]]
        if status == "completed" and rng.random() < 0.14:
            return full[:rng.randint(1, 3)], rng.choice(EARLY_CLOSURES), None
        outcome = rng.choices(OUTCOMES, (45, 40, 15))[0]
        if outcome != "EXEMPT":
            full.append(STAGES[6])
        if status == "completed":
            return full, "completed", outcome
        reached = rng.randint(1, len(full))
        return full[:reached], None, outcome if reached > 4 else None

    def add(self, case_id: int) -> None:
        """Draw one case and its rows."""
        rng, now = self.rng, self.now
        created = FIRST_DAY + timedelta(seconds=rng.random() * self.span)
        status = self._status(created)
        procedure = rng.choices(("simple", "ordinary"), (40, 60))[0]
        stages, closure, outcome = self._path(status, procedure)
        is_open = status in ("running", "error", "suspended")
        unit = rng.choice(UNITS)
        at, ruled, walked = created, None, 0
        for n, (stage, group, usual) in enumerate(stages):
            days = min(40, max(0, round(rng.gauss(usual, usual / 3))))
            ends = min(now, at + timedelta(days=days * 1.4, hours=rng.random() * 8))
            walked = n + 1
            if is_open and (n == len(stages) - 1 or ends >= now):
                self.out["case_stage"].append({"case_id": case_id, "stage": stage, "started_at": at,
                                               "ended_at": None, "working_days": None})
                self._task(case_id, stage, group, unit, at)
                break
            self.out["case_stage"].append({"case_id": case_id, "stage": stage, "started_at": at, "ended_at": ends,
                                           "working_days": days})
            self._handled(case_id, stage, group, at, ends)
            if rng.random() < 0.02:
                self.out["late_step"].append({"case_id": case_id, "task_id": self._uuid(), "stage": stage,
                                              "group_key": group, "due_at": ends - timedelta(days=3), "ended_at": ends})
            ruled = ends if stage == "rcjc_ruling" else ruled
            at = ends
        # Every group that had a task in the case reads it, as the task index's sync adds them.
        self.out["case_group"].extend({"case_id": case_id, "group_key": group}
                                      for group in dict.fromkeys(group for _stage, group, _days in stages[:walked]))
        outcome = outcome if ruled is not None else None
        if outcome is not None and ruled is not None:
            self._record(case_id, "ruling", unit, outcome, ruled.date(), ruled)
        if status == "completed" and rng.random() < 0.04:
            self._record(case_id, "clarification", unit, None, at.date(), at)
        self.out["case"].append({
            "id": case_id, "process_version_id": self.version_id, "process_id": CASE_PROCESS, "status": status,
            "state": self.state, "version": walked + 1, "next_timer_at": None, "started_by": STARTERS[unit],
            "started_unit": unit, "unit": unit, "entry": "application", "cadre_name": f"干部{case_id % 7919}",
            "matter": "基准测试事项", "closure": closure, "outcome": outcome,
            "domain": rng.choice(self.domains) if rng.random() < 0.95 else None,
            "procedure": procedure if walked > 3 else None, "error": None, "lease_owner": None,
            "lease_until": None, "audit_head": None, "audit_seq": 0, "created_at": created, "updated_at": at})
        # The words index, as case_rows writes it for a case started through the service.
        row = self.out["case"][-1]
        self.out["case_gram"].extend({"gram": gram, "case_id": case_id}
                                     for gram in case_words.grams(row["cadre_name"], row["matter"]))

    def _task(self, case_id: int, stage: str, group: str, unit: str, started: datetime) -> None:
        due = self.now + timedelta(days=self.rng.uniform(-20, 20))
        self.out["task_index"].append({
            "id": self._uuid(), "case_id": case_id, "bpmn_id": f"Task_{stage.removeprefix('rcjc_')}", "name": "基准测试步骤",
            "process_id": stage, "group_key": group, "candidate": None, "assignee": None,
            "unit": unit if group == "applicant_org" else None, "form_key": "benchmark", "created_at": started,
            "due_at": due, "due_provisional": False})

    def _handled(self, case_id: int, stage: str, group: str, began: datetime, ended: datetime) -> None:
        steps = self.rng.randint(*STEPS_PER_STAGE)
        for n in range(steps):
            self.out["case_handler"].append({
                "case_id": case_id, "task_id": self._uuid(), "bpmn_id": f"Task_{stage.removeprefix('rcjc_')}_{n}",
                "name": "基准测试步骤", "group_key": group, "username": HANDLERS[group],
                "completed_at": began + (ended - began) * (n + 1) / steps})

    def _record(self, case_id: int, kind: str, unit: str, outcome: str | None, day: date, at: datetime) -> None:
        tolerated = kind == "clarification" or outcome == "EXEMPT"
        self.out["cadre_record"].append({
            "case_id": case_id, "kind": kind, "cadre_name": f"干部{case_id % 7919}", "cadre_unit": unit,
            "cadre_id_number": None, "cadre_position": "科长", "matter": "基准测试事项", "outcome": outcome,
            "previous_outcome": None, "decided_on": day, "no_negative": tolerated,
            "no_negative_scope": ["assessment", "awards", "selection"] if tolerated else [], "withdrawn_on": None,
            "updated_at": at})


TABLES = {"case": Case, "case_stage": CaseStage, "late_step": LateStep, "task_index": TaskIndex,
          "cadre_record": CadreRecord, "case_handler": CaseHandler, "case_gram": CaseGram, "case_group": CaseGroup}


def _flush(conn: Connection, rows: dict[str, list[dict[str, Any]]], seeded: Seeded) -> None:
    for name, model in TABLES.items():
        if rows[name]:
            conn.execute(insert(table(model)), rows[name])
            seeded.rows[name] = seeded.rows.get(name, 0) + len(rows[name])
            rows[name].clear()


def seed(ctx: EngineContext, cases: int, seed_value: int = 20261205) -> dict[str, int]:
    """Write `cases` cases with their stages, late steps, open and completed tasks, register records and the figures'
    tally; rows per table."""
    with ctx.sessions() as session:
        version_id = session.scalar(select(func.max(ProcessVersion.id)).where(ProcessVersion.process_id == CASE_PROCESS))
        domains = sorted(figure_words.domain_names(ctx, session))
    if version_id is None or not domains:
        raise RuntimeError("the shipped case process or its domains are missing")
    maker = CaseMaker(random.Random(seed_value), ctx.clock.now(), version_id, domains)
    seeded = Seeded()
    with ctx.db.begin() as conn:
        for case_id in range(1, cases + 1):
            maker.add(case_id)
            if case_id % CHUNK == 0:
                _flush(conn, maker.out, seeded)
        _flush(conn, maker.out, seeded)
        # The rows went in without the steps that keep the figures' tally: it is counted once, as an upgrade does.
        figure_tally.rebuild(conn)
        seeded.rows["figure_tally"] = conn.scalar(select(func.count()).select_from(figure_tally.TALLY)) or 0
    return seeded.rows


def analyze(ctx: EngineContext) -> None:
    """Vacuum and gather the planner's statistics, as PostgreSQL's autovacuum does after a bulk load (inserts alone
    trigger it): the visibility map it sets is what lets index-only scans skip the table."""
    with ctx.db.connect() as conn:
        # VACUUM cannot run inside a transaction block; SQLite has no autovacuum to imitate and only analyzes.
        statement = "ANALYZE" if ctx.db.dialect.name == "sqlite" else "VACUUM (ANALYZE)"
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text(statement))
