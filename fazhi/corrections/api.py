"""Corrections API: /api/v1/corrections/persons… — list, detail (audited), create, update,
import and the steps, from the declaration in ``ledgers.py``; 403 without the corrections
duty."""

from fazhi.ledgers.api import build_router

from .ledgers import LEDGERS

router = build_router(["社区矫正与安置帮教"], LEDGERS)
