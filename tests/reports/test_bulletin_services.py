"""Bulletins through reports.bulletins: numbering at publication (consecutive under
concurrency, the year restart, the cumulative total, 专刊), data blocks computed from the
rollups and frozen at publication, drafts only editable, the inbox and its notification."""

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from core.models import Notification
from reports import bulletins
from reports.models import Bulletin, BulletinSeries, DataBlock, PeriodKind
from tests.reports.tenancy_bulletins import current_generation, draft, put_figures

SEED_BODY = (
    "自今年5月实施安全生产专项整治三年行动以来，安全生产形势进一步稳定向好。"
    "今年1-9月，{{accidents}}；{{deaths}}。"
)
SEED_BLOCKS = [
    {"key": "accidents", "kind": "sentence", "metrics": ["accidents"]},
    {"key": "deaths", "kind": "sentence", "metrics": ["accident_deaths"]},
]
THIS_YEAR = (PeriodKind.YTD, date(2024, 1, 1), date(2024, 9, 30))
LAST_YEAR = (PeriodKind.YTD, date(2023, 1, 1), date(2023, 9, 30))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def series(world):
    """The seed's series, brought into the system in 2020 (before the issues dated below)."""
    series = bulletins.save_series(
        world.province_admin,
        {
            "title": "江西应急管理简报",
            "org_unit": world.jiangxi,
            "issuer_name": "江西省安全生产委员会办公室",
            "special_name": "省安全生产专项整治三年行动专刊",
        },
    )
    assert series.current_year == date.today().year
    BulletinSeries.objects.filter(pk=series.pk).update(current_year=2020)
    series.refresh_from_db()
    return series


def seed_draft(world, series, title="突出重点补短板 压实责任治隐患", **extra):
    return draft(
        world.province_admin,
        series,
        title,
        world.shangrao,
        body=SEED_BODY,
        blocks=SEED_BLOCKS,
        distribute_to=[world.nanchang, world.shangrao],
        **extra,
    )


@pytest.fixture
def seed_figures(world):
    """The seed's figures for 上饶市: 673 accidents and 141 deaths against 1,105 and 228."""
    generation = current_generation()
    put_figures(generation, world.shangrao, *THIS_YEAR, accidents=673, accident_deaths=141)
    put_figures(generation, world.shangrao, *LAST_YEAR, accidents=1105, accident_deaths=228)
    put_figures(generation, world.wannian, *THIS_YEAR, accidents=120, accident_deaths=31)
    return generation


def published_text(bulletin):
    article = bulletin.articles.get()
    values = bulletins.block_values(bulletin, [article])[article.pk]
    return " ".join(s.text for s in bulletins.article_segments(article, values))


def test_seed_sentence_from_the_rollups(world, series, seed_figures):
    bulletin = seed_draft(world, series)
    text = published_text(bulletin)
    assert "全市发生事故673起，比上年同期少432起，下降39.10%" in text
    assert "死亡141人，比上年同期少87人，下降38.16%" in text


def test_numbers_are_assigned_at_publication_and_run_on(world, series, seed_figures):
    first = seed_draft(world, series, date=date(2020, 10, 26))
    assert first.issue_number is None and first.total_number is None
    first, _job = bulletins.publish(world.province_admin, first)
    assert (first.year, first.issue_number, first.total_number) == (2020, 1, 1)
    assert first.status == Bulletin.Status.PUBLISHED and first.date == date(2020, 10, 26)
    second, _job = bulletins.publish(
        world.province_admin, seed_draft(world, series, "第二期", date=date(2020, 11, 2))
    )
    assert (second.issue_number, second.total_number) == (2, 2)
    assert str(second) == "江西应急管理简报 第2期（总第2期）"


