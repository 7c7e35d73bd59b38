from .attachments import Attachment
from .audit import AuditChainHead, AuditEvent
from .base import LedgerModel, UnitScopedQuerySet
from .calendar import CalendarDay, CalendarYear
from .tokens import ApiToken
from .units import Membership, Unit, UnitKind
from .users import User

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditChainHead",
    "AuditEvent",
    "CalendarDay",
    "CalendarYear",
    "LedgerModel",
    "Membership",
    "Unit",
    "UnitKind",
    "UnitScopedQuerySet",
    "User",
]
