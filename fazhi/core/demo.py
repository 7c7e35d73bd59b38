"""Deterministic demo data. ``fazhi demo --scale small`` builds a county with four
townships (one a development zone), twelve villages and one user per role.

Later apps add their records by registering a generator here: a function taking the
``DemoContext`` (``@demo.register(order=…)`` in ``<app>/demo.py``); each uses ``ctx.rng``
only, so the same seed gives the same data.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import Membership, Unit, UnitKind
from .roles import Role

DEMO_PASSWORD = "Fz@demo2026"
COUNTY_CODE = "990100"

SCALES = {"small": {"villages_per_township": 3}}

TOWNSHIPS = [
    ("990101", "东风镇", UnitKind.TOWNSHIP, ["红星村", "向阳村", "河口村"]),
    ("990102", "清河乡", UnitKind.TOWNSHIP, ["清河村", "柳树村", "石桥村"]),
    ("990103", "城关街道", UnitKind.SUBDISTRICT, ["东门社区", "西门社区", "南关社区"]),
    ("990104", "示范经济开发区", UnitKind.DEVELOPMENT_ZONE, ["园区社区", "新港村", "高新社区"]),
]

# (username, display name, role, unit code or None for the county)
DEMO_USERS = [
    ("sysadmin", "系统管理员", Role.SYSTEM_ADMIN, None),
    ("secadmin", "安全管理员", Role.SECURITY_ADMIN, None),
    ("auditor", "审计管理员", Role.AUDIT_ADMIN, None),
    ("county", "县依法治县办 王督导", Role.COUNTY_SUPERVISOR, None),
    ("admin_df", "东风镇司法所 李所长", Role.TOWNSHIP_ADMIN, "990101"),
    ("clerk_df", "东风镇综治中心 张文书", Role.TOWNSHIP_STAFF, "990101"),
    ("mediator_df", "红星村调解员 陈大姐", Role.VILLAGE_MEDIATOR, "99010101"),
    ("adviser_df", "东风镇法律顾问 刘律师", Role.LEGAL_ADVISER, "990101"),
    ("leader_df", "东风镇镇长 赵镇长", Role.LEADER, "990101"),
    ("viewer_df", "东风镇 只读用户", Role.VIEWER, "990101"),
    ("clerk_qh", "清河乡综治中心 周文书", Role.TOWNSHIP_STAFF, "990102"),
]


@dataclass
class DemoContext:
    rng: random.Random
    scale: str
    year: int
    county: Unit
    townships: list[Unit]
    villages: dict[int, list[Unit]]
    users: dict[str, object]
    log: Callable[[str], None] = print
    extra: dict = field(default_factory=dict)


Generator = Callable[[DemoContext], None]
_GENERATORS: list[tuple[int, str, Generator]] = []


def register(order: int = 100):
    def wrap(fn: Generator) -> Generator:
        _GENERATORS.append((order, f"{fn.__module__}.{fn.__name__}", fn))
        return fn

    return wrap


def _discover() -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("fazhi.") and config.label != "core":
            try:
                importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise


def exists() -> bool:
    return Unit.objects.filter(code=COUNTY_CODE).exists()


def build(
    *, scale: str = "small", seed: int = 2026, year: int | None = None, log=print
) -> DemoContext:
    if scale not in SCALES:
        raise ValueError(f"未知的规模 {scale}（可用：{', '.join(SCALES)}）")
    rng = random.Random(seed)
    year = year or timezone.localdate().year
    with transaction.atomic():
        county = Unit.objects.create(code=COUNTY_CODE, name="示范县", kind=UnitKind.COUNTY)
        Unit.objects.create(
            code="990190", name="示范县司法局", kind=UnitKind.DEPARTMENT, parent=county
        )
        townships, villages = [], {}
        for code, name, kind, village_names in TOWNSHIPS:
            t = Unit.objects.create(code=code, name=name, kind=kind, parent=county)
            townships.append(t)
            villages[t.pk] = []
            for i, vname in enumerate(village_names, start=1):
                vkind = UnitKind.COMMUNITY if vname.endswith("社区") else UnitKind.VILLAGE
                villages[t.pk].append(
                    Unit.objects.create(
                        code=f"{code}{i:02d}",
                        name=vname,
                        kind=vkind,
                        parent=t,
                        remote=(i == 3 and vkind == UnitKind.VILLAGE),
                    )
                )
        users = _make_users(county)
        ctx = DemoContext(rng, scale, year, county, townships, villages, users, log)
        _discover()
        for _order, _name, fn in sorted(_GENERATORS, key=lambda g: (g[0], g[1])):
            fn(ctx)
    return ctx


def _make_users(county: Unit) -> dict[str, object]:
    user_model = get_user_model()
    users = {}
    for username, display, role, unit_code in DEMO_USERS:
        unit = county if unit_code is None else Unit.objects.get(code=unit_code)
        user = user_model(username=username, display_name=display, is_demo=True)
        user.set_password(DEMO_PASSWORD)
        user.password_changed_at = timezone.now()
        user.save()
        Membership.objects.create(user=user, unit=unit, role=role)
        users[username] = user
    return users


def logins_table() -> str:
    lines = [f"演示账号（仅演示模式；密码均为 {DEMO_PASSWORD}）:"]
    for username, display, role, unit_code in DEMO_USERS:
        unit = (
            "示范县"
            if unit_code is None
            else Unit.objects.filter(code=unit_code).values_list("name", flat=True).first()
        )
        lines.append(f"  {username:<12} {Role(role).label:<8} {unit}  {display}")
    return "\n".join(lines)
