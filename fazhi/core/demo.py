"""Deterministic demo data.

``fazhi demo --scale small`` builds a county with four townships (one a development zone),
twelve villages, one year of ledgers and one user per role. ``--scale county`` builds the
same county at a real county's volume: 20 townships, 300 villages and five years of
ledgers (about a million records, bulk-inserted). ``--scale province`` repeats the county
generator for several counties (``--counties``) to size a province-wide deployment.

Later apps add their records by registering a generator here: a function taking the
``DemoContext`` (``@demo.register(order=…)`` in ``<app>/demo.py``); each uses ``ctx.rng``
only, so the same seed gives the same data.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from . import discovery, hooks
from .models import Membership, Unit, UnitKind
from .roles import Role

DEMO_PASSWORD = "Fz@demo2026"
COUNTY_CODE = "990100"


@dataclass(frozen=True)
class Scale:
    """Volumes per township and year; generators read them from ``ctx.params``."""

    townships: int = 4
    villages_per_township: int = 3
    years: int = 1
    counties: int = 1
    disputes: tuple[int, int] = (280, 330)
    petitions: tuple[int, int] = (90, 115)
    hotline: tuple[int, int] = (1800, 2200)
    grid_cases: tuple[int, int] = (400, 600)


SCALES = {
    "small": Scale(),
    # 20 townships × 5 years: ~0.6 M grid cases, ~0.2 M hotline appeals, ~45 k disputes
    "county": Scale(
        townships=20,
        villages_per_township=15,
        years=5,
        disputes=(350, 560),
        petitions=(80, 140),
        hotline=(1400, 2600),
        grid_cases=(5000, 7000),
    ),
    # the county generator repeated; --counties sets how many (a province has ~100)
    "province": Scale(
        townships=20,
        villages_per_township=15,
        years=5,
        counties=3,
        disputes=(350, 560),
        petitions=(80, 140),
        hotline=(1400, 2600),
        grid_cases=(5000, 7000),
    ),
}

TOWNSHIP_NAMES = [
    "东风镇", "清河乡", "城关街道", "示范经济开发区", "白沙镇", "桃源乡", "龙泉镇", "石门镇",
    "黄岭乡", "新华街道", "三河镇", "柳林乡", "金山镇", "双桥镇", "马场乡", "南湖街道",
    "高坪镇", "杨柳乡", "大兴镇", "青龙镇",
]  # fmt: skip
VILLAGE_STEMS = (
    "红星向阳河口清河柳树石桥东山西岭南坪北沟新村长岭梨园桃花杨家李庄马湾龙潭凤凰白云金竹三合五里"
)

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
    ("clerk_cg", "城关街道党政办 吴文书", Role.TOWNSHIP_STAFF, "990103"),
    ("clerk_kf", "示范经济开发区党政办 郑文书", Role.TOWNSHIP_STAFF, "990104"),
    ("corrections_df", "东风镇司法所 社区矫正专干 孙专干", Role.CORRECTIONS_OFFICER, "990101"),
]


@dataclass
class DemoContext:
    rng: random.Random
    scale: str
    year: int  # the newest year; ``years`` lists every generated year, oldest first
    county: Unit
    townships: list[Unit]
    villages: dict[int, list[Unit]]
    users: dict[str, object]
    log: Callable[[str], None] = print
    extra: dict = field(default_factory=dict)
    years: list[int] = field(default_factory=list)
    params: Scale = field(default_factory=Scale)
    counties: list[Unit] = field(default_factory=list)

    @property
    def bulk(self) -> bool:
        """True beyond the small scale: generators skip per-record services and history."""
        return self.scale != "small"


Generator = Callable[[DemoContext], None]
_GENERATORS: list[tuple[int, str, Generator]] = []


def register(order: int = 100):
    def wrap(fn: Generator) -> Generator:
        _GENERATORS.append((order, f"{fn.__module__}.{fn.__name__}", fn))
        return fn

    return wrap


def _discover() -> None:
    discovery.autodiscover("demo", exclude=["core"])


def exists() -> bool:
    return Unit.objects.filter(code=COUNTY_CODE).exists()


def build(
    *,
    scale: str = "small",
    seed: int = 2026,
    year: int | None = None,
    counties: int | None = None,
    log=print,
) -> DemoContext:
    if scale not in SCALES:
        raise ValueError(f"未知的规模 {scale}（可用：{', '.join(SCALES)}）")
    params = SCALES[scale]
    if counties is not None:
        if counties < 1 or counties > 99:
            raise ValueError("县的个数应在 1 到 99 之间")
        params = dataclasses.replace(params, counties=counties)
    rng = random.Random(seed)
    year = year or timezone.localdate().year
    years = list(range(year - params.years + 1, year + 1))
    _discover()
    generators = sorted(_GENERATORS, key=lambda g: (g[0], g[1]))
    first = None
    with transaction.atomic():
        for k in range(1, params.counties + 1):
            county, townships, villages = _make_units(k, params)
            users = _make_users(county, k)
            ctx = DemoContext(
                rng, scale, year, county, townships, villages, users, log,
                years=years, params=params,
            )  # fmt: skip
            if params.counties > 1:
                log(f"第 {k}/{params.counties} 个县：{county.name}")
            for _order, name, fn in generators:
                started = time.perf_counter()
                fn(ctx)
                if ctx.bulk:
                    log(f"  {name}: {time.perf_counter() - started:.1f} s")
            first = first or ctx
            first.counties.append(county)
    hooks.data_replaced.send(sender=build)  # bulk inserts send no model signals
    return first


def county_code(k: int) -> str:
    return COUNTY_CODE if k == 1 else f"99{k:02d}00"


def _make_units(k: int, params: Scale) -> tuple[Unit, list[Unit], dict[int, list[Unit]]]:
    code = county_code(k)
    prefix = code[:4]
    county = Unit.objects.create(
        code=code, name="示范县" if k == 1 else f"示范{k}县", kind=UnitKind.COUNTY
    )
    Unit.objects.create(
        code=f"{prefix}90", name=f"{county.name}司法局", kind=UnitKind.DEPARTMENT, parent=county
    )
    townships, villages = [], {}
    for t in range(params.townships):
        if t < len(TOWNSHIPS) and params.villages_per_township == len(TOWNSHIPS[t][3]):
            _code, name, kind, village_names = TOWNSHIPS[t]
        else:
            name = TOWNSHIP_NAMES[t % len(TOWNSHIP_NAMES)]
            if t >= len(TOWNSHIP_NAMES):
                name = f"{name[:-1]}{t // len(TOWNSHIP_NAMES) + 1}{name[-1]}"
            kind = (
                UnitKind.SUBDISTRICT
                if name.endswith("街道")
                else UnitKind.DEVELOPMENT_ZONE
                if name.endswith("开发区")
                else UnitKind.TOWNSHIP
            )
            village_names = _village_names(t, params.villages_per_township, kind)
        township = Unit.objects.create(
            code=f"{prefix}{t + 1:02d}", name=name, kind=kind, parent=county
        )
        townships.append(township)
        villages[township.pk] = [
            Unit.objects.create(
                code=f"{township.code}{i:02d}",
                name=vname,
                kind=UnitKind.COMMUNITY if vname.endswith("社区") else UnitKind.VILLAGE,
                parent=township,
                remote=(i % 5 == 3 and not vname.endswith("社区")),
            )
            for i, vname in enumerate(village_names, start=1)
        ]
    return county, townships, villages


def _village_names(t: int, n: int, kind: str) -> list[str]:
    stems = [VILLAGE_STEMS[i : i + 2] for i in range(0, len(VILLAGE_STEMS), 2)]
    urban = kind != UnitKind.TOWNSHIP
    out = []
    for i in range(n):
        stem = stems[(t * 7 + i) % len(stems)]
        suffix = "社区" if (urban and i % 3 != 2) or (not urban and i == 0) else "村"
        name = f"{stem}{suffix}"
        while name in out:
            name = f"{stem}{len(out) + 1}{suffix}"
        out.append(name)
    return out


def _make_users(county: Unit, k: int = 1) -> dict[str, object]:
    """One user per role; in the second and later counties usernames end in ``_k``."""
    user_model = get_user_model()
    users = {}
    prefix = county.code[:4]
    hashed = make_password(DEMO_PASSWORD)  # one hash for every demo user: hashing is slow
    for username, display, role, unit_code in DEMO_USERS:
        unit = county if unit_code is None else Unit.objects.get(code=prefix + unit_code[4:])
        name = username if k == 1 else f"{username}_{k}"
        user = user_model(username=name, display_name=display, is_demo=True)
        user.password = hashed
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
