"""Models of candidate vetting (人选把关); see the modules for each part."""

from .nominations import (
    Approval,
    Commitments,
    Inspection,
    NegativeListAnswer,
    Nomination,
    NoticePublication,
    QualificationReview,
    ReviewReminder,
    VoidDecision,
)
from .settings import CandidateRuleSettings, NegativeListItem, ReviewUnit
from .village import ElectionCommitteeMember, PreviousTermMember

__all__ = [
    "Approval",
    "CandidateRuleSettings",
    "Commitments",
    "ElectionCommitteeMember",
    "Inspection",
    "NegativeListAnswer",
    "NegativeListItem",
    "Nomination",
    "NoticePublication",
    "PreviousTermMember",
    "QualificationReview",
    "ReviewReminder",
    "ReviewUnit",
    "VoidDecision",
]
