from django.contrib import admin

from docket.publishing.models import Publication, RedactionRule


@admin.register(RedactionRule)
class RedactionRuleAdmin(admin.ModelAdmin[RedactionRule]):
    list_display = ["pattern", "is_regex", "scope", "reason", "active"]
    list_filter = ["scope", "active"]
    search_fields = ["pattern", "reason"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin[Publication]):
    """Read-only: publication changes through its named actions (the request page)."""

    list_display = ["__str__", "kind", "state", "embargo_until", "published_at", "redactions"]
    list_filter = ["state", "kind"]
    readonly_fields = [f.name for f in Publication._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
