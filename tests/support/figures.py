"""The district's figures as a reader gets them, through either transport."""

from __future__ import annotations

from typing import Any

from engine.reading.statistics import FigureQuery, figures
from tests.support.transports import HttpTransport, Transport


def figures_of(via: Transport, who: str, **query: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """Every table as `who` reads it: table key -> row key -> row."""
    if isinstance(via, HttpTransport):
        args = {("from" if k == "since" else "to" if k == "until" else k): str(v) for k, v in query.items()}
        tables = via.call(who, "GET", "/statistics", query_string=args)["tables"]
    else:
        with via.ctx.sessions() as session:
            _used, found = figures(via.ctx, session, via.people[who], FigureQuery(**query))
        tables = [{"key": t.key, "rows": t.rows} for t in found]
    return {t["key"]: {r["key"]: r for r in t["rows"]} for t in tables}
