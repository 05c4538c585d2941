from datetime import date

from django.db import migrations

# Seed 003 gives the four stages with their dates; every deployment starts with the campaign.
PHASES = [
    ("动员部署", date(2024, 2, 1), date(2024, 4, 30)),
    ("专项治理", date(2024, 5, 1), date(2025, 12, 31)),
    ("巩固提升", date(2026, 1, 1), date(2026, 9, 30)),
    ("总结评估", date(2026, 10, 1), date(2026, 12, 31)),
]


def add_campaign(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    Phase = apps.get_model("campaigns", "Phase")
    campaign, _ = Campaign.objects.update_or_create(
        name="安全生产治本攻坚三年行动",
        defaults={
            "short_name": "治本攻坚",
            "start": date(2024, 1, 1),
            "end": date(2026, 12, 31),
            "description": "安全生产治本攻坚三年行动（2024—2026年）",
        },
    )
    for order, (name, start, end) in enumerate(PHASES, start=1):
        Phase.objects.update_or_create(
            campaign=campaign,
            plan=None,
            name=name,
            defaults={"order": order, "start": start, "end": end},
        )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(add_campaign, migrations.RunPython.noop)]
