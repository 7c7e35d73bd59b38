"""``fazhi corrections person list|show|create|update|actions|act|export|import --as 用户``
(from the declaration, fazhi/ledgers/cli.py). Only a user holding the corrections role
may use it; each ``show`` is audited."""

from fazhi.corrections.ledgers import LEDGERS
from fazhi.ledgers.cli import build_command

Command = build_command("社区矫正与安置帮教", LEDGERS)
