"""Tenancy registry entries of supervision groups, inspections and their photos (merged by
tests/tenancy.py): 罗亭镇's objects from tests/inspections/factories.py."""

from inspections.models import ChecklistPhoto, Inspection, SupervisionGroup, SupervisionSchedule
from tests.inspections.factories import core_world

SIBLING_OBJECTS = {
    SupervisionGroup: (lambda w: core_world(w).sibling_group, lambda obj: obj.name),
    Inspection: (lambda w: core_world(w).sibling_inspection, lambda obj: obj.summary),
    ChecklistPhoto: (lambda w: core_world(w).sibling_photo, lambda obj: obj.original_name),
    SupervisionSchedule: (lambda w: core_world(w).sibling_schedule, lambda obj: obj.note),
}

UNSCOPED_API_ROUTES = {
    "api/v1/checklist-templates/": "reference data (检查表, as 判定标准), identical for every user",
    "api/v1/checklist-templates/<pk>/": "reference data, identical for every user",
}
