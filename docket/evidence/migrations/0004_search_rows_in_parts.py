"""Index rows longer than 20,000 characters are split into parts, as the index now writes them
(docket.evidence.indexing.PART_CHARS): a snippet reads its whole row, so one row of a long text file held
a search for minutes. The split is written out here, as it was when this migration was made."""

import copy

from django.db import migrations
from django.db.models.functions import Length

PART_CHARS = 20_000


def parts(text):
    start = 0
    while len(text) - start > PART_CHARS:
        limit = start + PART_CHARS
        cut = max(text.rfind(" ", start, limit), text.rfind("\n", start, limit))
        end = cut + 1 if cut > start else limit
        yield text[start:end]
        start = end
    yield text[start:]


def split_long_rows(apps, schema_editor):
    SearchEntry = apps.get_model("evidence", "SearchEntry")
    long_rows = SearchEntry.objects.annotate(chars=Length("text")).filter(chars__gt=PART_CHARS)
    for pk in list(long_rows.values_list("pk", flat=True)):
        row = SearchEntry.objects.get(pk=pk)
        first, *rest = [part for part in parts(row.text) if part.strip()] or [""]
        copies = []
        for part in rest:
            twin = copy.copy(row)
            twin.pk, twin.text = None, part
            copies.append(twin)
        row.text = first
        row.save(update_fields=["text"])
        SearchEntry.objects.bulk_create(copies, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0003_theme_summaries_quotations"),
    ]

    operations = [
        migrations.RunPython(split_long_rows, migrations.RunPython.noop, elidable=True),
    ]
