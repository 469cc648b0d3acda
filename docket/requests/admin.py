from django.contrib import admin

from docket.requests.models import Event, InfoRequest


class EventInline(admin.TabularInline[Event, InfoRequest]):
    model = Event
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor_name", "kind", "from_state", "to_state", "note")
    fields = ("at", "actor_name", "kind", "from_state", "to_state", "note")

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(InfoRequest)
class RequestAdmin(admin.ModelAdmin[InfoRequest]):
    """Read-only: a request changes state only through its named actions (the workspace, the commands)."""

    list_display = ["__str__", "campaign", "state", "sent_at", "due_date", "chasers_sent"]
    list_filter = ["campaign", "state"]
    search_fields = ["recipient__contact__full_name", "recipient__contact__body__name"]
    readonly_fields = ["campaign", "recipient", "state", "sent_at", "due_date", "chasers_sent"]
    exclude = ["last_chased_at", "chasing_enabled"]
    inlines = [EventInline]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
