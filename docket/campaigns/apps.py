from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "docket.campaigns"
    verbose_name = "Campaigns"
