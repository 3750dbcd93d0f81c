"""The people of the procedure: one user per role (three committee members), all with one password."""

from __future__ import annotations

from engine.access.policy import Actor

PASSWORD = "Lantern-Meadow-2718"

PEOPLE: dict[str, tuple[list[str], str | None]] = {
    "applicant": (["applicant_org"], "示例区发展和改革局"),
    "other_applicant": (["applicant_org"], "示例区住房和城乡建设局"),
    "accountability": (["accountability"], "区纪委监委"),
    "intake": (["intake"], None),
    "investigator": (["investigator"], None),
    "reviewer": (["investigator"], None),
    "committee1": (["committee"], None),
    "committee2": (["committee"], None),
    "committee3": (["committee"], None),
    "chair": (["committee_chair"], None),
    "supervisor": (["supervisor"], None),
    "orgdept": (["org_dept"], None),
    "owner": (["process_owner"], None),
    "admin": (["admin"], None),
}

# An intake actor with no user row, who starts the cases of the timer test process.
STARTER = Actor("starter", frozenset({"intake"}))
