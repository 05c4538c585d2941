"""Bulletin pages: series management, the editor (article, data block, live preview),
publication, the archive, the inbox and the PDF; refusals in Chinese on the page; lists at
a constant number of queries."""

import pytest
from django.urls import reverse

from reports import bulletins
from reports.models import Bulletin, BulletinArticle, BulletinSeries, DataBlock
from tests.reports.tenancy_bulletins import current_generation, draft, put_figures
from tests.reports.test_bulletin_services import LAST_YEAR, SEED_BLOCKS, THIS_YEAR


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def figures(world):
    generation = current_generation()
    put_figures(generation, world.shangrao, *THIS_YEAR, accidents=673, accident_deaths=141)
    put_figures(generation, world.shangrao, *LAST_YEAR, accidents=1105, accident_deaths=228)
    put_figures(generation, world.wannian, *THIS_YEAR, accidents=120, accident_deaths=31)


def create_series(client, world):
    response = client.post(
        reverse("reports:bulletin_series_create"),
        {
            "title": "上饶应急管理简报",
            "org_unit": world.shangrao.pk,
            "issuer_name": "上饶市安全生产委员会办公室",
            "special_name": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    return BulletinSeries.objects.get(title="上饶应急管理简报")


def test_supervisor_composes_and_publishes(world, client_for, figures):
    client = client_for(world.supervisor)
    series = create_series(client, world)
    assert (
        "上饶应急管理简报" in client.get(reverse("reports:bulletin_series_list")).content.decode()
    )

    response = client.post(
        reverse("reports:bulletin_create"),
        {
            "series": series.pk,
            "title": "上饶市推进安全生产治本攻坚",
            "scope_unit": world.shangrao.pk,
            "period_kind": "ytd",
            "period_end": "2024-09-30",
            "distribute_to": [world.nanchang.pk],
            "copy_to_text": "省安委办",
        },
    )
    assert response.status_code == 302
    bulletin = Bulletin.objects.get(title="上饶市推进安全生产治本攻坚")
    assert response["Location"] == reverse("reports:bulletin_edit", args=[bulletin.pk])
    assert list(bulletin.distribute_to.all()) == [world.nanchang]

    response = client.post(
        reverse("reports:bulletin_article_create", args=[bulletin.pk]),
        {"heading": "压实责任治隐患", "order": 1, "body": "今年1-9月，{{accidents}}。\n{{table}}"},
    )
    article = BulletinArticle.objects.get(bulletin=bulletin)
    assert response["Location"] == reverse("reports:bulletin_article_edit", args=[article.pk])
    add_block = reverse("reports:bulletin_block_create", args=[article.pk])
    assert (
        client.post(
            add_block, {"key": "accidents", "kind": "sentence", "metrics": ["accidents"]}
        ).status_code
        == 302
    )
    assert (
        client.post(
            add_block,
            {"key": "table", "kind": "table", "metrics": ["accidents", "accident_deaths"]},
        ).status_code
        == 302
    )
    page = client.get(reverse("reports:bulletin_article_edit", args=[article.pk])).content.decode()
    assert "全市发生事故673起，比上年同期少432起，下降39.10%" in page
    assert "万年县" in page

    # The live preview renders the text being typed, without saving it.
    preview = client.post(
        reverse("reports:bulletin_article_preview", args=[article.pk]),
        {"heading": "新标题", "body": "前言。{{accidents}}{{nope}}"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "新标题" in preview and "前言。全市发生事故673起" in preview
    assert "尚未添加的数据块" in preview and "nope" in preview
    article.refresh_from_db()
    assert article.heading == "压实责任治隐患"

    detail = client.get(reverse("reports:bulletin_detail", args=[bulletin.pk])).content.decode()
    assert "签发印发" in detail and "第□期（总第□期）" in detail
    # Adding the blocks changed the draft: the version the page sends is the current one.
    bulletin.refresh_from_db()
    response = client.post(
        reverse("reports:bulletin_publish", args=[bulletin.pk]), {"version": bulletin.version}
    )
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.PUBLISHED and bulletin.total_number == 1
    assert response["Location"].startswith(reverse("reports:bulletin_detail", args=[bulletin.pk]))
    page = client.get(response["Location"]).content.decode()
    assert "第1期（总第1期）" in page and "PDF生成进度" in page and "签发印发" not in page
    # Published: the editor sends back to the issue.
    edit = client.get(reverse("reports:bulletin_edit", args=[bulletin.pk]))
    assert edit.status_code == 302


def test_city_leader_reads_the_inbox_and_downloads(
    world, client_for, figures, django_capture_on_commit_callbacks
):
    series = BulletinSeries.objects.create(
        title="上饶应急管理简报",
        org_unit=world.shangrao,
        issuer_name="上饶市安委办",
        current_year=2024,
    )
    bulletin = draft(
        world.supervisor,
        series,
        "上饶市推进安全生产治本攻坚",
        world.shangrao,
        body="{{accidents}}",
        blocks=SEED_BLOCKS[:1],
        distribute_to=[world.nanchang],
    )
    leader = client_for(world.city_official)
    assert "上饶市推进" not in leader.get(reverse("reports:bulletin_inbox")).content.decode()
    # Not published: not readable by the leader at all.
    assert leader.get(reverse("reports:bulletin_detail", args=[bulletin.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.supervisor).post(reverse("reports:bulletin_publish", args=[bulletin.pk]))
    inbox = leader.get(reverse("reports:bulletin_inbox")).content.decode()
    assert "上饶市推进安全生产治本攻坚" in inbox and "下载PDF" in inbox
    pdf = leader.get(reverse("reports:bulletin_pdf", args=[bulletin.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    detail = leader.get(reverse("reports:bulletin_detail", args=[bulletin.pk])).content.decode()
    assert "全市发生事故673起" in detail and "签发印发" not in detail and "编辑" not in detail
    # The notification leads to the inbox.
    notification = world.city_official.notifications.get()
    assert notification.link == reverse("reports:bulletin_inbox")


def test_refusals_are_shown_in_chinese(world, client_for):
    client = client_for(world.province_admin)
    series = BulletinSeries.objects.create(
        title="江西应急管理简报", org_unit=world.jiangxi, issuer_name="省安委办", current_year=2024
    )
    bulletin = draft(
        world.province_admin, series, "草稿", world.jiangxi, body="{{missing}}", blocks=[]
    )
    article = bulletin.articles.get()
    response = client.post(
        reverse("reports:bulletin_block_create", args=[article.pk]),
        {"key": "坏 标记", "kind": "chart", "metrics": ["accidents", "accident_deaths"]},
    )
    assert response.status_code == 400
    assert "有效" in response.content.decode() or "标记" in response.content.decode()
    response = client.post(
        reverse("reports:bulletin_block_create", args=[article.pk]),
        {"key": "c", "kind": "chart", "metrics": ["accidents", "accident_deaths"]},
    )
    assert response.status_code == 400 and "同比语句和图表只用一个指标" in response.content.decode()
    assert not DataBlock.objects.exists()
    response = client.post(reverse("reports:bulletin_publish", args=[bulletin.pk]), follow=True)
    assert "引用了不存在的数据块：missing" in response.content.decode()
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.DRAFT
    response = client.post(
        reverse("reports:bulletin_create"),
        {"series": series.pk, "title": "", "scope_unit": world.jiangxi.pk, "period_kind": "ytd"},
    )
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()


def test_archive_and_inbox_queries_do_not_grow(world, client_for, django_assert_max_num_queries):
    series = BulletinSeries.objects.create(
        title="江西应急管理简报", org_unit=world.jiangxi, issuer_name="省安委办", current_year=2024
    )
    client = client_for(world.province_admin)

    def add(n):
        for i in range(n):
            issue = draft(
                world.province_admin,
                series,
                f"第{i}篇",
                world.jiangxi,
                body="正文",
                blocks=[],
                distribute_to=[world.jiangxi],
            )
            bulletins.publish(world.province_admin, issue)

    add(1)
    urls = [reverse("reports:bulletin_list"), reverse("reports:bulletin_inbox")]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured.captured_queries)
    add(9)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert "第8篇" in client.get(url).content.decode()


def test_series_edit_and_removing_blocks_and_articles(world, client_for):
    client = client_for(world.supervisor)
    series = create_series(client, world)
    response = client.post(
        reverse("reports:bulletin_series_update", args=[series.pk]),
        {
            "title": "上饶应急管理简报",
            "org_unit": world.shangrao.pk,
            "issuer_name": "上饶市安委办",
            "special_name": "治本攻坚专刊",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.special_name == "治本攻坚专刊"
    assert series.history.count() == 2
    bulletin = draft(
        world.supervisor, series, "草稿", world.shangrao, body="{{a}}", blocks=SEED_BLOCKS[:1]
    )
    article = bulletin.articles.get()
    article.blocks.update(key="a")
    block = article.blocks.get()
    client.post(reverse("reports:bulletin_block_delete", args=[block.pk]))
    assert not DataBlock.objects.exists()
    client.post(reverse("reports:bulletin_article_delete", args=[article.pk]))
    assert not BulletinArticle.objects.exists()
    # Once published nothing is removed: the refusal comes back as a message.
    BulletinArticle.objects.create(bulletin=bulletin, heading="正文", body="x")
    bulletins.publish(world.supervisor, bulletin)
    kept = bulletin.articles.get()
    response = client.post(reverse("reports:bulletin_article_delete", args=[kept.pk]), follow=True)
    assert "简报已印发，不能再修改" in response.content.decode()
    assert BulletinArticle.objects.filter(pk=kept.pk).exists()
