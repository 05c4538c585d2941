import re
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

from core.context import reset_request_id, set_request_id
from core.models import new_request_id

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9\-]{8,36}$")


class RequestIdMiddleware:
    """Gives every request an id, echoed in `X-Request-ID`, written into history and logs.

    An id sent by a trusted proxy is kept so that one action can be followed across systems.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _VALID_REQUEST_ID.match(incoming) else new_request_id()
        token = set_request_id(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request.request_id
        return response


class IdleSessionTimeoutMiddleware:
    """Ends a browser session after SESSION_IDLE_TIMEOUT seconds without a request."""

    session_key = "last_activity"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(self.session_key)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("您已长时间未操作，请重新登录。"))
            else:
                request.session[self.session_key] = now
        return self.get_response(request)
