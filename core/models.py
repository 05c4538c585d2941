"""What every app shares: the user, the audit log, notifications and the history base."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.context import current_request_id


class User(AbstractUser):
    """An official, inspector or enterprise contact who logs in.

    What the user may see and do comes from their memberships (orgs.Membership), never from
    fields here.
    """

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    # Channels each user chooses besides the in-app inbox (core.notifications).
    notify_by_email = models.BooleanField(_("邮件提醒"), default=False)
    webhook_url = models.URLField(
        _("机器人Webhook地址"),
        blank=True,
        help_text=_("政务钉钉或企业微信群机器人的Webhook地址；填写后提醒同时推送到该群。"),
    )
    # Bumped whenever anything the user's scope is compiled from changes (orgs.scoping): the
    # compiled scope is cached between requests under a key holding this number, and every
    # request reads it afresh with the user row, so a revoked grant is never served stale.
    scope_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username


class RequestIdHistoricalModel(models.Model):
    """Base of every historical table: ties each history row to the request that wrote it."""

    request_id = models.CharField(_("请求编号"), max_length=36, blank=True, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.request_id:
            self.request_id = current_request_id() or ""
        super().save(*args, **kwargs)


class AuditEvent(models.Model):
    """One security-relevant event: a login, a failed login, a logout, a permission change.

    Written by the application only; no form, API or admin action edits or deletes it.
    `org_path` is the materialised path of the org unit the event concerns, so an auditor
    reads the events of their own subtree.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOGOUT = "logout", _("退出")
        LOCKED_OUT = "locked_out", _("账号锁定")
        TOKEN_ISSUED = "token_issued", _("签发API令牌")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        MEMBERSHIP_ADDED = "membership_added", _("授予角色")
        MEMBERSHIP_REMOVED = "membership_removed", _("撤销角色")
        GRANT_ADDED = "grant_added", _("授予管辖范围")
        GRANT_REMOVED = "grant_removed", _("撤销管辖范围")
        USER_CREATED = "user_created", _("创建用户")
        SENSITIVE_VIEWED = "sensitive_viewed", _("查看敏感信息")

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("事件"), max_length=32, choices=Kind.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=36, blank=True)
    # Used by the auditor's subtree filter (path prefix); empty for events of no org unit.
    org_path = models.CharField(_("机构路径"), max_length=255, blank=True, db_index=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["org_path"],
                name="core_audit_org_path_like",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"


class Notification(models.Model):
    """A message to a user (in-app) or a record of a notice given outside the app.

    Reminders carry a `dedup_key` so that a retried or re-run job notifies exactly once.
    """

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("站内消息")
        SMS = "sms", _("短信")
        PHONE = "phone", _("电话")
        LETTER = "letter", _("书面函件")
        IN_PERSON = "in_person", _("当面告知")

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # For people outside the app (an enterprise's 主要负责人 reached by phone).
    recipient_name = models.CharField(_("接收人姓名"), max_length=50, blank=True)
    recipient_phone = models.CharField(_("接收人电话"), max_length=20, blank=True)
    channel = models.CharField(
        _("方式"), max_length=16, choices=Channel.choices, default=Channel.IN_APP
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发送人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    dedup_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    # Delivery to outside channels: claimed by one worker (compare-and-swap), then stamped sent.
    # A claim older than core.notifications.CLAIM_TIMEOUT is retried by the sweeper.
    email_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True, editable=False)
    webhook_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    webhooked_at = models.DateTimeField(_("Webhook推送时间"), null=True, blank=True, editable=False)
    delivery_error = models.CharField(_("推送错误"), max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title


def new_request_id() -> str:
    return uuid.uuid4().hex
