"""Bulletins in the tenancy registries, and the bulletin data the tests build on `world`.

`bulletin_world(w)` is fixture-free (the generic suites call it from plain lambdas) and built
once per world through reports.bulletins: 招贤镇 and 罗亭镇 each have a series and a
published issue with its PDF (sent to 湾里管理局), and 罗亭镇 also has a draft with an
article and a data block. Texts of 罗亭镇's objects say 罗亭镇, so that a page showing one is
caught by the suites.
"""

from datetime import date
from types import SimpleNamespace

from reports import bulletin_pdf, bulletins
from reports.models import (
    Bulletin,
    BulletinArticle,
    BulletinSeries,
    DataBlock,
    PeriodKind,
    Rollup,
    RollupGeneration,
    RollupState,
)

PERIOD_END = date(2024, 9, 30)
# One rendering serves every world's issues: the generic suites only fetch the file.
_PDF_BYTES: dict[str, bytes] = {}


def bulletin_world(w):
    if getattr(w, "bulletins", None) is not None:
        return w.bulletins
    b = SimpleNamespace()
    for name, unit, staff in (
        ("own", w.zhaoxian, w.township_staff),
        ("sibling", w.luoting, w.township_staff_b),
    ):
        town = unit.name
        series = bulletins.save_series(
            staff,
            {"title": f"{town}安全生产简报", "org_unit": unit, "issuer_name": f"{town}安委办"},
        )
        issue = draft(
            staff,
            series,
            f"{town}持续推进重大事故隐患动态清零",
            unit,
            distribute_to=[w.wanli],
            body=f"{town}扎实推进安全生产治本攻坚三年行动。\n{{{{hazards}}}}",
            blocks=[{"key": "hazards", "kind": "sentence", "metrics": ["hazards_found"]}],
        )
        issue, _job = bulletins.publish(staff, issue)
        if "pdf" not in _PDF_BYTES:
            _PDF_BYTES["pdf"] = bulletin_pdf.render_pdf(issue)
        bulletin_pdf.store_pdf(issue, _PDF_BYTES["pdf"])
        setattr(b, f"{name}_series", series)
        setattr(b, f"{name}_bulletin", issue)
    b.sibling_draft = draft(
        w.township_staff_b,
        b.sibling_series,
        "罗亭镇安全生产月活动情况（草稿）",
        w.luoting,
        body="罗亭镇开展安全生产月活动。{{luoting-drills}}",
        blocks=[{"key": "luoting-drills", "kind": "sentence", "metrics": ["drills"]}],
    )
    b.sibling_article = b.sibling_draft.articles.get()
    b.sibling_block = b.sibling_article.blocks.get()
    w.bulletins = b
    return b


def draft(
    user, series, title, scope_unit, *, body, blocks, copy_to=None, distribute_to=None, **data
):
    """A draft bulletin with one article, through the services (as the API writes it)."""
    return bulletins.save_bulletin(
        user,
        {
            "series": series,
            "title": title,
            "scope_unit": scope_unit,
            "period_kind": PeriodKind.YTD,
            "period_end": PERIOD_END,
            **data,
        },
        articles=[{"heading": title, "body": body, "blocks": blocks}],
        copy_to=copy_to,
        distribute_to=distribute_to,
    )


def current_generation(as_of=PERIOD_END) -> RollupGeneration:
    """A ready rollup generation, swapped in, for tests to fill with figures."""
    generation = RollupGeneration.objects.create(
        kind=RollupGeneration.Kind.ON_DEMAND, status=RollupGeneration.Status.READY, as_of=as_of
    )
    RollupState.objects.update_or_create(
        pk=RollupState.SINGLETON_ID, defaults={"current": generation}
    )
    return generation


def put_figures(generation, unit, kind, start, end, **values) -> None:
    """Subtree figures of `unit` for one period (metric=value keyword arguments)."""
    for metric, value in values.items():
        Rollup.objects.create(
            generation=generation,
            org_unit=unit,
            period_kind=kind,
            period_start=start,
            period_end=end,
            metric=metric,
            own_value=0,
            subtree_value=value,
        )


SIBLING_OBJECTS = {
    BulletinSeries: (lambda w: bulletin_world(w).sibling_series, lambda obj: obj.title),
    Bulletin: (lambda w: bulletin_world(w).sibling_bulletin, lambda obj: obj.title),
    BulletinArticle: (lambda w: bulletin_world(w).sibling_article, lambda obj: obj.heading),
    DataBlock: (lambda w: bulletin_world(w).sibling_block, lambda obj: obj.key),
}
