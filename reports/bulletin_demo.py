"""The bulletins demo behind `manage.py seed_demo`: the province's 江西应急管理简报 with one
published issue (numbered on from the paper series, its figures frozen from the demo's
rollups, sent to 南昌市 and 上饶市, its PDF built) and one draft being written.

Connected after the rollups receiver (reports/apps.py), so the figures are the demo's own.
Found by (title, unit) and (series, title): a second seed_demo adds nothing.
"""

from __future__ import annotations

from reports import bulletins
from reports.models import Bulletin, BulletinSeries

SERIES_TITLE = "江西应急管理简报"
# The paper series' next numbers when it moved into the system (seed 004 was 第90期（总第142期）,
# 专刊（44）, in 2020): numbering carries on from them.
CARRIED_OVER = {"next_total_number": 143, "next_special_number": 45}

PUBLISHED_TITLE = "突出重点补短板 压实责任治隐患"
PUBLISHED_BODY = (
    "自治本攻坚三年行动实施以来，上饶市紧盯安全生产领域薄弱环节，全面梳理排查安全隐患，"
    "以扎实的工作举措推动三年行动走深走实，全市安全生产形势进一步稳定向好。"
    "{{accidents}}；{{deaths}}。\n"
    "各地持续开展重大事故隐患排查整治，{{hazards}}。各县（市、区）情况如下：\n"
    "{{by_county}}"
)
PUBLISHED_BLOCKS = [
    {"key": "accidents", "kind": "sentence", "metrics": ["accidents"]},
    {"key": "deaths", "kind": "sentence", "metrics": ["accident_deaths"], "params": {"scope": ""}},
    {"key": "hazards", "kind": "sentence", "metrics": ["hazards_found"], "params": {"scope": ""}},
    {
        "key": "by_county",
        "kind": "table",
        "metrics": ["hazards_found", "hazards_closed", "accidents"],
    },
]
DRAFT_TITLE = "全省重大事故隐患动态清零工作进展"
DRAFT_BODY = "按照治本攻坚三年行动部署，各地持续推进重大事故隐患动态清零。{{hazards}}。\n{{chart}}"
DRAFT_BLOCKS = [
    {"key": "hazards", "kind": "sentence", "metrics": ["hazards_found"]},
    {"key": "chart", "kind": "chart", "metrics": ["hazards_found"]},
]


def on_demo_seeded(sender, world, stdout=None, **kwargs):
    """Receiver of orgs.demo.demo_seeded (connected in ReportsConfig.ready)."""
    editor = world.users["province_admin"]
    series = ensure_series(world, editor)
    kind, _start, end = bulletins.default_period()
    created = 0
    if not Bulletin.objects.filter(series=series, title=PUBLISHED_TITLE).exists():
        issue = bulletins.save_bulletin(
            editor,
            {
                "series": series,
                "title": PUBLISHED_TITLE,
                "is_special": True,
                "scope_unit": world.units["上饶市"],
                "period_kind": kind,
                "period_end": end,
                "copy_to_text": "省委、省政府领导",
                "distribute_to_text": "应急管理部办公厅，省直有关部门",
            },
            distribute_to=[world.units["南昌市"], world.units["上饶市"]],
            articles=[
                {"heading": PUBLISHED_TITLE, "body": PUBLISHED_BODY, "blocks": PUBLISHED_BLOCKS}
            ],
        )
        bulletins.publish(editor, issue)
        created += 1
    if not Bulletin.objects.filter(series=series, title=DRAFT_TITLE).exists():
        bulletins.save_bulletin(
            editor,
            {
                "series": series,
                "title": DRAFT_TITLE,
                "scope_unit": world.units["江西省"],
                "period_kind": kind,
                "period_end": end,
            },
            distribute_to=[world.units["南昌市"], world.units["上饶市"]],
            articles=[{"heading": DRAFT_TITLE, "body": DRAFT_BODY, "blocks": DRAFT_BLOCKS}],
        )
        created += 1
    if stdout is not None:
        stdout.write(f"简报演示数据：新增{created}期（{SERIES_TITLE}）。")


def ensure_series(world, editor) -> BulletinSeries:
    province = world.units["江西省"]
    series = BulletinSeries.objects.filter(title=SERIES_TITLE, org_unit=province).first()
    if series is None:
        series = bulletins.save_series(
            editor,
            {
                "title": SERIES_TITLE,
                "org_unit": province,
                "issuer_name": "江西省安全生产委员会办公室",
                "special_name": "安全生产治本攻坚三年行动专刊",
            },
        )
        BulletinSeries.objects.filter(pk=series.pk).update(**CARRIED_OVER)
        series.refresh_from_db()
    return series
