"""/api/v1/bulletin-series/ and /api/v1/bulletins/ (+ publish, pdf): a draft written with its
articles and data blocks, published and numbered, read from the inbox, its PDF; bad input is
a JSON error with nothing written; lists cost a constant number of queries."""

import pytest

from reports.models import Bulletin, BulletinArticle, BulletinSeries, Job
from tests.reports.tenancy_bulletins import current_generation, draft, put_figures
from tests.reports.test_bulletin_services import LAST_YEAR, SEED_BLOCKS, SEED_BODY, THIS_YEAR


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def series(world, api_for):
    response = api_for(world.province_admin).post(
        "/api/v1/bulletin-series/",
        {
            "title": "江西应急管理简报",
            "org_unit": world.jiangxi.pk,
            "issuer_name": "江西省安全生产委员会办公室",
            "special_name": "省安全生产专项整治三年行动专刊",
        },
    )
    assert response.status_code == 201, response.content
    return BulletinSeries.objects.get(pk=response.json()["id"])


def payload(world, series, **extra):
    return {
        "series": series.pk,
        "title": "突出重点补短板 压实责任治隐患",
        "scope_unit": world.shangrao.pk,
        "period_kind": "ytd",
        "period_end": "2024-09-30",
        "is_special": True,
        "copy_to_text": "省委、省政府领导",
        "distribute_to": [world.nanchang.pk],
        "articles": [
            {
                "heading": "突出重点补短板 压实责任治隐患",
                "body": SEED_BODY,
                "blocks": SEED_BLOCKS,
            }
        ],
        **extra,
    }


def test_draft_publish_and_read_from_the_inbox(world, series, api_for):
    generation = current_generation()
    put_figures(generation, world.shangrao, *THIS_YEAR, accidents=673, accident_deaths=141)
    put_figures(generation, world.shangrao, *LAST_YEAR, accidents=1105, accident_deaths=228)
    admin = api_for(world.province_admin)
    created = admin.post("/api/v1/bulletins/", payload(world, series))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["issue_number"] is None and body["numbers"] == ""
    assert body["period_start"] == "2024-01-01" and body["org_unit"] == world.jiangxi.pk
    assert [b["key"] for b in body["articles"][0]["blocks"]] == ["accidents", "deaths"]

    published = admin.post(f"/api/v1/bulletins/{body['id']}/publish/")
    assert published.status_code == 200, published.content
    issue = published.json()["bulletin"]
    assert issue["numbers"] == "第1期（总第1期） 省安全生产专项整治三年行动专刊（1）"
    frozen = issue["articles"][0]["blocks"][0]["frozen_value"]
    assert frozen["text"] == "全市发生事故673起，比上年同期少432起，下降39.10%"
    assert Job.objects.get(pk=published.json()["job"]).kind == Job.Kind.BULLETIN_PDF

    # The city leader reads it through the distribution list, not through any scope.
    leader = api_for(world.city_official)
    listed = leader.get("/api/v1/bulletins/").json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert leader.get(f"/api/v1/bulletins/{body['id']}/").status_code == 200
    # … but may neither edit nor publish it, nor ask for its PDF.
    assert leader.patch(f"/api/v1/bulletins/{body['id']}/", {"title": "改"}).status_code == 404
    assert leader.post(f"/api/v1/bulletins/{body['id']}/pdf/").status_code == 403
    # The county under the city is not on the list.
    county = api_for(world.county_official)
    assert county.get(f"/api/v1/bulletins/{body['id']}/").status_code == 404


