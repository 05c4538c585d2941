"""Serializer bases shared by the apps' APIs."""

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework import serializers
from rest_framework.relations import PrimaryKeyRelatedField, RelatedField

# Field classes (exactly these: subclasses such as MultipleChoiceField change the value) whose
# to_representation returns what the database returns for their model field unchanged.
_STORED_AS_JSON = frozenset(
    {
        serializers.BooleanField,
        serializers.CharField,
        serializers.ChoiceField,
        serializers.IntegerField,
    }
)


class ValuesRowSerializer(serializers.ModelSerializer):
    """A read-only row of a hot list, read with `QuerySet.values()` instead of model instances.

    On a ledger page, building a model instance per row (and one per select_related join),
    re-building the serializer's fields for each response and walking attributes field by
    field cost more than the SQL itself. Here each field's `source` becomes a values() lookup
    (`enterprise.name` → `enterprise__name`, a relation → its id) and the field's own
    `to_representation` formats the value, so a row reads the same as through the serializer
    — tests hold the two paths equal. The columns are built once per class, language and
    time zone: a datetime column carries the zone, which DRF would otherwise look up for each
    value, and a column built from a model field whose value the database already returns as
    its JSON type (a boolean, an integer, a string) is kept as stored.

    Only plain read-only fields and primary-key relations, depending on no context (no
    request, no user); anything else is refused when the class is first used.
    """

    @classmethod
    def value_columns(cls) -> list[tuple[str, str, object]]:
        """(output name, values() lookup, formatter or None for a value kept as stored)."""
        built = cls.__dict__.get("_value_columns")
        if built is None:
            built = cls._value_columns = {}
        key = (get_language(), timezone.get_current_timezone_name())
        if key not in built:
            built[key] = [cls._column(name, field) for name, field in cls().fields.items()]
        return built[key]

    @classmethod
    def _column(cls, name, field):
        if field.source == "*" or isinstance(
            field, (serializers.BaseSerializer, serializers.SerializerMethodField)
        ):
            raise ImproperlyConfigured(f"{cls.__name__}.{name}: not a column of the row")
        lookup = field.source.replace(".", "__")
        if isinstance(field, RelatedField):
            if not isinstance(field, PrimaryKeyRelatedField) or field.pk_field is not None:
                raise ImproperlyConfigured(f"{cls.__name__}.{name}: only plain id relations")
            return name, lookup, None
        if name not in cls._declared_fields and type(field) in _STORED_AS_JSON:
            return name, lookup, None
        if isinstance(field, serializers.DateTimeField) and not hasattr(field, "timezone"):
            field.timezone = field.default_timezone()
        return name, lookup, field.to_representation

    @classmethod
    def values(cls, queryset):
        """The queryset narrowed to the columns the rows need, as dicts."""
        return queryset.values(*dict.fromkeys(lookup for _, lookup, _ in cls.value_columns()))

    @classmethod
    def rows(cls, values) -> list[dict]:
        """The representation of rows read by `values()`."""
        columns = cls.value_columns()
        return [
            {
                name: value if value is None or formatter is None else formatter(value)
                for name, lookup, formatter in columns
                for value in (row[lookup],)
            }
            for row in values
        ]
