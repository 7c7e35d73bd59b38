from .attachments import Attachment
from .audit import AuditChainHead, AuditEvent
from .base import LedgerModel, UnitScopedQuerySet, UnitSettings, unit_field, user_field
from .calendar import CalendarDay, CalendarYear
from .documents import DocumentTemplate
from .notifications import Notification
from .security import TotpDevice
from .sso import ExternalIdentity, SsoProvider
from .tokens import ApiToken
from .transitions import TransitionRecord
from .units import Membership, Unit, UnitKind
from .users import User

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditChainHead",
    "AuditEvent",
    "CalendarDay",
    "CalendarYear",
    "DocumentTemplate",
    "ExternalIdentity",
    "LedgerModel",
    "Membership",
    "Notification",
    "SsoProvider",
    "Unit",
    "UnitKind",
    "TotpDevice",
    "TransitionRecord",
    "UnitScopedQuerySet",
    "UnitSettings",
    "User",
    "unit_field",
    "user_field",
]