def test_year_restart_keeps_the_cumulative_total(world, series, seed_figures):
    # The seed's issue: the series' 142nd, 90th of 2020 — as a series moved into the system.
    BulletinSeries.objects.filter(pk=series.pk).update(
        current_year=2020, next_issue_number=90, next_total_number=142, next_special_number=44
    )
    seed, _job = bulletins.publish(
        world.province_admin, seed_draft(world, series, is_special=True, date=date(2020, 10, 26))
    )
    assert bulletins.numbers_line(seed) == "第90期（总第142期）"
    assert bulletins.special_line(seed) == "省安全生产专项整治三年行动专刊（44）"
    january, _job = bulletins.publish(
        world.province_admin, seed_draft(world, series, "新年第一期", date=date(2021, 1, 8))
    )
    assert (january.year, january.issue_number, january.total_number) == (2021, 1, 143)
    assert january.special_number is None
    series.refresh_from_db()
    assert (series.current_year, series.next_issue_number, series.next_total_number) == (
        2021,
        2,
        144,
    )
    assert series.next_special_number == 45
    # An issue dated back into a closed year would break the order: refused, nothing numbered.
    late = seed_draft(world, series, "补发", date=date(2020, 12, 30))
    with pytest.raises(ValidationError, match="早于本系列已编号的年度"):
        bulletins.publish(world.province_admin, late)
    late.refresh_from_db()
    assert late.status == Bulletin.Status.DRAFT and late.total_number is None
    series.refresh_from_db()
    assert series.next_total_number == 144


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_publications_get_consecutive_numbers(world, series):
    drafts = [seed_draft(world, series, f"同时印发{n}", date=date(2024, 3, 1)) for n in range(4)]
    barrier = threading.Barrier(len(drafts))
    errors = []

    def publish(bulletin):
        try:
            barrier.wait()
            bulletins.publish(world.province_admin, bulletin)
        except Exception as error:  # reported below with the others
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(
        Bulletin.objects.filter(series=series).values_list("issue_number", "total_number")
    )
    assert numbers == [(1, 1), (2, 2), (3, 3), (4, 4)]


def test_published_figures_are_frozen(world, series, seed_figures):
    bulletin, _job = bulletins.publish(world.province_admin, seed_draft(world, series))
    block = DataBlock.objects.get(article__bulletin=bulletin, key="accidents")
    assert block.frozen_value["current"] == "673" and block.frozen_at is not None
    # A later rebuild of the rollups with other figures …
    generation = current_generation()
    put_figures(generation, world.shangrao, *THIS_YEAR, accidents=700, accident_deaths=150)
    put_figures(generation, world.shangrao, *LAST_YEAR, accidents=1105, accident_deaths=228)
    # … changes a draft of the same period, never the published issue.
    assert "发生事故700起" in published_text(seed_draft(world, series, "草稿"))
    bulletin.refresh_from_db()
    text = published_text(bulletin)
    assert "发生事故673起" in text and "700" not in text


def test_table_and_chart_blocks_by_child_region(world, series, seed_figures):
    bulletin = draft(
        world.province_admin,
        series,
        "分地区情况",
        world.shangrao,
        body="各县事故情况如下：\n{{by_county}}\n{{chart}}",
        blocks=[
            {"key": "by_county", "kind": "table", "metrics": ["accidents", "accident_deaths"]},
            {"key": "chart", "kind": "chart", "metrics": ["accidents"]},
        ],
    )
    article = bulletin.articles.get()
    segments = bulletins.article_segments(
        article, bulletins.block_values(bulletin, [article])[article.pk]
    )
    assert [s.kind for s in segments] == ["p", "table", "chart"]
    table = segments[1].block
    assert table["columns"] == ["事故起数（起）", "死亡人数（人）"]
    assert table["rows"] == [{"unit": "万年县", "values": ["120", "31"]}]
    assert table["total"] == ["673", "141"]
    assert segments[2].block["rows"][0]["values"] == ["120"]


def test_publication_refuses_a_marker_without_block(world, series):
    bulletin = draft(
        world.province_admin,
        series,
        "漏了数据块",
        world.shangrao,
        body="今年以来{{missing}}。",
        blocks=[],
    )
    with pytest.raises(ValidationError, match=r"引用了不存在的数据块：missing"):
        bulletins.publish(world.province_admin, bulletin)
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.DRAFT and bulletin.issue_number is None


