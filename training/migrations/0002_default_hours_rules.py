from decimal import Decimal

from django.db import migrations

# A copy of training.constants.DEFAULT_HOURS_RULES as of this migration: later edits to the
# constant must not rewrite history. (category, high risk, initial hours, yearly hours)
RULES = [
    ("principal", False, Decimal(32), Decimal(12)),
    ("principal", True, Decimal(48), Decimal(16)),
    ("safety_manager", False, Decimal(32), Decimal(12)),
    ("safety_manager", True, Decimal(48), Decimal(16)),
    ("worker", True, Decimal(72), Decimal(20)),
]


def seed(apps, schema_editor):
    HoursRule = apps.get_model("training", "HoursRule")
    for category, high_risk, initial, annual in RULES:
        HoursRule.objects.get_or_create(
            category=category,
            high_risk=high_risk,
            defaults={"initial_hours": initial, "annual_hours": annual},
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
