from fazhi.core.management.base import int_setting
from fazhi.enforcement.ledgers import LEDGERS
from fazhi.enforcement.services import save_settings
from fazhi.ledgers.cli import build_command


def _settings(county, actor, data) -> str:
    days = int_setting(data, "display_days", "display_days 应为整数日")
    row = save_settings(county=county, actor=actor, display_days=days)
    return f"{county.name}：自然人执法决定公示期限 {row.display_days} 日"


Command = build_command("行政执法", LEDGERS, _settings)
