"""Uploaded evidence (photos from a phone camera, scanned PDFs), checked and stored safely.

Every app's file fields use `evidence_upload_to` and `validate_evidence`:
- only images and PDFs, recognised by their first bytes, never by the name the user gave;
- at most settings.EVIDENCE_MAX_BYTES;
- stored under MEDIA_ROOT with a random name the user does not control. MEDIA_ROOT is not
  served by the web server in production: files are streamed by views that check scope.
"""

import posixpath
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# (first bytes, extension). HEIC is what iPhones save by default.
SIGNATURES = (
    (b"\xff\xd8\xff", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"GIF87a", ".gif"),
    (b"GIF89a", ".gif"),
    (b"%PDF-", ".pdf"),
)
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".pdf": "application/pdf",
}


def sniff_extension(head: bytes) -> str | None:
    """The file's real type from its first 16 bytes, as an extension; None if not allowed."""
    for signature, extension in SIGNATURES:
        if head.startswith(signature):
            return extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ".webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return ".heic"
    return None


def validate_evidence(uploaded) -> str:
    """Check an uploaded file; returns its real extension or raises a Chinese ValidationError."""
    if uploaded.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("文件“%(name)s”过大（%(size).1f MB），单个文件不能超过%(limit)d MB。"),
            code="file_too_large",
            params={
                "name": uploaded.name,
                "size": uploaded.size / 1024 / 1024,
                "limit": settings.EVIDENCE_MAX_BYTES // 1024 // 1024,
            },
        )
    position = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(position)
    extension = sniff_extension(head)
    if extension is None:
        raise ValidationError(
            _("文件“%(name)s”不是图片（JPG、PNG、WebP、HEIC）或PDF文件。"),
            code="file_type",
            params={"name": uploaded.name},
        )
    # The stored name takes the real type's extension, whatever the user's file was called.
    uploaded.name = f"upload{extension}"
    return extension


def evidence_upload_to(instance, filename) -> str:
    """`<app>/<model>/<yyyy>/<mm>/<uuid><real extension>`: no part comes from the user."""
    extension = posixpath.splitext(filename)[1].lower()
    if extension not in CONTENT_TYPES:
        extension = ""
    now = timezone.now()
    meta = instance._meta
    return f"{meta.app_label}/{meta.model_name}/{now:%Y/%m}/{uuid.uuid4().hex}{extension}"


def content_type_for(name: str) -> str:
    return CONTENT_TYPES.get(posixpath.splitext(name)[1].lower(), "application/octet-stream")
