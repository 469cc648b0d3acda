from django.contrib import admin

from docket.directory.models import Body, Contact, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    search_fields = ["name"]


class ContactInline(admin.StackedInline[Contact, Body]):
    model = Contact
    extra = 0


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin[Body]):
    list_display = ["name", "kind", "area"]
    list_filter = ["tags", "kind"]
    search_fields = ["name", "area"]
    filter_horizontal = ["tags"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin[Contact]):
    list_display = ["full_name", "role", "body", "email"]
    list_filter = ["body__tags"]
    search_fields = ["full_name", "email", "body__name"]
    autocomplete_fields = ["body"]
