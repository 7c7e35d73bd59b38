"""API of the decisions mechanism: /api/v1/decisions/…"""

from __future__ import annotations

from fazhi.ledgers.api import build_router

from . import documents  # noqa: F401  (registers the DOCX specs)
from .ledgers import LEDGERS

router = build_router(["依法决策"], LEDGERS)
