"""A national-size org tree and enterprise register, inserted set-wise.

Used by the benchmark (bench/tree_queries.py) and by the query-count tests
(tests/orgs/test_tree.py). Creating 40,000 nodes one by one through
orgs.services.create_org_unit would take minutes (a locked parent, a sibling lookup and two
writes per node); here each level is one bulk INSERT with the treebeard paths computed in
Python, plus one UPDATE giving each node its own id in its level's column — the same rows
create_org_unit would have written, minus the history.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F

from orgs.constants import Kind, Level
from orgs.models import Enterprise, Industry, OrgUnit
from orgs.validators import credit_code_check_char

# Province → city → county → township, with the fan-out of each level: 31 × 12 × 10 × 10
# gives 41,323 nodes, about the national count of 乡镇(街道) plus their superiors.
NATIONAL_SHAPE = ((Level.PROVINCE, 31), (Level.CITY, 12), (Level.COUNTY, 10), (Level.TOWNSHIP, 10))
BATCH_SIZE = 5000
# Labels are lazy translations; rendering one per node costs a second over the whole tree.
LEVEL_LABELS = {level: str(level.label) for level in Level}


@dataclass
class GeneratedTree:
    levels: dict[str, list[OrgUnit]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(nodes) for nodes in self.levels.values())

    def sample(self, level: str) -> OrgUnit:
        """A node from the middle of its level, away from the edges of the path space."""
        nodes = self.levels[level]
        return nodes[len(nodes) // 2]


def generate_tree(shape=NATIONAL_SHAPE) -> GeneratedTree:
    """Insert a regular tree of regions into an empty OrgUnit table."""
    if OrgUnit.objects.exists():
        # Generated division codes would collide with real ones; the tree needs its own table.
        raise RuntimeError("generate_tree needs an empty org tree (a throwaway database).")
    tree = GeneratedTree()
    parents: list[OrgUnit | None] = [None]
    for depth, (level, fanout) in enumerate(shape, start=1):
        children_each = shape[depth][1] if depth < len(shape) else 0
        nodes = [
            _node(parent, level, depth, position, children_each)
            for parent in parents
            for position in range(1, fanout + 1)
        ]
        OrgUnit.objects.bulk_create(nodes, batch_size=BATCH_SIZE)
        # A region carries its own id in its level's column (OrgUnit.refresh_level_ids).
        OrgUnit.objects.filter(level=level).update(**{f"{level}_id": F("id")})
        for node in nodes:
            setattr(node, f"{level}_id", node.pk)
        tree.levels[level] = nodes
        parents = nodes
    return tree


def _node(parent, level, depth, position, numchild) -> OrgUnit:
    parent_code = parent.division_code if parent else ""
    # GB/T 2260 shapes: 11‥41 0000 provinces, then 2 digits per city and county, 3 per township.
    code = {
        Level.PROVINCE: f"{10 + position:02d}0000",
        Level.CITY: f"{parent_code[:2]}{position:02d}00",
        Level.COUNTY: f"{parent_code[:4]}{position:02d}",
        Level.TOWNSHIP: f"{parent_code}{position:03d}",
    }[level]
    node = OrgUnit(
        path=OrgUnit._get_path(parent.path if parent else "", depth, position),
        depth=depth,
        numchild=numchild,
        name=f"{LEVEL_LABELS[level]}{code}",
        level=level,
        kind=Kind.REGION,
        division_code=code,
        parent=parent,
    )
    if parent is not None:
        node.refresh_level_ids(parent=parent)
    return node


def generate_enterprises(townships: list[OrgUnit], count: int) -> int:
    """`count` enterprises spread round-robin over the townships, every industry in turn."""
    industries = list(Industry.objects.order_by("sort_order"))
    batch = []
    for serial in range(count):
        township = townships[serial % len(townships)]
        industry = industries[serial % len(industries)]
        first17 = f"91{township.division_code[:6]}{serial:09d}"
        enterprise = Enterprise(
            org_unit=township,
            name=f"企业{serial:06d}",
            credit_code=first17 + credit_code_check_char(first17),
            industry=industry,
            high_risk=industry.high_risk,
            principal_name="张三",
            principal_phone="13800000000",
        )
        # bulk_create skips save(), which copies the location onto the row.
        enterprise.copy_location()
        batch.append(enterprise)
        if len(batch) == BATCH_SIZE:
            Enterprise.objects.bulk_create(batch)
            batch = []
    Enterprise.objects.bulk_create(batch)
    return count
