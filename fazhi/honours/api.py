"""Honours API: /api/v1/honours/… — every ledger's list, detail, create, update, import and
the honours' steps, from the declarations in ``ledgers.py``."""

from fazhi.ledgers.api import build_router

from .ledgers import LEDGERS

router = build_router(["荣誉与考核"], LEDGERS)
