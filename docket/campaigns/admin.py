from django.contrib import admin

from docket.campaigns.models import Campaign, Office, Recipient, RecipientItem, Reference, RequestedItem


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin[Office]):
    list_display = ["name", "signatory_name", "coordinator_name"]


class ReferenceInline(admin.TabularInline[Reference, Campaign]):
    model = Reference
    extra = 0


class RequestedItemInline(admin.TabularInline[RequestedItem, Campaign]):
    model = RequestedItem
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin[Campaign]):
    list_display = ["title", "slug", "status", "letter_date", "recipient_count"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ReferenceInline, RequestedItemInline]

    @admin.display(description="recipients")
    def recipient_count(self, campaign: Campaign) -> int:
        return campaign.recipients.count()


class RecipientItemInline(admin.TabularInline[RecipientItem, Recipient]):
    model = RecipientItem
    extra = 0
    raw_id_fields = ["evidence"]  # not a list of every attachment in the office


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin[Recipient]):
    list_display = ["contact", "campaign", "fields"]
    list_filter = ["campaign"]
    search_fields = ["contact__full_name", "contact__body__name"]
    autocomplete_fields = ["contact"]
    inlines = [RecipientItemInline]
