from django.db import migrations, models

# Free-text names written before kinds were typed, where they differ from today's kinds.
# Every other name written until now (create, approve, letter_uncertain, publication_made_private, …)
# was built from the same words and is already the value of its kind.
LEGACY = {
    "publication_made private": "publication_made_private",
}


def type_old_names(apps, schema_editor):
    Event = apps.get_model("requests", "Event")
    for old, new in LEGACY.items():
        Event.objects.filter(kind=old).update(kind=new)


class Migration(migrations.Migration):
    dependencies = [("requests", "0002_rename_request_inforequest")]

    operations = [
        migrations.RenameField("event", "action", "kind"),
        migrations.RunPython(type_old_names, migrations.RunPython.noop),
    ]
