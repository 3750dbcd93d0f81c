"""The district's figures: cases by stage and outcome, rulings per year, clarifications, stage lengths, overdue
steps per department, tolerance rates by domain and unit, simple and ordinary procedure."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from engine.reading.statistics import FigureQuery, figures

from ..context import engine_context
from ..figures import labelled
from .access import ApiBlueprint, current_actor
from .errors import ErrorSchema
from .schemas import Strict

bp = ApiBlueprint("statistics", __name__, url_prefix="/api/v1", description="统计分析")


class StatisticsArgs(Strict):
    from_ = ma.fields.Date(data_key="from", load_default=None,
                           metadata={"description": "cases filed (rulings and clarifications decided) on or after"})
    to = ma.fields.Date(load_default=None, metadata={"description": "… on or before"})
    unit = ma.fields.String(load_default="", validate=validate.Length(max=200), metadata={"description": "the case's unit"})
    domain = ma.fields.String(load_default="", validate=validate.Length(max=100),
                              metadata={"description": "the application's domain (a key of the circumstance lists)"})

    @ma.validates_schema
    def period_in_order(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ma.ValidationError("起始日期不能晚于截止日期", "to")


class ColumnSchema(ma.Schema):
    key = ma.fields.String(required=True)
    label = ma.fields.String(required=True)


class FigureTableSchema(ma.Schema):
    key = ma.fields.String(required=True, metadata={"description": "status, outcome, closure, procedure, "
                                                    "tolerance_by_domain, tolerance_by_unit, stage, stage_days, "
                                                    "late_by_group, rulings_by_year, clarified_by_year or filings_by_year"})
    title = ma.fields.String(required=True)
    columns = ma.fields.List(ma.fields.Nested(ColumnSchema), required=True)
    rows = ma.fields.List(ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw()), required=True,
                          metadata={"description": "each row: key, label, and the numbers its columns name"})


class AskedSchema(ma.Schema):
    from_ = ma.fields.Date(data_key="from", allow_none=True)
    to = ma.fields.Date(allow_none=True)
    unit = ma.fields.String(required=True, metadata={"description": "empty for every unit"})
    domain = ma.fields.String(required=True)


class StatisticsSchema(ma.Schema):
    query = ma.fields.Nested(AskedSchema, required=True, metadata={"description": "what was counted"})
    tables = ma.fields.List(ma.fields.Nested(FigureTableSchema), required=True)


@bp.get("/statistics")
@bp.arguments(StatisticsArgs, location="query")
@bp.response(200, StatisticsSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="无权查看统计数据，或所在党组织查看其他单位")
def statistics(args: dict[str, Any]) -> dict[str, Any]:
    """Every table of figures for a period, a unit and a domain (an applicant organization sees its own unit's)."""
    ctx = engine_context()
    with ctx.sessions() as session:
        used, tables = figures(ctx, session, current_actor(),
                               FigureQuery(args["from_"], args["to"], args["unit"].strip(), args["domain"].strip()))
    return {"query": {"from_": used.since, "to": used.until, "unit": used.unit, "domain": used.domain},
            "tables": labelled(tables)}
