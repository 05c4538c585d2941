"""The bulletins demo: the province's series with a published issue (numbered on from the
paper series, figures frozen from the rollups, sent to two cities, its PDF built) and a
draft; a second seed adds nothing.

The receiver runs on the `world` fixture's places and accounts (what seed_demo hands it
under the same names), so that this test does not depend on every other app's demo.
"""

from types import SimpleNamespace

import pytest

from reports import bulletin_demo, bulletins, rollups
from reports.models import Bulletin, BulletinSeries, DataBlock, PeriodKind
from tests.reports.tenancy_bulletins import current_generation, put_figures


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_demo_bulletins(world, django_capture_on_commit_callbacks):
    kind, _start, end = bulletins.default_period()
    period = rollups.period_for(kind, end)
    last = rollups.same_period_last_year(period)
    generation = current_generation(as_of=end)
    put_figures(generation, world.shangrao, kind, period.start, period.end, accidents=12)
    put_figures(generation, world.shangrao, kind, last.start, last.end, accidents=15)
    put_figures(generation, world.wannian, kind, period.start, period.end, hazards_found=40)
    demo = SimpleNamespace(
        units={unit.name: unit for unit in (world.jiangxi, world.nanchang, world.shangrao)},
        users={"province_admin": world.province_admin},
    )
    with django_capture_on_commit_callbacks(execute=True):
        bulletin_demo.on_demo_seeded(sender=None, world=demo)

    series = BulletinSeries.objects.get(title="江西应急管理简报")
    published = Bulletin.objects.get(series=series, status=Bulletin.Status.PUBLISHED)
    assert (published.issue_number, published.total_number, published.special_number) == (
        1,
        143,
        45,
    )
    assert published.pdf and published.pdf_version == published.version
    block = DataBlock.objects.get(article__bulletin=published, key="accidents")
    assert block.frozen_value["text"] == "全市发生事故12起，比上年同期少3起，下降20.00%"
    table = DataBlock.objects.get(article__bulletin=published, key="by_county").frozen_value
    assert table["rows"] == [{"unit": "万年县", "values": ["40", "0", "0"]}]
    assert bulletins.inbox_bulletins(world.city_official).get() == published
    assert Bulletin.objects.get(series=series, status=Bulletin.Status.DRAFT).period_kind in (
        PeriodKind.YTD,
        PeriodKind.YEAR,
    )

    bulletin_demo.on_demo_seeded(sender=None, world=demo)
    assert Bulletin.objects.filter(series=series).count() == 2
    assert BulletinSeries.objects.count() == 1