def test_bad_blocks_are_refused_and_nothing_is_written(world, series):
    bulletin = seed_draft(world, series)
    article = bulletin.articles.get()
    cases = [
        ({"key": "x", "kind": "sentence", "metrics": ["no_such_metric"]}, "未知指标"),
        ({"key": "x", "kind": "sentence", "metrics": []}, "请至少选择一个指标"),
        (
            {"key": "x", "kind": "chart", "metrics": ["accidents", "accident_deaths"]},
            "同比语句和图表只用一个指标",
        ),
        ({"key": "坏 标记", "kind": "sentence", "metrics": ["accidents"]}, "标记只能由"),
        ({"key": "accidents", "kind": "sentence", "metrics": ["accidents"]}, "本文已有标记"),
        (
            {
                "key": "x",
                "kind": "sentence",
                "metrics": ["accidents"],
                "params": {"template": "{nope}"},
            },
            "语句模板只能使用",
        ),
    ]
    for data, message in cases:
        with pytest.raises(ValidationError, match=message):
            bulletins.save_block(world.province_admin, article, data)
    assert article.blocks.count() == 2


def test_published_bulletins_are_not_edited(world, series):
    bulletin, _job = bulletins.publish(world.province_admin, seed_draft(world, series))
    with pytest.raises(ValidationError, match="已印发"):
        bulletins.save_bulletin(world.province_admin, {"title": "改"}, bulletin=bulletin)
    with pytest.raises(ValidationError, match="已印发"):
        bulletins.save_article(world.province_admin, bulletin, {"heading": "改"})
    with pytest.raises(ValidationError, match="已经印发"):
        bulletins.publish(world.province_admin, bulletin)


def test_scope_of_drafting_and_publishing(world, series):
    # A township cannot draft in the province's series nor choose a scope outside its own.
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        draft(world.township_staff, series, "越权", world.zhaoxian, body="x", blocks=[])
    bulletin = seed_draft(world, series)
    with pytest.raises(PermissionDenied):
        bulletins.save_article(world.county_official, bulletin, {"heading": "改"})
    # The city leader is not the province's: no publishing; the province's leader would be.
    with pytest.raises(PermissionDenied, match="无权签发"):
        bulletins.publish(world.city_official, bulletin)
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.DRAFT


def test_distribution_lists_reach_the_inbox_and_notify(world, series):
    bulletin = seed_draft(world, series)
    # A draft is in nobody's inbox.
    assert not bulletins.inbox_bulletins(world.city_official).exists()
    bulletin, _job = bulletins.publish(world.province_admin, bulletin)
    assert list(bulletins.inbox_bulletins(world.city_official)) == [bulletin]
    assert list(bulletins.inbox_bulletins(world.supervisor)) == [bulletin]  # 上饶市
    # 湾里管理局 is under 南昌市 but not on the list: the list names units, not subtrees.
    assert not bulletins.inbox_bulletins(world.county_official).exists()
    assert not bulletins.readable_bulletins(world.county_official).filter(pk=bulletin.pk).exists()
    assert bulletins.readable_bulletins(world.city_official).filter(pk=bulletin.pk).exists()
    notified = Notification.objects.filter(title__contains="第1期（总第1期）")
    assert set(notified.values_list("recipient__username", flat=True)) == {
        "city_official",
        "supervisor",
    }
    assert notified.first().link == "/reports/bulletins/inbox/"


def test_distribution_list_choices(world, series):
    units = set(bulletins.distribution_units(world.township_staff).values_list("name", flat=True))
    # Up and across to county level in the province, and the township's own unit; never
    # the sibling township nor another province.
    assert {"江西省", "南昌市", "上饶市", "万年县", "湾里管理局", "招贤镇"} <= units
    assert "罗亭镇" not in units and "安徽省" not in units
    bulletin = seed_draft(world, series)
    with pytest.raises(ValidationError, match="发送单位不在可选范围内"):
        bulletins.save_bulletin(
            world.province_admin, {}, bulletin=bulletin, distribute_to=[world.anhui]
        )
