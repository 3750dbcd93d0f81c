"""The process library: deployed versions, drafts of new ones, importing files from other tools, comparing versions.

A draft holds any file that can be shown (well-formed BPMN with its diagram, DMN, form-js JSON),
whether or not rcjc can run it; deploying a draft applies every check of `rcjc validate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree
from sqlalchemy import select

from engine.access.policy import SUPERVISOR, Actor
from engine.bundles import doc_templates, xmlsafe
from engine.bundles.definitions import UNSUPPORTED, kind_of
from engine.bundles.form_definitions import form_from_bytes
from engine.context import EngineContext
from engine.errors import Conflict, Forbidden, FormInvalid, Message, ModelInvalid, NotFound
from engine.library.bundle_diff import BPMN_NS
from engine.library.deploy import DeployResult, deploy, validate_files
from engine.persistence.models import BundleDraft, DeploymentFile, DraftFile
from engine.persistence.uow import UnitOfWork

BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DMN_NAMESPACES = ("https://www.omg.org/spec/DMN/20191111/MODEL/", "http://www.omg.org/spec/DMN/20180521/MODEL/",
                  "http://www.omg.org/spec/DMN/20151101/dmn.xsd")
MAX_FILES = 100
OWNER = "process_owner"


def ensure_owner(actor: Actor) -> None:
    """Only process owners change drafts and deploy."""
    if OWNER not in actor.groups:
        raise Forbidden("只有流程管理员可以编辑和部署流程")


def ensure_reader(actor: Actor) -> None:
    """Process owners and supervisors read the library."""
    if not actor.in_any((OWNER, SUPERVISOR)):
        raise Forbidden("只有流程管理员和监督人员可以查看流程库")


@dataclass(frozen=True)
class FileOutcome:
    """Whether an imported file was taken into the draft, and why not."""

    name: str
    accepted: bool
    reasons: tuple[str, ...] = ()


def _where(line: int | None) -> str:
    return f"第 {line} 行：" if line else ""


def inspect_file(name: str, content: bytes) -> list[str]:
    """Reasons a file cannot be taken into a draft (empty when it can be shown and edited)."""
    kind = kind_of(name)
    if kind is None:
        return [UNSUPPORTED]
    if kind == "template":
        return doc_templates.check_template(name, content)
    if kind == "form":
        try:
            form_from_bytes(content, name)
        except ModelInvalid as exc:
            return [f"{_where(p.line)}{p.reason}" for p in exc.problems]
        return []
    try:
        root = xmlsafe.parse_xml(content, name).getroot()
    except ModelInvalid as exc:
        return [f"{_where(p.line)}{p.reason}" for p in exc.problems]
    namespace = etree.QName(root).namespace
    if kind == "dmn":
        return [] if namespace in DMN_NAMESPACES and etree.QName(root).localname == "definitions" else \
            ["不是 DMN 1.1–1.3 的决策表文件（根元素应为 dmn:definitions）"]
    if namespace != BPMN_NS or etree.QName(root).localname != "definitions":
        return ["不是 BPMN 2.0 文件（根元素应为 bpmn:definitions）"]
    if root.find(f"{{{BPMN_NS}}}process") is None and root.find(f"{{{BPMN_NS}}}collaboration") is None:
        return ["文件中没有流程或协作图"]
    if root.find(f"{{{BPMNDI_NS}}}BPMNDiagram") is None:
        return ["缺少图形信息（BPMNDiagram），无法显示"]
    return []


def _clean_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base or len(base) > 200 or "\x00" in base:
        raise FormInvalid({"files": [Message("文件名无效：%(name)r", name=name[:50])]})
    return base


def _take(draft: BundleDraft, files: Mapping[str, bytes]) -> list[FileOutcome]:
    outcomes = []
    existing = {f.name: f for f in draft.files}
    for raw_name, content in files.items():
        name = _clean_name(raw_name)
        reasons = inspect_file(name, content)
        if reasons:
            outcomes.append(FileOutcome(name, False, tuple(reasons)))
            continue
        if name in existing:
            existing[name].content = content
        else:
            draft.files.append(DraftFile(name=name, content=content))
        outcomes.append(FileOutcome(name, True))
    return outcomes


def create_draft(ctx: EngineContext, actor: Actor, name: str, files: Mapping[str, bytes] | None = None,
                 from_deployment: int | None = None) -> tuple[int, list[FileOutcome]]:
    """A new draft: empty, a copy of a deployed version, and/or the files given (those that can be shown).

    Raises: Forbidden, NotFound (no such deployment), FormInvalid (no name, too many files).
    """
    ensure_owner(actor)
    title = (name or "").strip()[:200]
    if not title:
        raise FormInvalid({"name": ["请填写草稿名称"]})
    if files and len(files) > MAX_FILES:
        raise FormInvalid({"files": [Message("一次最多导入 %(max_files)s 个文件", max_files=MAX_FILES)]})
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        draft = BundleDraft(name=title, created_by=actor.username, created_at=uow.now, updated_at=uow.now, revision=1)
        if from_deployment is not None:
            stored = uow.session.scalars(select(DeploymentFile).where(DeploymentFile.deployment_id == from_deployment))
            copied = [DraftFile(name=f.name, content=f.content) for f in stored]
            if not copied:
                raise NotFound("该版本不存在")
            draft.files = copied
        uow.session.add(draft)
        outcomes = _take(draft, files or {})
        uow.session.flush()
        draft_id = draft.id
        uow.commit()
    return draft_id, outcomes


def _locked_draft(uow: UnitOfWork, draft_id: int, expected_revision: int | None) -> BundleDraft:
    draft = uow.session.get(BundleDraft, draft_id, with_for_update=True)
    if draft is None:
        raise NotFound("草稿不存在")
    if expected_revision is not None and expected_revision != draft.revision:
        raise Conflict("草稿已被他人修改，请刷新后再保存")
    return draft


def add_files(ctx: EngineContext, actor: Actor, draft_id: int, files: Mapping[str, bytes],
              expected_revision: int | None = None) -> list[FileOutcome]:
    """Add or replace files of a draft (those that can be shown); the outcome per file.

    Raises: Forbidden, NotFound, Conflict (the draft changed since `expected_revision`), FormInvalid.
    """
    ensure_owner(actor)
    if len(files) > MAX_FILES:
        raise FormInvalid({"files": [Message("一次最多导入 %(max_files)s 个文件", max_files=MAX_FILES)]})
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        draft = _locked_draft(uow, draft_id, expected_revision)
        outcomes = _take(draft, files)
        if any(o.accepted for o in outcomes):
            draft.revision += 1
            draft.updated_at = uow.now
        uow.commit()
    return outcomes


def remove_file(ctx: EngineContext, actor: Actor, draft_id: int, name: str) -> None:
    """Take a file out of a draft.

    Raises: Forbidden, NotFound.
    """
    ensure_owner(actor)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        draft = _locked_draft(uow, draft_id, None)
        kept = [f for f in draft.files if f.name != name]
        if len(kept) == len(draft.files):
            raise NotFound("草稿中没有文件 %(name)s", name=name)
        draft.files = kept
        draft.revision += 1
        draft.updated_at = uow.now
        uow.commit()


def draft_files(ctx: EngineContext, draft_id: int) -> tuple[BundleDraft, dict[str, bytes]]:
    """A draft and its files.

    Raises: NotFound.
    """
    with ctx.sessions() as session:
        draft = session.get(BundleDraft, draft_id)
        if draft is None:
            raise NotFound("草稿不存在")
        files = {f.name: f.content for f in draft.files}
        session.expunge(draft)
        return draft, files


@dataclass(frozen=True)
class ElementProblem:
    """A problem that stops deployment, with the diagram element it concerns when one can be found."""

    file: str
    line: int | None
    element_id: str | None
    reason: str


def _element_at(content: bytes, line: int | None) -> str | None:
    """The id of the element a problem's line falls in (the innermost element with an id starting at or before it)."""
    if not line:
        return None
    try:
        root = xmlsafe.parse_xml(content, "").getroot()
    except ModelInvalid:
        return None
    best: tuple[int, str] | None = None
    for element in root.iter():
        element_id = element.get("id") if isinstance(element.tag, str) else None
        start = element.sourceline
        if element_id and start is not None and start <= line and (best is None or start >= best[0]):
            if etree.QName(element).namespace == BPMN_NS:
                best = (start, element_id)
    return best[1] if best else None


def validate_draft(ctx: EngineContext, draft_id: int, files: Mapping[str, bytes] | None = None) -> list[ElementProblem]:
    """Every problem that would stop the draft from deploying, located on its diagram elements.

    `files` are the draft's files when the caller has read them already.
    """
    if files is None:
        _, files = draft_files(ctx, draft_id)
    if not files:
        return [ElementProblem("", None, None, "草稿中没有文件")]
    problems = validate_files(ctx, files)
    return [ElementProblem(p.file, p.line, _element_at(files[p.file], p.line) if p.file in files else None, p.reason)
            for p in problems]


def deploy_draft(ctx: EngineContext, actor: Actor, draft_id: int, expected_revision: int | None = None) -> DeployResult:
    """Deploy a draft as a new immutable version (audited with its hash).

    Raises: Forbidden, NotFound, Conflict (the draft changed meanwhile), ModelInvalid (with file, line, reason).
    """
    ensure_owner(actor)
    draft, files = draft_files(ctx, draft_id)
    if expected_revision is not None and expected_revision != draft.revision:
        raise Conflict("草稿已被他人修改，请刷新后再部署")
    return deploy(ctx, actor, files)
