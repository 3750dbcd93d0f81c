"""Demo users added by `rcjc init --demo`: one per group, and a committee large enough to vote."""

# Demo accounts only; a real deployment adds its users with `rcjc users add`.
DEMO_PASSWORD = "rcjc-demo"

DEMO_USERS: list[tuple[str, list[str], str | None, str]] = [
    ("applicant", ["applicant_org"], "示例区发展和改革局", "发改局党组（演示）"),
    ("accountability", ["accountability"], "区纪委监委", "问责承办人（演示）"),
    ("intake", ["intake"], "区纪委监委", "受理人员（演示）"),
    ("investigator", ["investigator"], "区纪委监委", "调查人员（演示）"),
    ("reviewer", ["investigator"], "区纪委监委", "复核人员（演示）"),
    ("committee1", ["committee"], "区容错免责裁定委员会", "委员一（演示）"),
    ("committee2", ["committee"], "区容错免责裁定委员会", "委员二（演示）"),
    ("committee3", ["committee"], "区容错免责裁定委员会", "委员三（演示）"),
    ("chair", ["committee_chair"], "区容错免责裁定委员会", "主任（演示）"),
    ("supervisor", ["supervisor"], "区纪委监委", "监督人员（演示）"),
    ("orgdept", ["org_dept"], "区委组织部", "干部监督（演示）"),
    ("owner", ["process_owner"], None, "流程管理员（演示）"),
    ("admin", ["admin"], None, "系统管理员（演示）"),
]
