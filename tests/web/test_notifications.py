"""The user's own notifications: listed, marked read, opened."""

from django.urls import reverse

from core.models import Notification
from core.notifications import notify
from tests.web.conftest import html

LIST = reverse("notifications")
READ = reverse("notifications_read")


def test_lists_own_notifications_only(world, client_for):
    notify([world.township_staff], "请完成隐患自查")
    notify([world.township_staff_b], "罗亭镇专项检查安排")
    page = html(client_for(world.township_staff).get(LIST))
    assert "请完成隐患自查" in page and "罗亭镇专项检查安排" not in page
    assert "未读" in page


def test_mark_one_and_all_read(world, client_for):
    first, second = (notify([world.township_staff], title)[0] for title in ("一", "二"))
    others = notify([world.township_staff_b], "别人的")[0]
    client = client_for(world.township_staff)

    assert client.post(READ, {"id": first.pk}).status_code == 302
    first.refresh_from_db(), second.refresh_from_db()
    assert first.read_at and not second.read_at

    client.post(READ, {"id": others.pk})
    client.post(READ)
    second.refresh_from_db(), others.refresh_from_db()
    assert second.read_at and not others.read_at


def test_opening_a_notification_follows_internal_links_only(world, client_for):
    inside = notify([world.township_staff], "查看单位", link="/orgs/enterprises/")[0]
    outside = notify([world.township_staff], "钓鱼", link="https://evil.example/")[0]
    client = client_for(world.township_staff)
    response = client.post(READ, {"id": inside.pk, "follow": "1"})
    assert response["Location"] == "/orgs/enterprises/"
    response = client.post(READ, {"id": outside.pk, "follow": "1"})
    assert response["Location"] == LIST
    assert not Notification.objects.filter(recipient=world.township_staff, read_at=None).exists()


def test_unread_count_and_latest_on_the_dashboard(world, client_for):
    for index in range(7):
        notify([world.township_staff], f"通知{index}")
    page = html(client_for(world.township_staff).get(reverse("dashboard")))
    assert "通知6" in page and "通知2" in page and "通知1" not in page
    assert '7<span class="visually-hidden">条未读</span>' in page
