from django.db import migrations, models
from django.utils.text import slugify


def give_slugs(apps, schema_editor):
    """Each body its slug, the oldest first, so that existing public addresses stay as they were."""
    Body = apps.get_model("directory", "Body")
    used = set()
    for body in Body.objects.order_by("pk"):
        base = slugify(body.name)[:200] or "body"
        slug, number = base, 1
        while slug in used:
            number += 1
            slug = f"{base}-{number}"
        used.add(slug)
        body.slug = slug
        body.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_names_are_one_line")]

    operations = [
        migrations.AddField(
            model_name="body",
            name="slug",
            field=models.SlugField(default="", editable=False, max_length=220),
            preserve_default=False,
        ),
        migrations.RunPython(give_slugs, migrations.RunPython.noop),
    ]
