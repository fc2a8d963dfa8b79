"""Read-mostly admin: the flow changes only through the services (transitions, audit)."""

from django.contrib import admin

from .models import ApprovalStep, Meeting, Period, Proposal, Submission, Visit


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "status", "determined_at", "decree_number"]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "source", "village", "status", "status_since", "period"]
    list_filter = ["status", "kind", "source"]
    search_fields = ["village__code"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["id", "regency", "period", "status", "status_since", "decree_number"]
    list_filter = ["status"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "village", "held_on", "status"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["id", "proposal", "enumerator", "assigned_at", "visited_at", "result"]


@admin.register(ApprovalStep)
class ApprovalStepAdmin(ReadOnlyAdmin):
    list_display = ["at", "proposal", "submission", "action", "from_status", "to_status", "actor"]
