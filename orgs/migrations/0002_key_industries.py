from django.db import migrations


def add_key_industries(apps, schema_editor):
    from orgs.constants import KEY_INDUSTRIES

    Industry = apps.get_model("orgs", "Industry")
    for order, (code, name, gbt4754, high_risk) in enumerate(KEY_INDUSTRIES, start=1):
        Industry.objects.update_or_create(
            code=code,
            defaults={"name": name, "gbt4754": gbt4754, "high_risk": high_risk, "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [migrations.RunPython(add_key_industries, migrations.RunPython.noop)]
