"""The citizens' side: the public form and API, the receipt, the status by receipt code, and
what keeps abuse out — rate limit per address, honeypot, photo checked by content — with
nothing stored for a refused submission."""

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from core.models import Notification
from hazards import report_services
from hazards.api.report_views import PublicThrottle
from hazards.models import PublicReport, ReporterIdentity
from tests.hazards.conftest import PDF, fake_photo, photo
from tests.hazards.tenancy_reports import REPORTER_NAME, REPORTER_PHONE

FORM = "/public/report/"
API = "/api/v1/public/reports/"


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    # The rate limit and the throttles count in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


def form_data(world, **extra):
    return {
        "county": world.wanli.pk,
        "township": world.zhaoxian.pk,
        "location_text": "招贤镇农贸市场东侧",
        "description": "市场东侧仓库存放大量液化气钢瓶，无人看管",
        "reporter_name": REPORTER_NAME,
        "reporter_contact": REPORTER_PHONE,
        "website": "",
        **extra,
    }


def assert_nothing_stored(tmp_media):
    assert not PublicReport.objects.exists()
    assert not ReporterIdentity.objects.exists()
    assert not Notification.objects.exists()
    assert not any(path.is_file() for path in tmp_media.rglob("*"))


def test_citizen_files_a_report_and_checks_it_by_receipt(world, settings):
    client = Client()
    page = client.get(FORM)
    assert page.status_code == 200
    assert "湾里管理局" in page.content.decode()
    # The townships of the picked county, for the form's second select.
    options = client.get("/public/report/regions/", {"county": world.wanli.pk}).content.decode()
    assert "招贤镇" in options and "罗亭镇" in options and "陈营镇" not in options

    response = client.post(FORM, {**form_data(world), "photo": photo("现场.jpg")})
    assert response.status_code == 302 and response["Location"] == "/public/report/receipt/"
    report = PublicReport.objects.get()
    assert report.org_unit == world.zhaoxian
    assert report.status == PublicReport.Status.RECEIVED
    assert report.photo.name.endswith(".png")  # named by its content, not by the citizen
    assert report.reporter_identity.name == REPORTER_NAME
    assert report.ip_hash and "127.0.0.1" not in report.ip_hash

    receipt = client.get(response["Location"]).content.decode()
    formatted = report_services.format_receipt(report.receipt_code)
    assert formatted in receipt
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{12}", report.receipt_code)

    # Anyone with the code — typed in lower case, with spaces — sees the stage and dates only.
    typed = formatted.lower().replace("-", " ")
    status = Client().get("/public/report/status/", {"receipt": typed}).content.decode()
    assert "已受理，等待核查" in status
    for secret in (REPORTER_NAME, REPORTER_PHONE, report.description, report.location_text):
        assert secret not in status
    unknown = Client().get("/public/report/status/", {"receipt": "ABCD-EFGH-JKMN"})
    assert "未找到该回执码" in unknown.content.decode()

    # The township's staff are told, without the reporter.
    notice = Notification.objects.get(recipient=world.township_staff)
    assert report.receipt_code in notice.title
    assert REPORTER_NAME not in notice.title + notice.body
    assert REPORTER_PHONE not in notice.title + notice.body


def test_refused_submissions_store_nothing(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_MAX_BYTES = 1024
    client = Client()
    refusals = [
        ({"website": "http://spam.example"}, "提交未通过校验"),
        ({"photo": fake_photo()}, "不是图片"),
        ({"photo": SimpleUploadedFile("大图.jpg", b"\xff\xd8\xff" + b"\0" * 4096)}, "过大"),
        ({"photo": SimpleUploadedFile("报告.pdf", PDF)}, "请上传照片"),
        ({"description": ""}, "该字段是必填项"),
        ({"description": "有隐患"}, "至少5个字"),
        ({"township": world.chenying.pk}, "选择一个有效的选项"),
    ]
    for extra, message in refusals:
        response = client.post(FORM, form_data(world, **extra))
        assert response.status_code == 200, extra
        assert message in response.content.decode(), (extra, message)
        assert_nothing_stored(tmp_path / "media")


def test_rate_limit_counts_per_address(world):
    limited = Client(REMOTE_ADDR="198.51.100.7")
    for index in range(report_services.REPORTS_PER_HOUR):
        response = limited.post(FORM, form_data(world, description=f"第{index}条：仓库堆放钢瓶"))
        assert response.status_code == 302
    refused = limited.post(FORM, form_data(world, description="第六条：仓库堆放钢瓶"))
    assert "提交过于频繁" in refused.content.decode()
    assert PublicReport.objects.count() == report_services.REPORTS_PER_HOUR
    assert not PublicReport.objects.filter(description__startswith="第六条").exists()
    # Another address is not held back; the counts are kept under hashes, not addresses.
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert other.post(FORM, form_data(world)).status_code == 302
    assert not any("198.51.100" in str(key) for key in cache._cache)


def test_public_api_files_and_answers_by_receipt(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = APIClient()
    payload = {
        "org_unit": world.luoting.pk,
        "description": "罗亭镇某工地塔吊力矩限制器被拆除",
        "location_text": "罗亭镇工业大道工地",
        "reporter_contact": REPORTER_PHONE,
    }
    created = client.post(API, payload, format="json")
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {
        "receipt_code",
        "status",
        "status_display",
        "received_at",
        "concluded_at",
        "rewarded",
        "reward_paid",
    }
    status = client.get(f"{API}{body['receipt_code']}/")
    assert status.status_code == 200 and status.json()["status"] == "received"
    assert REPORTER_PHONE not in status.content.decode()
    missing = client.get(f"{API}ABCDEFGHJKMN/")
    assert missing.status_code == 404 and "未找到该回执码" in missing.json()["detail"]

    # Refusals are JSON in Chinese, and nothing is stored for them.
    trap = client.post(API, {**payload, "website": "x"}, format="json")
    assert trap.status_code == 400 and "提交未通过校验" in str(trap.json())
    fake = client.post(API, {**payload, "photo": fake_photo()}, format="multipart")
    assert fake.status_code == 400 and "不是图片" in str(fake.json()["photo"])
    not_region = client.post(API, {**payload, "org_unit": 999_999_999}, format="json")
    assert not_region.status_code == 400 and "请选择隐患所在地区" in str(not_region.json())
    assert PublicReport.objects.count() == 1
    assert not any(path.is_file() for path in (tmp_path / "media").rglob("*"))


def test_public_api_is_throttled(world, monkeypatch):
    monkeypatch.setattr(
        PublicThrottle,
        "THROTTLE_RATES",
        {**PublicThrottle.THROTTLE_RATES, "public_report_status": "3/hour"},
    )
    client = APIClient()
    for _attempt in range(3):
        assert client.get(f"{API}ABCDEFGHJKMN/").status_code == 404
    throttled = client.get(f"{API}ABCDEFGHJKMN/")
    assert throttled.status_code == 429
    assert "detail" in throttled.json()
