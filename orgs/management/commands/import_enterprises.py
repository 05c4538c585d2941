from django.core.management.base import BaseCommand

from core.importing import run_import_command
from orgs.importers import ENTERPRISE_COLUMNS, EnterpriseImporter


class Command(BaseCommand):
    help = (
        "从CSV或XLSX文件导入生产经营单位（按统一社会信用代码新增或更新）。列："
        + "、".join(column.title for column in ENTERPRISE_COLUMNS)
        + "。任何一行有误则列出全部错误，不写入任何数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE", help=".csv 或 .xlsx 文件")

    def handle(self, *args, path, **options):
        run_import_command(self, EnterpriseImporter(), path)
