from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "docket.mail"
    verbose_name = "Mail"
