"""Certificate numbers that are ID numbers are protected like Person's ID numbers.

Every existing number gets its keyed hash (uniqueness and exact search now use it); a number
that is a valid ID number is encrypted and replaced by its mask, in the certificate and in
every history row, so no copy stays in clear.
"""

from django.core.exceptions import ValidationError
from django.db import migrations, models

from training import idnumbers


def protect(apps, schema_editor):
    Certificate = apps.get_model("training", "Certificate")
    Historical = apps.get_model("training", "HistoricalCertificate")
    masks = {}
    for certificate in Certificate.objects.only("pk", "number").iterator(chunk_size=1000):
        number = idnumbers.normalise(certificate.number)
        certificate.number_hash = idnumbers.lookup_hash(number)
        update = ["number_hash"]
        if idnumbers.looks_like_id_number(number):
            try:
                idnumbers.validate_id_number(number)
            except ValidationError:
                pass  # A mistyped number stays as it was.
            else:
                certificate.number_encrypted = idnumbers.encrypt(number)
                certificate.number = masks[number] = idnumbers.mask(number[-4:])
                update += ["number", "number_encrypted"]
        certificate.save(update_fields=update)
    for number, masked in masks.items():
        Historical.objects.filter(number__iexact=number).update(number=masked)


class Migration(migrations.Migration):
    dependencies = [("training", "0003_beat_schedule")]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="number_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificate",
            name="number_encrypted",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(protect, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="certificate", name="training_certificate_unique_number"
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                fields=("kind", "number_hash"),
                name="training_certificate_unique_number",
                violation_error_message="该证书编号已登记。",
            ),
        ),
    ]
