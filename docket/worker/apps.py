from __future__ import annotations

from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "docket.worker"
    label = "worker"
    verbose_name = "Worker"
