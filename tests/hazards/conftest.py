"""Helpers of the hazard tests; `world` and `api_for` come from tests/conftest.py."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hazards import services
from hazards.models import Hazard, HazardCriterion

# The smallest valid files of each kind the ledger accepts, recognised by their first bytes.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

PLAN = {
    "responsible_person": "张伟",
    "responsible_phone": "13907910001",
    "measures": "更换失效的可燃气体报警探头，接入DCS并联锁紧急切断阀",
    "funds": Decimal("12.50"),
    "contingency_plan": "整改期间储罐区停止装卸作业，现场配备便携式检测仪和消防器材",
}


def photo(name="现场照片.jpg"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name="整改验收报告.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def fake_photo(name="伪装照片.jpg"):
    return SimpleUploadedFile(name, b"MZ\x90\x00 not an image", content_type="image/jpeg")


def plan(**extra):
    return {**PLAN, "deadline": timezone.localdate() + timedelta(days=30), **extra}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Uploads land in a temporary MEDIA_ROOT, never in the checkout.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def criterion(db):
    return HazardCriterion.objects.get(standard__startswith="化工和危险化学品", clause="第十二项")


@pytest.fixture
def report(world, criterion):
    """Report a hazard of an enterprise (default 招贤镇化工) as `user` (default township
    staff): the service every channel uses."""

    def make(enterprise=None, user=None, files=(), **data):
        enterprise = enterprise or world.ent_zhaoxian
        values = {
            "enterprise": enterprise,
            "grade": Hazard.Grade.MAJOR,
            "source": Hazard.Source.SUPERVISION,
            "description": "储罐区可燃气体检测报警装置失效",
            "place": "1号储罐区",
            "found_date": date(2024, 5, 6),
            **data,
        }
        return services.report_hazard(values, user=user or world.township_staff, files=files)

    return make


@pytest.fixture
def rectifying(world, report, criterion):
    """A confirmed major hazard of 招贤镇 with its 五落实, under rectification."""
    hazard = report()
    hazard = services.confirm(hazard, user=world.township_staff, criterion=criterion)
    hazard = services.set_rectification_plan(hazard, plan(), user=world.enterprise_user)
    return services.start_rectification(hazard, user=world.enterprise_user)


@pytest.fixture
def requested(world, rectifying):
    return services.request_close_out(
        rectifying, user=world.enterprise_user, note="已更换", files=[photo()]
    )


def workbook_bytes(rows, header):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