def test_pdf_download_waits_for_the_build(
    world, series, api_for, django_capture_on_commit_callbacks
):
    admin = api_for(world.province_admin)
    bulletin_id = admin.post("/api/v1/bulletins/", payload(world, series)).json()["id"]
    not_ready = admin.get(f"/api/v1/bulletins/{bulletin_id}/pdf/")
    assert not_ready.status_code == 409 and not_ready.json()["code"] == "pdf_not_ready"
    with django_capture_on_commit_callbacks(execute=True):
        queued = admin.post(f"/api/v1/bulletins/{bulletin_id}/pdf/")
    assert queued.status_code == 202 and queued.json()["kind"] == "bulletin_pdf"
    job = admin.get(f"/api/v1/jobs/{queued.json()['id']}/").json()
    assert job["status"] == "succeeded" and job["progress"] == 100
    pdf = admin.get(f"/api/v1/bulletins/{bulletin_id}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert (
        admin.get(f"/api/v1/bulletins/{bulletin_id}/")
        .json()["pdf_url"]
        .endswith(f"/api/v1/bulletins/{bulletin_id}/pdf/")
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {
                "articles": [
                    {
                        "heading": "x",
                        "body": "",
                        "blocks": [{"key": "a", "kind": "sentence", "metrics": []}],
                    }
                ]
            },
            "metrics",
            "请至少选择一个指标",
        ),
        (
            {
                "articles": [
                    {
                        "heading": "x",
                        "body": "",
                        "blocks": [{"key": "a", "kind": "chart", "metrics": ["no_metric"]}],
                    }
                ]
            },
            "articles",
            "",
        ),
        ({"articles": [{"heading": " ", "body": "x"}]}, "heading", "不能为空"),
        ({"distribute_to": [999_999_999]}, "distribute_to", ""),
        ({"period_end": "2024-13-01"}, "period_end", ""),
    ],
)
def test_bad_drafts_are_refused_with_nothing_written(
    world, series, api_for, change, field, message
):
    response = api_for(world.province_admin).post(
        "/api/v1/bulletins/", payload(world, series, **change)
    )
    assert response.status_code == 400
    assert field in str(response.json()) and message in str(response.json())
    assert not Bulletin.objects.exists() and not BulletinArticle.objects.exists()


def test_scope_of_the_choices(world, series, api_for):
    township = api_for(world.township_staff)
    # The province's series is not the township's to write in: refused like a missing one.
    response = township.post(
        "/api/v1/bulletins/", payload(world, series, scope_unit=world.zhaoxian.pk)
    )
    assert response.status_code == 400 and "series" in response.json()
    own = township.post(
        "/api/v1/bulletin-series/",
        {"title": "招贤镇简报", "org_unit": world.zhaoxian.pk, "issuer_name": "招贤镇安委办"},
    )
    assert own.status_code == 201
    elsewhere = township.post(
        "/api/v1/bulletin-series/",
        {"title": "越界", "org_unit": world.luoting.pk, "issuer_name": "x"},
    )
    assert elsewhere.status_code == 400 and "org_unit" in elsewhere.json()
    # Numbering is the system's: a client cannot set it.
    patched = township.patch(
        f"/api/v1/bulletin-series/{own.json()['id']}/", {"next_total_number": 99}
    )
    assert patched.status_code == 200 and patched.json()["next_total_number"] == 1


def test_published_bulletins_are_read_only(world, series, api_for):
    admin = api_for(world.province_admin)
    bulletin_id = admin.post("/api/v1/bulletins/", payload(world, series)).json()["id"]
    assert admin.post(f"/api/v1/bulletins/{bulletin_id}/publish/").status_code == 200
    edit = admin.patch(f"/api/v1/bulletins/{bulletin_id}/", {"title": "改"})
    assert edit.status_code == 400 and "已印发" in str(edit.json())
    again = admin.post(f"/api/v1/bulletins/{bulletin_id}/publish/")
    assert again.status_code == 400 and "已经印发" in str(again.json())
    assert admin.delete(f"/api/v1/bulletins/{bulletin_id}/").status_code == 405


def test_list_queries_do_not_grow(world, series, api_for, django_assert_max_num_queries):
    client = api_for(world.province_admin)

    def add(n):
        for i in range(n):
            draft(
                world.province_admin,
                series,
                f"第{i}篇",
                world.shangrao,
                body="{{accidents}}",
                blocks=SEED_BLOCKS[:1],
                distribute_to=[world.nanchang, world.shangrao],
            )

    add(1)
    with django_assert_max_num_queries(12) as one:
        assert client.get("/api/v1/bulletins/").status_code == 200
    add(9)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get("/api/v1/bulletins/").json()["results"]) == 10
