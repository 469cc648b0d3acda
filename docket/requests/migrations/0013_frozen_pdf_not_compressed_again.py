"""PostgreSQL keeps a frozen letter's PDF as it is, without trying to compress it.

A PDF's contents are compressed already (Typst deflates its streams and subsets its fonts), so the
compression PostgreSQL tries on every large value (pglz, through TOAST) is spent for nothing: it
was about 0.6 ms of the database's CPU a letter queued (bench/queue.py; issue 15's note). ``EXTERNAL``
keeps the value out of line, as before, uncompressed. SQLite has no such setting.
"""

from django.db import migrations


def _storage(kind: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("requests", "FrozenLetter")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN pdf SET STORAGE {kind}")

    return run


class Migration(migrations.Migration):
    dependencies = [("requests", "0012_send_again_event")]

    operations = [migrations.RunPython(_storage("EXTERNAL"), _storage("EXTENDED"))]
