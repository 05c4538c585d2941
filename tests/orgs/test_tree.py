"""The tree's hot queries on a national-size tree (41,323 nodes): one query each, any depth."""

import pytest
from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import Substr

from bench.treegen import generate_tree
from orgs import services
from orgs.constants import Kind, Level
from orgs.models import OrgUnit

LEVELS = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP]
# Nodes in the subtree of a node at each level, itself included (31 × 12 × 10 × 10 shape).
SUBTREE_SIZES = {
    Level.PROVINCE: 1 + 12 + 120 + 1200,
    Level.CITY: 111,
    Level.COUNTY: 11,
    Level.TOWNSHIP: 1,
}


@pytest.fixture(scope="module")
def tree(django_db_setup, django_db_blocker):
    """One tree for the module (generating it takes seconds), rolled back at the end. Each
    test still runs in its own savepoint: conftest's autouse fixtures request `db`."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield generate_tree()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_generated_tree_is_what_create_org_unit_would_build(tree):
    assert tree.count == OrgUnit.objects.count() == 31 + 372 + 3720 + 37200
    # Set-wise checks (treebeard's find_problems() walks every node in Python: a minute here).
    assert not OrgUnit.objects.annotate(n=Count("children_units")).exclude(numchild=F("n"))
    assert not OrgUnit.objects.filter(depth__gt=1).exclude(
        parent__path=Substr("path", 1, (F("depth") - 1) * OrgUnit.steplen)
    )
    for level in LEVELS:
        assert not OrgUnit.objects.filter(level=level).exclude(**{f"{level}_id": F("id")})
    assert not OrgUnit.objects.filter(level=Level.TOWNSHIP).exclude(county_id=F("parent_id"))

    county = tree.sample(Level.COUNTY)
    added = services.create_org_unit(
        parent=county,
        name="新设镇",
        level=Level.TOWNSHIP,
        kind=Kind.REGION,
        division_code=county.division_code + "100",
    )
    assert added.path == OrgUnit._get_path(county.path, 4, 11)
    assert added.county_id == county.pk
    assert OrgUnit.objects.get_children_count(county) == 11


def test_subtree_and_ancestors_take_one_query_at_every_depth(tree, django_assert_num_queries):
    for depth, level in enumerate(LEVELS, start=1):
        node = tree.sample(level)
        with django_assert_num_queries(1):
            subtree = list(OrgUnit.objects.subtree(node))
        assert len(subtree) == SUBTREE_SIZES[level]
        assert {unit.path[: len(node.path)] for unit in subtree} == {node.path}

        # A province has no ancestors: Django answers `path IN ()` without asking the database.
        with django_assert_num_queries(1 if depth > 1 else 0):
            ancestors = list(OrgUnit.objects.ancestors_of(node))
        assert [unit.level for unit in ancestors] == LEVELS[: depth - 1]
        level_ids = [node.province_id, node.city_id, node.county_id]
        assert [unit.pk for unit in ancestors] == level_ids[: depth - 1]
