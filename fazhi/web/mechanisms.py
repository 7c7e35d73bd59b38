"""The platform's mechanisms as the navigation shows them, in one list.

Each app owns its pages under ``/<key>/``; the entry here names its landing page and
the sub-pages shown in the menu. Apps add their sub-pages by editing their entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mechanism:
    key: str
    label: str
    icon: str
    summary: str
    first_step: str
    items: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # A restricted mechanism: shown only to a user holding this permission in some unit.
    perm: str = ""

    @property
    def url_name(self) -> str:
        return f"{self.key}:index"


MECHANISMS: tuple[Mechanism, ...] = (
    Mechanism(
        "disputes",
        "矛盾纠纷",
        "⚖",
        "矛盾纠纷排查与人民调解、信访件、12345/8890 热线诉求的登记、交办、督办和办结。",
        "登记第一件矛盾纠纷，或从热线系统导出的 Excel 导入诉求。",
    ),
    Mechanism(
        "decisions",
        "依法决策",
        "📜",
        "重大行政决策目录与程序、规范性文件、合同审查和合法性审查。",
        "建立本年度重大行政决策目录，或登记一份待审查的规范性文件。",
    ),
    Mechanism(
        "enforcement",
        "行政执法",
        "🛡",
        "行政执法案件与“三项制度”、执法证件、行政复议和行政应诉。",
        "登记执法人员的执法证件，再立案第一件执法案件。",
    ),
    Mechanism(
        "learning",
        "学法",
        "📚",
        "领导干部和工作人员学法、学法时长、年度学法考试。",
        "登记一次学法活动并记录参学人员。",
    ),
    Mechanism(
        "publicity",
        "普法",
        "📣",
        "普法宣传活动、主题宣传日、法律明白人、民主法治示范村。",
        "登记一次普法宣传活动。",
    ),
    Mechanism(
        "legalservice",
        "法律服务",
        "🤝",
        "法律顾问、坐班值班、法律咨询、公共法律服务中心、法律援助。",
        "登记法律顾问及其服务的村(社区)。",
    ),
    Mechanism(
        "oversight",
        "督察整改",
        "🔍",
        "法治建设领导小组、第一责任人述法、经费保障、督察与自查发现问题的整改。",
        "建立本年度法治建设领导小组。",
    ),
    Mechanism(
        "openness",
        "政务公开",
        "📢",
        "主动公开政府信息，依申请公开的补正、延期和答复期限，告知书和答复书。",
        "登记本年度主动公开的信息，或登记收到的第一件政府信息公开申请。",
    ),
    Mechanism(
        "honours",
        "荣誉与考核",
        "🏅",
        "各级荣誉称号与创建（民主法治示范村、法治乡镇、金牌调解室、模范调解员等）的申报、获评与复核，"
        "依法行政考核和法治建设考核结果。",
        "登记本单位已获评或正在申报的荣誉称号。",
    ),
    Mechanism(
        "corrections",
        "特殊人群",
        "🗂",
        "司法所管理的社区矫正对象和安置帮教对象：报到期限、矫正（帮教）期限、走访谈话与解除。"
        "仅社区矫正工作人员可见，每次查看记录均留痕。",
        "登记第一名社区矫正对象（判决生效日期起十日内报到）。",
        perm="corrections",
    ),
    Mechanism(
        "indicators",
        "指标",
        "📊",
        "由台账自动计算的法治政府建设指标。",
        "先在各台账中登记工作，指标会自动计算。",
    ),
    Mechanism(
        "reports",
        "年度报告",
        "📝",
        "法治政府建设年度报告的起草、审批、保密审查与公开。",
        "为本单位本年度生成报告初稿。",
    ),
    Mechanism(
        "review",
        "报告审阅",
        "🧐",
        "审阅任何已公开的法治政府建设年度报告：结构、数据、合规检查与比较。",
        "上传一份年度报告（TXT、HTML、DOCX 或 PDF）进行审阅。",
    ),
)

BY_KEY = {m.key: m for m in MECHANISMS}


def shown_to(user) -> tuple[Mechanism, ...]:
    """The mechanisms ``user``'s navigation lists: a restricted one only to its holders."""
    from fazhi.core import scoping

    return tuple(m for m in MECHANISMS if not m.perm or scoping.has_perm_anywhere(user, m.perm))
