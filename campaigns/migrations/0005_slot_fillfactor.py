from django.db import migrations

# Slots are updated in place all the time (reminders claimed, reports submitted and reviewed)
# and the table is the largest of the app (≈2M rows a province). With free room on each page
# PostgreSQL rewrites a row without touching its nine indexes when no indexed column changes
# (a HOT update): the reminder job's claim of 60,000 slots drops from 8 s to 2 s
# (BENCHMARKS.md). Other databases have no such setting.
FILLFACTOR = 80


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE campaigns_slot SET (fillfactor = {FILLFACTOR})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE campaigns_slot RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0004_reminder_schedule")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
