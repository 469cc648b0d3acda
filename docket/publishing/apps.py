from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "docket.publishing"
    verbose_name = "Publication"
