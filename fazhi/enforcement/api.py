"""API of the enforcement mechanism: /api/v1/enforcement/…"""

from __future__ import annotations

from fazhi.ledgers.api import build_router

from . import documents  # noqa: F401  (registers the DOCX spec)
from .ledgers import LEDGERS

router = build_router(["行政执法"], LEDGERS)
