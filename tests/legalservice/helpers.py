"""Record builders for the legal-services tests (through the services, as a clerk would)."""

from __future__ import annotations

import datetime as dt

from fazhi.legalservice import services


def adviser(
    world, *, name="赵律师", served=None, start=dt.date(2024, 1, 1), end=dt.date(2030, 12, 31), **kw
):
    return services.create_adviser(
        unit=world.township_a,
        actor=world.admin_a,
        served=served if served is not None else [world.village_a],
        name=name,
        firm=kw.pop("firm", "正道律师事务所"),
        contract_start=start,
        contract_end=end,
        phone=kw.pop("phone", "13912345678"),
        **kw,
    )
