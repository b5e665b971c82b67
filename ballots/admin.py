"""Administration of the ballots app: only the cycle's counting rules are edited here.

Everything else of election night (boxes, sheets, entries, results) is written by `ballots.services`, which
check the role, the stage and the rule; the admin never edits that state.
"""

from django.contrib import admin

from .models import CountingRuleSettings


@admin.register(CountingRuleSettings)
class CountingRuleSettingsAdmin(admin.ModelAdmin):
    list_display = ("cycle", "turnout_share", "elected_share", "further_round_share", "reserved_women_seat")
    raw_id_fields = ("cycle",)
