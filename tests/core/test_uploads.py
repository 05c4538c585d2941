"""Evidence uploads: type by content, size limit, names the user does not control."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import evidence_upload_to, validate_evidence
from orgs.models import Enterprise

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + b"0" * 100
HEIC = b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100


@pytest.mark.parametrize(
    ("name", "data", "extension"),
    [("现场照片.png", JPEG, ".jpg"), ("整改报告", PDF, ".pdf"), ("IMG_0001.HEIC", HEIC, ".heic")],
)
def test_real_type_decides(name, data, extension):
    upload = SimpleUploadedFile(name, data)
    assert validate_evidence(upload) == extension
    assert upload.name == f"upload{extension}"


@pytest.mark.parametrize(
    ("name", "data"),
    [("photo.jpg", b"MZ\x90\x00 windows executable"), ("a.pdf", b"<html><script>"), ("x.jpg", b"")],
)
def test_other_content_is_refused_whatever_its_name(name, data):
    with pytest.raises(ValidationError) as error:
        validate_evidence(SimpleUploadedFile(name, data))
    assert "不是图片" in error.value.messages[0]


def test_size_limit(settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        validate_evidence(SimpleUploadedFile("big.jpg", JPEG + b"\x00" * 2000))
    assert "不能超过" in error.value.messages[0]


def test_stored_name_is_random_and_keeps_only_a_known_extension():
    first = evidence_upload_to(Enterprise(), "upload.jpg")
    second = evidence_upload_to(Enterprise(), "upload.jpg")
    assert first != second and first.startswith("orgs/enterprise/") and first.endswith(".jpg")
    assert ".." not in evidence_upload_to(Enterprise(), "../../etc/passwd")
    assert evidence_upload_to(Enterprise(), "x.php").rsplit("/", 1)[1].count(".") == 0
