from django.contrib import admin

from docket.mail.models import OutboxMessage, ServerLimit


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


@admin.register(ServerLimit)
class ServerLimitAdmin(admin.ModelAdmin[ServerLimit]):
    """A mail provider's limits, honoured by every worker (docket/mail/limits.py): set them once, for the server
    named as in DOCKET_SMTP_URL (host:port)."""

    list_display = ["server", "messages_per_minute", "recipients_per_day"]
    search_fields = ["server"]
