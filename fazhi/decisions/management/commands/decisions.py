from fazhi.core.management.base import int_setting
from fazhi.decisions.ledgers import LEDGERS
from fazhi.decisions.services import save_settings
from fazhi.ledgers.cli import build_command


def _settings(county, actor, data) -> str:
    days = int_setting(data, "filing_days", "filing_days 应为15或30")
    row = save_settings(county=county, actor=actor, filing_days=days)
    return f"{county.name}：规范性文件报备期限 {row.filing_days} 日"


Command = build_command("依法决策", LEDGERS, _settings)
