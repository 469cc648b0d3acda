from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "docket.web"
    verbose_name = "Workspace"
