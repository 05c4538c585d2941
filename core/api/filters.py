"""The API's filter backend."""

from functools import lru_cache

from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend


@lru_cache(maxsize=512)
def _narrowed(filterset_class, names: frozenset[str]):
    narrowed = type(filterset_class.__name__, (filterset_class,), {})
    narrowed.base_filters = {
        name: f for name, f in filterset_class.base_filters.items() if name in names
    }
    if not any(_fields_follow_the_request(f) for f in narrowed.base_filters.values()):
        narrowed.get_form_class = _form_class_built_once
    return narrowed


def _fields_follow_the_request(filter_) -> bool:
    # The filters choosing among what the user may see (scoped_org_units and the like) take
    # their choices from a callable of the request.
    return callable(getattr(filter_, "queryset", None))


def _form_class_built_once(filterset):
    """django-filter builds a new form class on every request. A class is costly garbage:
    creating and collecting one per request showed in the slowest requests. The class only
    declares the fields; each form still deep-copies them, as every Django form does."""
    narrowed = type(filterset)
    if "_form_class" not in narrowed.__dict__:
        narrowed._form_class = super(narrowed, filterset).get_form_class()
    return narrowed._form_class


def _requested(name: str, params) -> bool:
    # Range filters read `<name>_min`/`_max`, `<name>_after`/`_before` and the like.
    return any(key == name or key.startswith(f"{name}_") for key in params)


class RequestedFiltersBackend(DjangoFilterBackend):
    """django-filter's backend, building only the filters the request names.

    A FilterSet deep-copies every declared filter and builds a form field for each on every
    request — the ledger declares twenty, an integration sends two, and that copying was a
    fixed cost of every page. A filter absent from the query string filters nothing, so
    leaving it out changes no result. The schema (drf-spectacular) and the browsable form
    still see every filter: only filter_queryset narrows. A narrowed set keeps its form class
    unless one of its filters takes its choices from the request (the user's scope).
    """

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "filterset_class", None) is None:
            # `filterset_fields`: django-filter builds a new class on each request, so there
            # is nothing to narrow once and keep.
            return super().filter_queryset(request, queryset, view)
        filterset_class = self.get_filterset_class(view, queryset)
        names = frozenset(
            n for n in filterset_class.base_filters if _requested(n, request.query_params)
        )
        filterset = _narrowed(filterset_class, names)(
            **self.get_filterset_kwargs(request, queryset, view)
        )
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        return filterset.qs
