"""Accidents in the generic tenancy suites: 罗亭镇's accident (tests/accidents/factories.py)."""

from accidents.models import Accident
from tests.accidents.factories import accidents_world

SIBLING_OBJECTS = {
    Accident: (lambda w: accidents_world(w).sibling, lambda obj: obj.title),
}
