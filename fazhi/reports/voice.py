"""The unit's own voice: how a 乡, a 镇, a 街道, a development zone or a department
names itself, its whole area, its party and government bodies and its heads.

The seeds show the differences: a 镇 writes "我镇""全镇""镇党委、镇政府" and signs
"中共××镇委员会 / ××镇人民政府"; a 街道 has a 党工委 and an 办事处; a development zone
writes "开发区""全区""党工委、管委会" and signs as its 管委会 alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from fazhi.core.models.units import UnitKind


@dataclass(frozen=True)
class Voice:
    kind: str  # xiang | zhen | jiedao | zone | department | county
    name: str
    we: str  # 我镇
    whole: str  # 全镇
    place: str  # 镇 (in "大事不出镇")
    party: str  # 镇党委
    gov: str  # 镇政府
    bodies: str  # 镇党委、镇政府
    party_head: str  # 镇党委书记
    gov_head: str  # 镇长
    issuers: tuple[str, ...]  # the signature block, one line each
    grassroots: str  # 村（社区）

    @property
    def title_prefix(self) -> str:
        return self.issuers[-1] if self.kind == "zone" else self.name

    def title(self, year: int) -> str:
        return f"{self.title_prefix}关于{year}年度法治政府建设情况的报告"

    @property
    def fengqiao(self) -> str:
        """The 枫桥 saying in the unit's own words."""
        if self.kind == "jiedao":
            return "小事不出社区、大事不出街道"
        return f"小事不出村、大事不出{self.place}"

    def is_head_post(self, post: str) -> str:
        """ "party" / "gov" when ``post`` names one of the two heads, else "".

        Deputies, the discipline secretary, village branch secretaries and office
        directors (党政办主任, 综治办主任) are not heads."""
        post = (post or "").replace(" ", "").strip()
        if not post or "副" in post or "纪" in post or "支部" in post:
            return ""
        if any(w in post for w in ("党委书记", "党工委书记", "党组书记")) or post == "书记":
            return "party"
        if post.endswith(("镇长", "乡长", "县长", "区长", "局长")):
            return "gov"
        if post in ("主任", "办事处主任", "管委会主任") or post.endswith(
            ("街道办事处主任", "管委会主任", "管理委员会主任")
        ):
            return "gov"
        return ""


def for_unit(unit) -> Voice:
    name = unit.name
    kind = unit.kind
    if kind == UnitKind.SUBDISTRICT:
        return Voice(
            "jiedao",
            name,
            "我街道",
            "全街道",
            "街道",
            "街道党工委",
            "街道办事处",
            "街道党工委、办事处",
            "街道党工委书记",
            "街道办事处主任",
            (f"中共{name}工作委员会", f"{name}办事处"),
            "社区（村）",
        )
    if kind == UnitKind.DEVELOPMENT_ZONE:
        committee = name if name.endswith("管委会") else f"{name}管委会"
        return Voice(
            "zone",
            name,
            "开发区",
            "全区",
            "区",
            "开发区党工委",
            "管委会",
            "开发区党工委、管委会",
            "党工委书记",
            "管委会主任",
            (committee,),
            "村（社区）",
        )
    if kind == UnitKind.DEPARTMENT:
        short = "局" if name.endswith("局") else "单位"
        return Voice(
            "department",
            name,
            f"我{short}",
            "全系统",
            short,
            f"{short}党组",
            name,
            f"{short}党组、{name}",
            f"{short}党组书记",
            "局长" if short == "局" else "主要负责人",
            (name,),
            "基层单位",
        )
    if kind == UnitKind.COUNTY:
        short = "区" if name.endswith("区") else "县"
        return Voice(
            "county",
            name,
            f"我{short}",
            f"全{short}",
            short,
            f"{short}委",
            f"{short}政府",
            f"{short}委、{short}政府",
            f"{short}委书记",
            f"{short}长",
            (f"中共{name}委员会", f"{name}人民政府"),
            "乡镇（街道）",
        )
    short = "乡" if name.endswith("乡") else "镇"
    return Voice(
        "xiang" if short == "乡" else "zhen",
        name,
        f"我{short}",
        f"全{short}",
        short,
        f"{short}党委",
        f"{short}政府",
        f"{short}党委、{short}政府",
        f"{short}党委书记",
        f"{short}长",
        (f"中共{name}委员会", f"{name}人民政府"),
        "村（社区）",
    )
