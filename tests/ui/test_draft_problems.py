"""A draft's changes against the deployed version: a file or element with a problem is listed as a problem (line and
reason), never as an ordinary change; the deploy button says why it is disabled."""

from __future__ import annotations

import re

from flask import Flask

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.library import bundle_diff, process_library, versions
from tests.support.pages import new_browser


def broken_copy(deployed: EngineContext, people: dict[str, Actor], name: str, old: bytes, new: bytes) -> int:
    """A draft of the shipped procedure with one file edited so that it no longer deploys."""
    newest = versions.library(deployed, people["owner"])[0].versions[0].deployment_id
    draft_id = process_library.create_draft(deployed, people["owner"], "坏草稿", from_deployment=newest)[0]
    _, files = process_library.draft_files(deployed, draft_id)
    assert old in files[name]
    assert process_library.add_files(deployed, people["owner"], draft_id, {name: files[name].replace(old, new, 1)})[0].accepted
    return draft_id


def rows(page: str) -> list[str]:
    """The rows of the changes table, as HTML."""
    table = page.split('data-testid="changes"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr class=\"change-[^\"]+\">.*?</tr>", table, re.S)


def test_a_broken_decision_table_is_a_problem_on_the_changes(app: Flask, deployed: EngineContext,
                                                              people: dict[str, Actor]) -> None:
    draft_id = broken_copy(deployed, people, "six_looks.dmn", b'"NOT_TOLERATED"', b'"NOT_TOLERATED')
    owner = new_browser(app, "owner")
    page = owner.get(f"/library/drafts/{draft_id}").get_data(as_text=True)
    found = [r for r in rows(page) if "six_looks.dmn" in r]
    assert len(found) == 1, found
    assert 'class="change-problem"' in found[0]
    assert re.search(r"不能部署</strong>：第 \d+ 行：决策表单元格无效", found[0]), found[0]
    assert re.search(r'data-testid="deploy" class="primary" disabled[^>]*title="请先解决上面列出的问题', page)


def test_an_element_with_a_problem_is_not_listed_as_changed(deployed: EngineContext, people: dict[str, Actor]) -> None:
    draft_id = broken_copy(deployed, people, "rcjc_acceptance.bpmn", b'name="form" value="acceptance_review"',
                           b'name="form" value="no_such_form"')
    review = versions.review_draft(deployed, people["owner"], draft_id, "rcjc_acceptance.bpmn")
    mine = [c for c in review.changes if c.element_id == "acceptance_review"]
    assert [(c.change, c.process_id, c.element_type) for c in mine] == [("problem", "rcjc_acceptance", "userTask")]
    assert "no_such_form" in mine[0].reason and mine[0].line
    assert review.compared is not None and "acceptance_review" not in review.compared["new"]["rcjc-changed"]
    assert review.marks == ["acceptance_review"]  # drawn as a problem on the diagram instead


def test_changes_of_a_valid_draft_stay_changes(deployed: EngineContext, people: dict[str, Actor]) -> None:
    draft_id = broken_copy(deployed, people, "rcjc_acceptance.bpmn", 'id="acceptance_review" name="受理审查"'.encode(),
                           'id="acceptance_review" name="受理审查（修订）"'.encode())
    review = versions.review_draft(deployed, people["owner"], draft_id)
    assert review.problems == []
    assert [(c.element_id, c.change) for c in review.changes] == [("acceptance_review", "changed")]
    assert bundle_diff.with_problems(review.changes, [], review.files) == review.changes
