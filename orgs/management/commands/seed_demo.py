import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from orgs.demo import accounts_table, seed


class Command(BaseCommand):
    help = (
        "建立演示数据：江西省、安徽省的行政区划，演示乡镇、部门、生产经营单位和演示账号。"
        "可重复执行，已有的数据不会重复创建。"
    )

    def handle(self, *args, **options):
        world = seed(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                _("演示数据已就绪：%(units)d个乡镇(街道)，%(enterprises)d家生产经营单位。")
                % {"units": len(world.townships), "enterprises": len(world.enterprises)}
            )
        )
        self.stdout.write(
            _("演示账号（密码均为 %(password)s）：") % {"password": settings.DEMO_PASSWORD}
        )
        for username, full_name, where, role in accounts_table(world):
            self.stdout.write(f"  {username:<18}{_pad(full_name, 8)}{_pad(role, 12)}{where}")


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal, where a Chinese character takes two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 1)
