import re

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from orgs.constants import Level
from orgs.importers import load_divisions

PROVINCE_CODE = re.compile(r"^\d{2}(0000)?$")


class Command(BaseCommand):
    help = (
        "载入省、设区市、县(市、区)的名称、GB/T 2260区划代码和经纬度（数据来自cpca），"
        "可重复执行：已有的按区划代码更新。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            required=True,
            dest="provinces",
            metavar="CODE",
            help="省级区划代码（36 或 360000），可多次给出",
        )

    def handle(self, *args, provinces, **options):
        bad = [code for code in provinces if not PROVINCE_CODE.match(code)]
        if bad:
            raise CommandError(
                _("省级区划代码应为2位数字（如36）或6位（如360000）：%(codes)s")
                % {"codes": "、".join(bad)}
            )
        try:
            summary = load_divisions(provinces)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        by_level = "、".join(
            f"{level.label}{summary.by_level[level]}"
            for level in (Level.PROVINCE, Level.CITY, Level.COUNTY)
            if summary.by_level.get(level)
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "行政区划载入完成：新增%(created)d个%(detail)s，更新%(updated)d个，未变化%(unchanged)d个。"
                )
                % {
                    "created": summary.created,
                    "detail": f"（{by_level}）" if by_level else "",
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                }
            )
        )
