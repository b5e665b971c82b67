"""The candidates in the admin.

The admin never edits state directly: every nomination, review, approval, negative-list item, election
committee member and previous-term member is written by `candidates.services`, which asks who may act,
whether the election's stage permits it (`elections.permits`) and the rule, whichever door called it. So
their admins are read-only (the trail's `ReadOnlyAdmin`: nothing added, changed or deleted), and the
candidate pages are the one way to change them.

Reference data that no service writes stays editable by the administrator: a cycle's rule settings
(created with the defaults on first use, then the administrator's to set) and a county's reviewing
departments (created with the defaults on first use, then renamed, ordered or retired here).
"""

from django.contrib import admin

from trail.admin import ReadOnlyAdmin

from .models import (
    Approval,
    CandidateRuleSettings,
    ElectionCommitteeMember,
    NegativeListItem,
    Nomination,
    PreviousTermMember,
    QualificationReview,
    ReviewUnit,
)


@admin.register(CandidateRuleSettings)
class CandidateRuleSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "cycle",
        "party_initial_ratio",
        "party_initial_rounding",
        "age_limits_hard",
        "notice_order",
    )
    raw_id_fields = ("cycle",)


@admin.register(NegativeListItem)
class NegativeListItemAdmin(ReadOnlyAdmin):
    """The defaults arrive on first use, a county's items through `add_negative_list_item`, which keeps the
    list to its limit."""

    list_display = ("number", "text", "region", "cycle")
    list_filter = ("cycle",)


@admin.register(ReviewUnit)
class ReviewUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "order", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "region__name")
    raw_id_fields = ("region",)


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ("resident", "position", "source", "votes", "state", "division_code")
    list_filter = ("body", "state")
    search_fields = ("resident__name", "division_code")
    raw_id_fields = ("election", "resident", "created_by")
    list_select_related = ("resident",)


@admin.register(QualificationReview)
class QualificationReviewAdmin(ReadOnlyAdmin):
    list_display = ("nomination", "kind", "unit", "verdict", "reviewer", "decided_at")
    list_filter = ("kind", "verdict")
    search_fields = ("unit", "nomination__resident__name")
    raw_id_fields = ("nomination", "requested_by", "reviewer")


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = ("nomination", "code", "state", "requested_by", "decided_by")
    list_filter = ("state", "code")
    raw_id_fields = ("nomination", "requested_by", "decided_by")


@admin.register(ElectionCommitteeMember)
class ElectionCommitteeMemberAdmin(ReadOnlyAdmin):
    list_display = ("resident", "election", "votes", "seated", "role")
    raw_id_fields = ("election", "resident", "replaces", "recorded_by")


@admin.register(PreviousTermMember)
class PreviousTermMemberAdmin(ReadOnlyAdmin):
    list_display = ("name", "election", "party_position", "committee_position")
    raw_id_fields = ("election", "resident")
