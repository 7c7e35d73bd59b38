from .catalog import CollectiveDiscussion, DecisionCatalog, DecisionStep, MajorDecision, MemberView
from .documents import DocumentRegister, NormativeDocument
from .reviews import ContractReview, LegalityReview, ReviewFinding
from .settings import DecisionsSettings

__all__ = [
    "CollectiveDiscussion",
    "ContractReview",
    "DecisionCatalog",
    "DecisionStep",
    "DecisionsSettings",
    "DocumentRegister",
    "LegalityReview",
    "MajorDecision",
    "MemberView",
    "NormativeDocument",
    "ReviewFinding",
]
