"""The generic test mixins' machinery: discovery of every URL pattern.

The tenancy suites (tests/test_tenancy_api.py, tests/test_tenancy_routes.py) walk every
route found here, so a new route is covered — or fails the suite — without anyone
remembering to add a test.
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str | None
    callback: object

    @property
    def view_class(self):
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    @property
    def actions(self) -> dict:
        """DRF viewset routes: HTTP method → viewset action."""
        return getattr(self.callback, "actions", None) or {}

    @property
    def has_pk(self) -> bool:
        return "<pk>" in self.pattern or "<int:pk>" in self.pattern

    def url(self, pk=None) -> str:
        path = self.pattern
        for token in ("<int:pk>", "<pk>"):
            path = path.replace(token, str(pk))
        return "/" + path


def _normalise(pattern: str) -> str:
    """DRF routers write regexes (`^x/(?P<pk>[^/.]+)/$`); bring them to path syntax."""
    return pattern.replace("(?P<pk>[^/.]+)", "<pk>").replace("^", "").replace("$", "")


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + _normalise(str(entry.pattern)), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield Route(prefix + _normalise(str(entry.pattern)), name, entry.callback)


def all_routes():
    return list(_walk(get_resolver().url_patterns))


def api_routes():
    """/api/v1/ routes, without DRF's format-suffix duplicates."""
    return [
        r for r in all_routes() if r.pattern.startswith("api/v1/") and "format" not in r.pattern
    ]


# Not application pages: Django's own admin (superusers only), static and media serving.
NON_APP_PREFIXES = ("api/", "django-admin/", "static/", "media/")


def html_routes():
    return [r for r in all_routes() if not r.pattern.startswith(NON_APP_PREFIXES)]
