from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built concurrently: a deployed ledger of a million rows keeps taking writes meanwhile.
    atomic = False

    dependencies = [
        ("hazards", "0008_public_report_schedule"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="hazard",
            index=models.Index(
                condition=models.Q(("is_overdue", True), ("is_void", False)),
                fields=["deadline", "id"],
                name="hazards_overdue_by_deadline",
            ),
        ),
        AddIndexConcurrently(
            model_name="hazard",
            index=models.Index(
                condition=models.Q(
                    ("is_void", False),
                    ("listed_supervision", True),
                    models.Q(("status", "closed"), _negated=True),
                ),
                fields=["deadline", "id"],
                name="hazards_listed_by_deadline",
            ),
        ),
    ]
