from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "docket.directory"
    verbose_name = "Directory"
