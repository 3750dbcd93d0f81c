"""The groups of the procedure (lanes of the BPMN) and their Chinese names."""

GROUP_LABELS: dict[str, str] = {
    "applicant_org": "所在党组织",
    "accountability": "问责机关承办人",
    "intake": "受理人员",
    "investigator": "调查核实人员",
    "committee": "裁定委员会委员",
    "committee_chair": "裁定委员会主任",
    "supervisor": "监督人员",
    "org_dept": "组织部干部监督",
    "process_owner": "流程管理员",
    "admin": "系统管理员",
}
