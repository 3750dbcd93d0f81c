"""Finding cases by words through the index of characters and two-character sequences: the cases found are exactly
those LIKE finds, the index follows a changed name, and a database upgraded to it indexes the cases already there."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import event, inspect, select

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence import case_rows, case_words
from engine.persistence.models import CaseGram
from engine.persistence.uow import UnitOfWork
from engine.procedure import services
from engine.reading.case_list import CaseFilter, list_cases
from tests.support.driver import APPLICATION
from tests.support.migrations import downgraded, in_use_with_a_case
from webapp.cli import main


def found(ctx: EngineContext, actor: Actor, q: str) -> tuple[list[int], int]:
    with ctx.sessions() as s:
        items, total = list_cases(ctx, s, actor, CaseFilter(q=q), ctx.clock.now())
        return [item.id for item in items], total


def start(ctx: EngineContext, people: dict[str, Actor], **changes: str) -> int:
    return services.start_case(ctx, people["applicant"], "rcjc_case", "application", {**APPLICATION, **changes}).case_id


def test_two_characters_of_a_name_or_a_matter_find_exactly_the_cases_holding_them(
    deployed: EngineContext, people: dict[str, Actor]
) -> None:
    ming = start(deployed, people)  # 张明, 产业园区招商政策先行先试
    hua = start(deployed, people, cadre_name="李华", matter="老旧小区改造资金先行拨付")
    supervisor = people["supervisor"]
    assert found(deployed, supervisor, "张明") == ([ming], 1)
    assert found(deployed, supervisor, "先行") == ([hua, ming], 2)
    assert found(deployed, supervisor, "招商政策") == ([ming], 1)
    # Every two characters are indexed, yet together they must stand side by side, as LIKE requires.
    assert found(deployed, supervisor, "园区改造")[1] == 0
    assert found(deployed, supervisor, "王五") == ([], 0)
    # One character is looked up on its own: a surname finds its cases, and a character in no case finds none at once.
    assert found(deployed, supervisor, "华") == ([hua], 1)
    assert found(deployed, supervisor, "张") == ([ming], 1) and found(deployed, supervisor, "区") == ([hua, ming], 2)
    assert found(deployed, supervisor, "赵") == ([], 0)
    with deployed.sessions() as s:
        assert case_words.narrowing(s, "华") is not None and case_words.narrowing(s, "赵") is not None
    assert found(deployed, supervisor, "%") == ([], 0)


def test_a_search_whose_pairs_are_all_common_tests_every_case(
    deployed: EngineContext, people: dict[str, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    ming = start(deployed, people)
    hua = start(deployed, people, cadre_name="李华", matter="老旧小区改造资金先行拨付")
    monkeypatch.setattr(case_words, "PROBE", 1)  # every pair in a case counts as common
    with deployed.sessions() as s:
        assert case_words.narrowing(s, "先行") is None and case_words.narrowing(s, "王五") is not None
    assert found(deployed, people["supervisor"], "先行") == ([hua, ming], 2)
    assert found(deployed, people["supervisor"], "王五") == ([], 0)


def test_a_common_character_or_word_finds_every_case_holding_it_without_testing_them(
    deployed: EngineContext, people: dict[str, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    ming = start(deployed, people)  # 张明, 产业园区招商政策先行先试
    hua = start(deployed, people, cadre_name="李华", matter="老旧小区改造资金先行拨付")
    elsewhere = services.start_case(deployed, people["other_applicant"], "rcjc_case", "application",
                                    {**APPLICATION, "cadre_name": "王五", "matter": "第2批先行项目"}).case_id
    monkeypatch.setattr(case_words, "PROBE", 1)  # every character and pair counts as common
    supervisor = people["supervisor"]
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(deployed.db, "before_cursor_execute", seen)
    try:
        assert found(deployed, supervisor, "先行") == ([elsewhere, hua, ming], 3)
    finally:
        event.remove(deployed.db, "before_cursor_execute", seen)
    # Neither the page nor its count tests a case's words, and the count reads the index alone.
    assert statements and not [s for s in statements if " LIKE " in s.upper()]
    assert [s for s in statements if "count(" in s.lower() and "case_gram" in s and '"case"' not in s and " case " not in s]
    assert found(deployed, supervisor, "区") == ([hua, ming], 2) and found(deployed, supervisor, "2") == ([elsewhere], 1)
    assert found(deployed, supervisor, "赵") == ([], 0)
    # Counted among the cases the reader may see, and within the other filters.
    assert found(deployed, people["applicant"], "先行") == ([hua, ming], 2)
    assert found(deployed, people["other_applicant"], "先行") == ([elsewhere], 1)
    with deployed.sessions() as s:
        items, total = list_cases(deployed, s, supervisor, CaseFilter(q="先行", status="completed"), deployed.clock.now())
    assert (items, total) == ([], 0)


def test_the_index_follows_a_changed_name(deployed: EngineContext, people: dict[str, Actor]) -> None:
    case_id = start(deployed, people)
    with UnitOfWork(deployed.sessions, deployed.clock) as uow:
        row = case_rows.lock_existing(uow.session, case_id)
        row.cadre_name = "赵六"
        case_rows.write(uow.session, row)
        uow.commit()
    assert found(deployed, people["supervisor"], "赵六") == ([case_id], 1)
    assert found(deployed, people["supervisor"], "张明") == ([], 0)
    with deployed.sessions() as s:
        pairs = set(s.scalars(select(CaseGram.gram).where(CaseGram.case_id == case_id)))
    assert pairs == set(case_words.grams("赵六", APPLICATION["matter"]))


def test_a_unit_member_finds_only_the_cases_of_their_unit(deployed: EngineContext, people: dict[str, Actor]) -> None:
    mine = start(deployed, people)
    assert found(deployed, people["applicant"], "张明") == ([mine], 1)
    assert found(deployed, people["other_applicant"], "张明") == ([], 0)


def test_upgrading_indexes_the_cases_already_filed(cli: CliRunner, db_url: str) -> None:
    with in_use_with_a_case(cli, db_url) as (live, case_id):
        with downgraded(live, "0022") as conn:
            assert "case_gram" not in inspect(conn).get_table_names()
        upgraded = cli.invoke(main, ["init"])
        assert upgraded.exit_code == 0, upgraded.output
        with live.sessions() as s:
            pairs = set(s.scalars(select(CaseGram.gram).where(CaseGram.case_id == case_id)))
        assert pairs == set(case_words.grams(APPLICATION["cadre_name"], APPLICATION["matter"])) and "张明" in pairs


def test_upgrading_adds_the_characters_of_the_cases_already_filed(cli: CliRunner, db_url: str) -> None:
    with in_use_with_a_case(cli, db_url) as (live, case_id):
        with downgraded(live, "0024") as conn:
            kept = set(conn.scalars(select(CaseGram.gram).where(CaseGram.case_id == case_id)))
            assert "张明" in kept and "张" not in kept  # the sequences stay; the characters go
        upgraded = cli.invoke(main, ["init"])
        assert upgraded.exit_code == 0, upgraded.output
        assert found(live, Actor("supervisor", frozenset({"supervisor"})), "张")[1] == 1
        with live.sessions() as s:
            grams = set(s.scalars(select(CaseGram.gram).where(CaseGram.case_id == case_id)))
        assert grams == set(case_words.grams(APPLICATION["cadre_name"], APPLICATION["matter"])) and "张" in grams
