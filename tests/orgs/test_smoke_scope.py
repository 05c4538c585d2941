from orgs.models import Enterprise, OrgUnit


def test_restrict_smoke(world):
    names = lambda user: set(Enterprise.objects.restrict(user, "view").values_list("name", flat=True))  # noqa: E731
    assert names(world.township_staff) == {"招贤镇化工有限公司", "招贤镇建筑工程有限公司"}
    assert names(world.dept_staff) == {"谢家集区幸福养老院", "平山街道夕阳红养老院"}
    assert names(world.enterprise_user) == {"招贤镇化工有限公司"}
    assert names(world.outsider) == set()
    assert "罗亭镇" not in set(OrgUnit.objects.restrict(world.township_staff).values_list("name", flat=True))
