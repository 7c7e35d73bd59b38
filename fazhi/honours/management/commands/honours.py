"""``fazhi honours honour|assessment list|show|create|update|actions|act|export|import``
(every ledger, from its declaration: fazhi/ledgers/cli.py)."""

from fazhi.honours.ledgers import LEDGERS
from fazhi.ledgers.cli import build_command

Command = build_command("荣誉与考核", LEDGERS)
