from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "docket.requests"
    label = "requests"
    verbose_name = "Requests"
