"""Reading django-simple-history rows for people: who changed what, from what, to what.

Pages list history rows and, for each, the fields that changed since the same object's
previous row. Done naively (`record.prev_record`, related objects read one by one) that is
several queries per row; here the previous rows and every related object named in the
changes are fetched in a fixed number of queries, whatever the number of rows.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    record: Any
    changes: list[FieldChange] = field(default_factory=list)


def with_previous(queryset):
    """Annotate each history row with `previous_history_id`: the same object's row before it."""
    model = queryset.model
    object_id = model.instance_type._meta.pk.attname
    previous = (
        model._default_manager.filter(
            **{object_id: OuterRef(object_id)}, history_id__lt=OuterRef("history_id")
        )
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    return queryset.annotate(previous_history_id=Subquery(previous))


def describe(records, *, excluded_fields=()) -> list[HistoryEntry]:
    """Entries for history rows annotated by `with_previous`, all of one historical model.

    Fields derived from others (copies of the location, counters) belong in
    `excluded_fields`, so that only what a person changed is listed.
    """
    records = list(records)
    if not records:
        return []
    model = type(records[0])
    rows = {record.history_id: record for record in records}
    missing = {r.previous_history_id for r in records} - set(rows) - {None}
    if missing:
        rows.update(model._default_manager.in_bulk(missing, field_name="history_id"))

    # Compared here rather than with `record.diff_against(previous)`, which leaves out fields
    # that forms cannot edit, such as OrgUnit.parent: a move would go unseen.
    skipped = {*excluded_fields, model.instance_type._meta.pk.name}
    fields = [f for f in model.tracked_fields if f.name not in skipped]
    deltas = []
    for record in records:
        previous = rows.get(record.previous_history_id)
        changes = []
        if record.history_type == "~" and previous is not None:
            for f in fields:
                old, new = getattr(previous, f.attname), getattr(record, f.attname)
                if old != new:
                    changes.append((f.name, old, new))
        deltas.append(changes)

    related = _related_objects(model, deltas)
    return [
        HistoryEntry(
            record=record,
            changes=[
                FieldChange(
                    label=str(model._meta.get_field(name).verbose_name),
                    old=_display(model, name, old, related),
                    new=_display(model, name, new, related),
                )
                for name, old, new in changes
            ],
        )
        for record, changes in zip(records, deltas, strict=True)
    ]


def _related_objects(model, deltas) -> dict:
    """The objects named by foreign-key changes: one query per related model."""
    wanted = defaultdict(set)
    for changes in deltas:
        for name, old, new in changes:
            model_field = model._meta.get_field(name)
            if model_field.is_relation:
                wanted[model_field.related_model].update(v for v in (old, new) if v is not None)
    return {
        related_model: related_model._base_manager.in_bulk(ids)
        for related_model, ids in wanted.items()
    }


def _display(model, name, value, related) -> str:
    model_field = model._meta.get_field(name)
    if value is None or value == "":
        return _("（空）")
    if model_field.is_relation:
        obj = related.get(model_field.related_model, {}).get(value)
        return str(obj) if obj is not None else _("（已删除：%(id)s）") % {"id": value}
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)
