from django.core.management.base import BaseCommand

from core.importing import run_import_command
from orgs.importers import OrgUnitImporter


class Command(BaseCommand):
    help = (
        "从CSV或XLSX文件导入乡镇(街道)：列为 上级区划代码、区划代码、名称、简称、经度、纬度。"
        "任何一行有误则列出全部错误，不写入任何数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE", help=".csv 或 .xlsx 文件")

    def handle(self, *args, path, **options):
        run_import_command(self, OrgUnitImporter(), path)
