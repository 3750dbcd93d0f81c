"""Checks of BPMN and DMN trees that the engine relies on, each problem with file and line."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Literal

from engine.bundles import scripting
from engine.config import DEFAULT_DOCUMENT_PATTERNS as DOCUMENT_PATTERNS
from engine.errors import Message, Problem

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
DMN_CATCH_ALL = {"", "-"}
Mode = Literal["exec", "eval"]


def _props(element: Any) -> dict[str, str]:
    found = element.xpath("./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=NS)
    return {p.get("name"): p.get("value", "") for p in found if p.get("name")}


def _label(element: Any) -> str:
    return element.get("name") or element.get("id") or element.tag


def issued_kinds(props: Mapping[str, str]) -> tuple[str, ...]:
    """The kinds of official document an element's `issues` property names."""
    return tuple(p.strip() for p in props.get("issues", "").split(",") if p.strip())


EntryParts = tuple[tuple[str, ...], str, tuple[str, ...]]


def entries_of(tree: Any) -> dict[str, dict[str, EntryParts]]:
    """Start entries per process id: entry key -> (groups, form, documents issued), from `entry.<key>` and `issues`."""
    result: dict[str, dict[str, EntryParts]] = {}
    for process in tree.getroot().xpath("//bpmn:process", namespaces=NS):
        for start in process.xpath("./bpmn:startEvent", namespaces=NS):
            props = _props(start)
            for name, value in props.items():
                if name.startswith("entry.") and ":" in value:
                    groups, form = value.split(":", 1)
                    keys = tuple(g.strip() for g in groups.split(",") if g.strip())
                    result.setdefault(process.get("id"), {})[name.removeprefix("entry.")] = (
                        keys, form.strip(), issued_kinds(props))
    return result


def check_bpmn_tree(
    file_name: str, tree: Any, forms: Mapping[str, Any], groups: Collection[str], limits: Collection[str]
) -> list[Problem]:
    """Forms, lanes, limits, entries and script syntax of one BPMN file."""
    root = tree.getroot()
    problems: list[Problem] = []

    def problem(element: Any, reason: str) -> None:
        problems.append(Problem(file_name, element.sourceline, reason))

    for lane in root.xpath("//bpmn:lane", namespaces=NS):
        if lane.get("name", "") not in groups:
            problem(lane, Message("泳道“%(lane)s”的名称不是已知的用户组（%(groups)s）", lane=_label(lane),
                                  groups="、".join(sorted(groups))))
    for task in root.xpath("//bpmn:userTask", namespaces=NS):
        props = _props(task)
        form = props.get("form")
        if not form:
            problem(task, Message("用户任务“%(task)s”没有指定表单（属性 form）", task=_label(task)))
        elif form not in forms:
            problem(task, Message("用户任务“%(task)s”引用的表单 %(form)s 不存在", task=_label(task), form=form))
        if props.get("limit") and props["limit"] not in limits:
            problem(task, Message("用户任务“%(task)s”的时限 %(limit)s 未配置", task=_label(task), limit=props["limit"]))
    for start in root.xpath("//bpmn:startEvent", namespaces=NS):
        for name, value in _props(start).items():
            if not name.startswith("entry."):
                continue
            group_part, _, form = value.partition(":")
            if form.strip() not in forms:
                problem(start, Message("启动方式 %(entry)s 引用的表单 %(form)s 不存在", entry=name,
                                         form=form.strip() or Message("（空）")))
            for group in (g.strip() for g in group_part.split(",")):
                if group not in groups:
                    problem(start, Message("启动方式 %(entry)s 的用户组 %(group)s 未知", entry=name, group=group))
    for element in root.xpath("//bpmn:userTask | //bpmn:startEvent", namespaces=NS):
        for kind in issued_kinds(_props(element)):
            if kind not in DOCUMENT_PATTERNS:
                problem(element, Message("“%(element)s”签发的文书类型 %(kind)s 未知（可用：%(known)s）", element=_label(element),
                                            kind=kind, known="、".join(DOCUMENT_PATTERNS)))
    for element, source, mode in _scripts(root):
        for reason in scripting.check_source(source, mode):
            problem(element, Message("“%(element)s”的脚本或表达式无效：%(reason)s", element=_label(element.getparent()),
                                    reason=reason))
    return problems


def _scripts(root: Any) -> list[tuple[Any, str, Mode]]:
    found: list[tuple[Any, str, Mode]] = []
    for script in root.xpath("//bpmn:scriptTask/bpmn:script", namespaces=NS):
        found.append((script, script.text or "", "exec"))
    for tag in ("preScript", "postScript"):
        for script in root.xpath(f"//spiffworkflow:{tag}", namespaces=NS):
            found.append((script, script.text or "", "exec"))
    for cond in root.xpath("//bpmn:sequenceFlow/bpmn:conditionExpression", namespaces=NS):
        found.append((cond, cond.text or "", "eval"))
    for tag in ("timeDate", "timeDuration", "timeCycle"):
        for expr in root.xpath(f"//bpmn:timerEventDefinition/bpmn:{tag}", namespaces=NS):
            found.append((expr, expr.text or "", "eval"))
    return [(el, src, mode) for el, src, mode in found if src.strip()]


def check_dmn_tree(file_name: str, tree: Any) -> list[Problem]:
    """Every decision table ends with a catch-all row and its cells compile."""
    problems: list[Problem] = []
    for table in tree.getroot().iter("{*}decisionTable"):
        rules = [r for r in table if isinstance(r.tag, str) and r.tag.endswith("}rule")]
        if not rules:
            problems.append(Problem(file_name, table.sourceline, "决策表没有规则"))
            continue
        last = rules[-1]
        cells = [e.findtext("{*}text") or "" for e in last if isinstance(e.tag, str) and e.tag.endswith("}inputEntry")]
        if any(c.strip() not in DMN_CATCH_ALL for c in cells):
            problems.append(Problem(file_name, last.sourceline, "决策表的最后一行必须是兜底规则（所有输入为 -）"))
        for entry in table.iter("{*}inputEntry", "{*}outputEntry"):
            text = (entry.findtext("{*}text") or "").strip()
            if text in DMN_CATCH_ALL:
                continue
            # Spiff compares a cell as written, or as `<input> <cell>` when it starts with an operator.
            source = text.replace("?", "dmninputexpr")
            reasons = scripting.check_source(source, "eval")
            if reasons and entry.tag.endswith("}inputEntry"):
                reasons = scripting.check_source(f"v {source}", "eval") and reasons
            for reason in reasons:
                problems.append(Problem(file_name, entry.sourceline, Message("决策表单元格无效：%(reason)s", reason=reason)))
    return problems
