from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "docket.evidence"
    verbose_name = "Evidence"
