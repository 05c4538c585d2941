"""Form building blocks every app's HTML forms share."""

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.dates import start_of_day
from core.models import AuditEvent


class ScopedModelFormMixin:
    """Restricts the choices of every related field to the user's scope.

    Any ModelChoiceField / ModelMultipleChoiceField whose queryset can `restrict` is narrowed
    to `restrict(user, action)`: "view" unless `scope_actions` names another action for the
    field. A choice out of scope is then neither rendered nor accepted — it fails validation
    exactly like an id that does not exist.
    """

    scope_actions: dict[str, str] = {}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in self.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(user, self.scope_actions.get(name, "view"))


def add_validation_error(form, error: ValidationError) -> None:
    """Put a ValidationError raised by a service onto the form.

    Messages for fields the form has go under those fields; the rest (and messages without a
    field) become non-field errors, so nothing the service said is lost.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class LoginForm(AuthenticationForm):
    # Labels set here, not taken from Django's catalogue: the login page is the one every
    # user sees, whatever language their browser asks for.
    username = UsernameField(label=_("用户名"), widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("请输入正确的用户名和密码（均区分大小写）。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }


class AuditEventFilterForm(forms.Form):
    """Filters of the audit log page; all optional."""

    kind = forms.ChoiceField(
        label=_("事件"), required=False, choices=[("", _("全部")), *AuditEvent.Kind.choices]
    )
    username = forms.CharField(label=_("用户名"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise ValidationError(_("起始日期不能晚于截止日期。"))
        return cleaned

    def filter(self, queryset):
        """The events matching the (valid) filters."""
        data = self.cleaned_data
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("username"):
            queryset = queryset.filter(username__icontains=data["username"].strip())
        # Day bounds in the local time zone, as a range on the indexed column.
        if data.get("date_from"):
            queryset = queryset.filter(created_at__gte=start_of_day(data["date_from"]))
        if data.get("date_to"):
            queryset = queryset.filter(
                created_at__lt=start_of_day(data["date_to"] + timedelta(days=1))
            )
        return queryset


class ProfileForm(forms.ModelForm):
    """The user's own contact details and the reminder channels they choose."""

    # Robot webhooks (政务钉钉, 企业微信) are https; a pasted address without a scheme is too.
    webhook_url = forms.URLField(
        label=_("机器人Webhook地址"),
        required=False,
        assume_scheme="https",
        help_text=_("政务钉钉或企业微信群机器人的Webhook地址；填写后提醒同时推送到该群。"),
    )

    class Meta:
        model = get_user_model()
        fields = ["full_name", "phone", "email", "notify_by_email", "webhook_url"]
        labels = {"email": _("电子邮箱")}
        help_texts = {"notify_by_email": _("勾选后，站内提醒同时发送到上面的邮箱。")}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("notify_by_email") and not cleaned.get("email"):
            self.add_error("email", _("选择邮件提醒时须填写电子邮箱。"))
        return cleaned


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """The files of one `<input type="file" multiple>`, as a list (Django's documented recipe).

    Their content and size are checked by the services (core.uploads.validate_evidence).
    """

    def __init__(self, *args, attrs=None, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = list(data) if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            super().clean(None, initial)  # the "required" message, if required
            return []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]
