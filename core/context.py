"""Per-request context readable from models, signals and tasks without passing the request."""

import logging
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def set_request_id(value: str | None):
    return _request_id.set(value)


def reset_request_id(token) -> None:
    _request_id.reset(token)


class RequestIdLogFilter(logging.Filter):
    """Adds the current request id to every log record."""

    def filter(self, record):
        record.request_id = current_request_id() or "-"
        return True
