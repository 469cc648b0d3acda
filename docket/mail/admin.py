from django.contrib import admin

from docket.mail.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    """Read-only: the outbox is changed by the sender and by the named actions (confirm, resend)."""

    list_display = ["message_id", "kind", "state", "envelope_to", "attempts", "sent_at", "bounced_at"]
    list_filter = ["state", "kind"]
    search_fields = ["message_id", "envelope_to", "subject"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
