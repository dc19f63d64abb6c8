"""On PostgreSQL, a trigram index on the members' folded names (``pg_trgm``, a trusted
extension since PostgreSQL 13): a search for a rare name ("tran thi thu") starts from
the few members whose name holds its trigrams instead of walking a province's members
in name order (ADR 0021). SQLite has no such index and needs none at a province's
size; there the migration does nothing."""

from django.db import migrations

INDEX = "members_member_search_text_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON members_member "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("members", "0003_member_anonymised_on")]

    operations = [migrations.RunPython(create, drop)]
