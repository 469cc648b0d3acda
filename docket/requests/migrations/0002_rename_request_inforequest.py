from django.db import migrations


class Migration(migrations.Migration):
    """The model ``Request`` becomes ``InfoRequest``: the same rows, a name that does not collide
    with the web request every view is given."""

    dependencies = [
        ("requests", "0001_requests_letters_events"),
        ("campaigns", "0001_offices_campaigns_recipients"),
    ]

    operations = [
        migrations.RenameModel("Request", "InfoRequest"),
        migrations.AlterModelOptions(
            name="inforequest",
            options={"ordering": ["campaign", "recipient__contact__body__name"], "verbose_name": "request"},
        ),
    ]
