"""The ruling meeting's arithmetic: quorum, and a majority counted of all members or of those voting."""

from __future__ import annotations

from fractions import Fraction

import pytest

from engine.config import load_config
from engine.procedure.meeting import majority_reached, quorum_met, tally

MEMBERS = ["m1", "m2", "m3", "m4", "m5"]
HALF = Fraction(1, 2)


def ballots(*choices: str) -> list[dict[str, str]]:
    return [{"member": f"m{i + 1}", "vote": choice, "comment": ""} for i, choice in enumerate(choices)]


def test_the_tally_counts_each_choice() -> None:
    assert tally(ballots("agree", "agree", "recuse", "defer")) == {"agree": 2, "disagree": 0, "defer": 1, "recuse": 1}
    assert tally(["agree", "disagree"]) == {"agree": 1, "disagree": 1, "defer": 0, "recuse": 0}


@pytest.mark.parametrize(
    ("choices", "of_all", "of_voting"),
    [
        (("agree", "agree", "agree"), True, True),  # 3 of 5 members
        (("agree", "agree", "disagree"), False, True),  # 2 of 5 members, 2 of 3 voting
        (("agree", "agree", "recuse", "disagree"), False, True),  # recusal leaves 3 voting
        (("agree", "agree", "defer", "disagree"), False, False),  # 2 of 4 voting is not more than half
        (("recuse", "recuse", "recuse"), False, False),  # nobody voting carries nothing
    ],
)
def test_the_majority_rule_is_the_configured_one(choices: tuple[str, ...], of_all: bool, of_voting: bool) -> None:
    votes = ballots(*choices)
    assert majority_reached(votes, MEMBERS, HALF, "all_members") is of_all
    assert majority_reached(votes, MEMBERS, HALF, "present_not_recused") is of_voting


def test_quorum_counts_only_members() -> None:
    assert quorum_met(["m1", "m2", "m3", "m4"], MEMBERS, Fraction(2, 3))
    assert not quorum_met(["m1", "m2", "m3", "outsider"], MEMBERS, Fraction(2, 3))
    assert not quorum_met([], [], Fraction(2, 3))


def test_the_majority_basis_is_configured_and_checked() -> None:
    assert load_config({}).settings["majority_of"] == "all_members"
    assert load_config({"RCJC_MAJORITY_OF": "present_not_recused"}).settings["majority_of"] == "present_not_recused"
    with pytest.raises(ValueError, match="majority_of"):
        load_config({"RCJC_MAJORITY_OF": "most"})
