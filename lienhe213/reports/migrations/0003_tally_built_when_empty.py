"""A database with no link and no meeting yet (a new installation, a test database)
has its counts built: all zero. One upgraded with rows has them built by
``manage.py summaries --rebuild``; until then the reports count the rows live."""

from django.db import migrations
from django.utils import timezone


def built_when_empty(apps, schema_editor):
    ResidenceLink = apps.get_model("registry", "ResidenceLink")
    Meeting = apps.get_model("meetings", "Meeting")
    TallyState = apps.get_model("reports", "TallyState")
    if not ResidenceLink.objects.exists() and not Meeting.objects.exists():
        TallyState.objects.get_or_create(pk=1, defaults={"built_at": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_tally"),
        ("registry", "0004_import_batch"),
        ("meetings", "0002_follow_up_member"),
    ]

    operations = [migrations.RunPython(built_when_empty, migrations.RunPython.noop)]
