"""The enforcement demo seed_demo adds: seed 004's 护航"双节" with actions of every kind,
their letters, the bulletin's figures, published and replaced draws — written once."""

from inspections import draws
from inspections.models import EnforcementAction, RandomDraw, SpecialCampaign
from inspections.stats import inspection_stats
from orgs.demo import seed


def test_the_enforcement_demo_has_the_holiday_campaign_and_is_written_once(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = seed()
    campaign = SpecialCampaign.objects.get(name__endswith="护航“双节”安全")
    actions = EnforcementAction.objects.filter(special_campaign=campaign)
    assert set(actions.values_list("kind", flat=True)) == {
        "rectify_order",
        "suspension",
        "fine",
        "case",
    }
    assert actions.filter(fined_party="both").exists()
    assert actions.filter(kind="suspension", lifted_on__isnull=False).exists()
    assert actions.exclude(document_file="").count() >= 3
    stats = inspection_stats(world.users["province_admin"], campaign=campaign)
    totals = stats.totals
    assert totals.work_groups == totals.inspections == 12
    assert totals.hazards_found > 0 and totals.enterprises_stopped == 2
    assert stats.summary_sentence().startswith("共派出工作组12个，抽查检查企业12家")
    # The supervision groups inspect without penalising: their office is flagged.
    everything = inspection_stats(world.users["province_admin"], unit=campaign.org_unit)
    assert "上饶市安全生产委员会办公室" in {unit.name for unit in everything.zero_penalty}
    # One published draw for 万年县; 湾里管理局's draw replaced by a redraw with its reason.
    published = RandomDraw.objects.get(published_at__isnull=False)
    assert draws.verify(published)["reproducible"]
    redraw = RandomDraw.objects.get(previous_draw__isnull=False)
    assert redraw.reason and redraw.org_unit.name == "湾里管理局"
    assert RandomDraw.objects.restrict(world.users["county_official"], "view").count() == 2

    counts = (actions.count(), RandomDraw.objects.count(), SpecialCampaign.objects.count())
    seed()
    assert (actions.count(), RandomDraw.objects.count(), SpecialCampaign.objects.count()) == counts
