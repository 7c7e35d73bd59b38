"""API of government openness: /api/v1/openness/… (the two ledgers, from their
declarations: list, detail, create, update, import, the steps of a request)."""

from __future__ import annotations

from fazhi.ledgers.api import build_router

from . import documents  # noqa: F401  (registers the DOCX specs)
from .ledgers import LEDGERS

router = build_router(["政务公开"], LEDGERS)
