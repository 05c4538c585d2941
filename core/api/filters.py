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
    return narrowed


def _requested(name: str, params) -> bool:
    # Range filters read `<name>_min`/`_max`, `<name>_after`/`_before` and the like.
    return any(key == name or key.startswith(f"{name}_") for key in params)


class RequestedFiltersBackend(DjangoFilterBackend):
    """django-filter's backend, building only the filters the request names.

    A FilterSet deep-copies every declared filter and builds a form field for each on every
    request — the ledger declares twenty, an integration sends two, and that copying was a
    fixed cost of every page. A filter absent from the query string filters nothing, so
    leaving it out changes no result. The schema (drf-spectacular) and the browsable form
    still see every filter: only filter_queryset narrows.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        names = frozenset(
            n for n in filterset_class.base_filters if _requested(n, request.query_params)
        )
        filterset = _narrowed(filterset_class, names)(
            **self.get_filterset_kwargs(request, queryset, view)
        )
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        return filterset.qs
