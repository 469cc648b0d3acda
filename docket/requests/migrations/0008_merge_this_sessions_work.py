# One merge of the event changes made side by side: campaign-scoped events, the evidence ledger's
# kinds, coding's kinds, and the eye check of a document with no readable text.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("requests", "0007_campaign_events"),
        ("requests", "0007_evidence_events"),
        ("requests", "0007_ledger_events"),
        ("requests", "0007_publication_checked_by_eye_event"),
    ]

    operations = []
