from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "docket.documents"
    verbose_name = "Documents"
