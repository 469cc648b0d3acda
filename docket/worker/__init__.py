"""The worker: ``docket worker`` runs queued tasks, sends the outbox and runs the schedule."""
