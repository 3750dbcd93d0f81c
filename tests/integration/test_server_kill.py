"""A server process killed (SIGKILL) in the middle of completions loses no acknowledged step and leaves nothing
half-written: every case it answered for is stored, every completion it acknowledged is done, and the consistency
check (`rcjc check`) finds every case in agreement with itself; a new server carries on where it stopped."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence.models import Case, CaseHandler
from engine.procedure.consistency import check_all, tally_problems
from tests.support.commands import serve_command
from tests.support.driver import APPLICATION
from tests.support.people import PASSWORD

ACCEPT = {"jurisdiction_ok": True, "materials_complete": True, "acceptance": "accept", "acceptance_reason": "材料齐全"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def call(base: str, method: str, path: str, token: str = "", body: Any = None) -> tuple[int | None, Any]:
    """One API call; (None, None) when the server is gone."""
    request = urllib.request.Request(f"{base}/api/v1{path}", method=method, data=json.dumps(body).encode() if body is not None
                                     else None, headers={"Content-Type": "application/json",
                                                         **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")
    # A server killed while it sent its answer leaves the body short (IncompleteRead): that step was not acknowledged.
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError, OSError):
        return None, None


@dataclass
class Server:
    """An `rcjc serve` process on the test's database."""

    db_url: str
    log: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(serve_command("--host", "127.0.0.1", "--port", str(self.port)),
                                         env={**os.environ, "DATABASE_URL": self.db_url}, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while call(self.base, "GET", "/processes")[0] is None:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                pytest.fail("the server did not start:\n" + self.log.read_text(errors="replace"))
            time.sleep(0.1)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()


@pytest.fixture
def server(deployed: EngineContext, people: dict[str, Actor], db_url: str, tmp_path: Path) -> Iterator[Server]:
    running = Server(db_url, tmp_path / "serve.log")
    running.start()
    try:
        yield running
    finally:
        running.kill()


def token(server: Server, username: str) -> str:
    status, body = call(server.base, "POST", "/auth/token", body={"username": username, "password": PASSWORD})
    assert status == 200, body
    return str(body["token"])


@dataclass
class Acknowledged:
    """What the server answered for before it died."""

    cases: list[int] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def handle(server: Server, applicant: str, intake: str, done: Acknowledged, stop: threading.Event) -> None:
    """File an application, then claim and accept it, until the server is gone."""
    while not stop.is_set():
        status, case = call(server.base, "POST", "/cases", applicant, {"process_id": "rcjc_case", "data": APPLICATION})
        if status != 201:
            return
        with done.lock:
            done.cases.append(case["id"])
        task_id = case["open_tasks"][0]["id"]
        if call(server.base, "POST", f"/tasks/{task_id}/claim", intake)[0] != 200:
            return
        status, _answer = call(server.base, "POST", f"/tasks/{task_id}/complete", intake, {"data": ACCEPT})
        if status != 200:
            return
        with done.lock:
            done.completed.append(task_id)


def test_a_killed_server_loses_no_acknowledged_step_and_leaves_every_case_consistent(
        server: Server, deployed: EngineContext) -> None:
    applicant, intake = token(server, "applicant"), token(server, "intake")
    done, stop = Acknowledged(), threading.Event()
    threads = [threading.Thread(target=handle, args=(server, applicant, intake, done, stop)) for _ in range(4)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(done.completed) < 12 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.kill()  # in the middle of the four handlers' requests
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(done.completed) >= 12, server.log.read_text(errors="replace")

    with deployed.sessions() as session:
        stored = set(session.scalars(select(Case.id)))
        finished = set(session.scalars(select(CaseHandler.task_id).where(CaseHandler.bpmn_id == "acceptance_review")))
    assert set(done.cases) <= stored, "a case the server answered for is missing"
    assert set(done.completed) <= finished, "a completion the server acknowledged is missing"
    assert [c.problems for c in check_all(deployed) if not c.ok] == []
    assert tally_problems(deployed) == []

    # A new server carries on: a case filed now is accepted, and every case still agrees with itself.
    server.port = free_port()  # the dead server's port may linger in TIME_WAIT
    server.start()
    applicant, intake = token(server, "applicant"), token(server, "intake")
    status, case = call(server.base, "POST", "/cases", applicant, {"process_id": "rcjc_case", "data": APPLICATION})
    assert status == 201, case
    task_id = case["open_tasks"][0]["id"]
    assert call(server.base, "POST", f"/tasks/{task_id}/claim", intake)[0] == 200
    assert call(server.base, "POST", f"/tasks/{task_id}/complete", intake, {"data": ACCEPT})[0] == 200
    assert [c.problems for c in check_all(deployed) if not c.ok] == []
    assert tally_problems(deployed) == []
