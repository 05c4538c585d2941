from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import StaleVersionError


def exception_handler(exc, context):
    """DRF's handler, plus service-layer errors as JSON: validation → 400, stale → 409, a
    refused step → 403 with the service's own message (DRF's would say only "forbidden")."""
    if isinstance(exc, StaleVersionError):
        return Response(
            {"detail": exc.messages[0], "code": "stale_version"}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = ValidationError(detail)
    if isinstance(exc, DjangoPermissionDenied) and str(exc):
        exc = PermissionDenied(str(exc))
    if isinstance(exc, ProtectedError):
        return Response(
            {"detail": "该记录仍被其他数据引用，不能删除。", "code": "protected"},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Http404):
        return Response({"detail": "未找到。", "code": "not_found"}, status=404)
    return drf_exception_handler(exc, context)
