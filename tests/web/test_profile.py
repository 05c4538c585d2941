"""个人设置: the user's own details and reminder channels."""

from django.urls import reverse

PROFILE = reverse("profile")


def test_profile_saves_the_reminder_channels(world, client_for):
    client = client_for(world.township_staff)
    assert "个人设置" in client.get(PROFILE).content.decode()
    response = client.post(
        PROFILE,
        {
            "full_name": "招贤镇安全员",
            "phone": "13812345678",
            "email": "aq@zhaoxian.gov.cn",
            "notify_by_email": "on",
            "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
        },
    )
    assert response.status_code == 302
    world.township_staff.refresh_from_db()
    assert world.township_staff.notify_by_email
    assert world.township_staff.webhook_url.startswith("https://oapi.dingtalk.com/")


def test_email_reminders_need_an_email_and_bad_urls_are_refused(world, client_for):
    client = client_for(world.township_staff)
    page = client.post(
        PROFILE, {"full_name": "x", "notify_by_email": "on", "webhook_url": "not a url"}
    ).content.decode()
    assert "选择邮件提醒时须填写电子邮箱" in page
    assert "请输入合法的URL" in page
    world.township_staff.refresh_from_db()
    assert not world.township_staff.notify_by_email and not world.township_staff.webhook_url
