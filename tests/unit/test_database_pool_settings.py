"""The database pool as configured: size, overflow, server-side preparation and the optional ping, read from the
environment, refused with the setting's name when out of range, and applied to the PostgreSQL engine."""

from __future__ import annotations

import pytest

from engine.config import load_config
from engine.persistence.db import make_engine


def test_pool_settings_are_read_from_the_environment() -> None:
    settings = load_config({"RCJC_DB_POOL_SIZE": "4", "RCJC_DB_MAX_OVERFLOW": "0", "RCJC_DB_PREPARE_THRESHOLD": "none",
                            "RCJC_DB_PRE_PING": "yes"}).settings
    assert (settings["db_pool_size"], settings["db_max_overflow"]) == (4, 0)
    assert settings["db_prepare_threshold"] is None and settings["db_pre_ping"] is True
    defaults = load_config({}).settings
    assert (defaults["db_pool_size"], defaults["db_prepare_threshold"], defaults["db_pre_ping"]) == (10, 1, False)


@pytest.mark.parametrize(("name", "value"), [("RCJC_DB_POOL_SIZE", "0"), ("RCJC_DB_MAX_OVERFLOW", "-1"),
                                             ("RCJC_DB_PREPARE_THRESHOLD", "-2")])
def test_a_pool_setting_out_of_range_stops_start_up_with_its_name(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name.removeprefix("RCJC_").lower()):
        load_config({name: value})


def test_the_postgresql_engine_takes_the_pool_it_is_given() -> None:
    engine = make_engine("postgresql://rcjc@db.invalid:5432/rcjc", pool_size=4, max_overflow=2, prepare_threshold=None)
    assert (engine.pool.size(), engine.pool._max_overflow) == (4, 2)  # type: ignore[attr-defined]
    assert engine.pool._pre_ping is False  # type: ignore[attr-defined]
    engine.dispose()
