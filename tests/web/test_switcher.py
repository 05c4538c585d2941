"""The membership switcher narrows a session to one of the user's own memberships."""

from django.urls import reverse

from orgs import services
from orgs.constants import Role
from orgs.middleware import ACTIVE_MEMBERSHIP_SESSION_KEY
from orgs.models import Membership
from tests.web.conftest import html

LIST = reverse("orgs:enterprise_list")
SWITCH = reverse("switch_membership")


def second_membership(world):
    return services.add_membership(
        user=world.township_staff, org_unit=world.luoting, role=Role.STAFF, granted_by=None
    )


def test_no_switcher_with_one_membership(world, client_for):
    assert "切换当前角色" not in html(client_for(world.township_staff).get(reverse("dashboard")))


def test_switching_narrows_and_widens_the_scope(world, client_for):
    luoting = second_membership(world)
    zhaoxian = Membership.objects.get(user=world.township_staff, org_unit=world.zhaoxian)
    client = client_for(world.township_staff)

    page = html(client.get(LIST))
    assert "切换当前角色" in page and "全部角色" in page
    assert "招贤镇化工有限公司" in page and "罗亭镇化工有限公司" in page

    response = client.post(SWITCH, {"membership": zhaoxian.pk}, follow=True)
    assert "已切换到：招贤镇 · 工作人员" in html(response)
    page = html(client.get(LIST))
    assert "招贤镇化工有限公司" in page and "罗亭镇化工有限公司" not in page

    client.post(SWITCH, {"membership": luoting.pk})
    page = html(client.get(LIST))
    assert "招贤镇化工有限公司" not in page and "罗亭镇化工有限公司" in page

    client.post(SWITCH, {"membership": "all"})
    assert ACTIVE_MEMBERSHIP_SESSION_KEY not in client.session
    page = html(client.get(LIST))
    assert "招贤镇化工有限公司" in page and "罗亭镇化工有限公司" in page


def test_only_own_memberships_can_be_chosen(world, client_for):
    second_membership(world)
    someone_elses = Membership.objects.get(user=world.township_staff_b)
    client = client_for(world.township_staff)
    response = client.post(SWITCH, {"membership": someone_elses.pk}, follow=True)
    assert "无法切换到该角色" in html(response)
    assert ACTIVE_MEMBERSHIP_SESSION_KEY not in client.session
    client.post(SWITCH, {"membership": "x"})
    assert ACTIVE_MEMBERSHIP_SESSION_KEY not in client.session


def test_switch_is_post_only(world, client_for):
    assert client_for(world.township_staff).get(SWITCH).status_code == 405
