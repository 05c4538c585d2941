"""Views every app shares: the scoped base class, the form-to-service mixin, login, and the
user's own notifications."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, UpdateView

from core.exceptions import StaleVersionError
from core.forms import LoginForm, ProfileForm, add_validation_error
from core.models import Notification


class ScopedViewMixin(LoginRequiredMixin):
    """Base of every HTML view over a scoped model (NetBox's pattern, as the API's viewsets).

    The queryset is the user's scope for `scope_action`, so an object out of scope is simply
    not found: 404, exactly like a missing one. Views over models that are not located in the
    tree themselves (Membership, User) override `get_queryset` and keep this base, so that
    every object page goes through one mechanism.

    On an object page (a `pk` in the URL) the object is looked up first and kept as
    `self.object`, whatever the method.
    """

    model = None
    scope_action = "view"
    pk_url_kwarg = "pk"

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, self.scope_action)

    def dispatch(self, request, *args, **kwargs):
        # Resolve an object page's object before dispatching on the method: otherwise a POST to
        # a read-only page, or a GET to a POST-only one, would answer 405 and so confirm that an
        # out-of-scope object exists.
        if request.user.is_authenticated and self.pk_url_kwarg in kwargs:
            self.object = self._scoped_object = super().get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        if queryset is None and hasattr(self, "_scoped_object"):
            return self._scoped_object
        return super().get_object(queryset)


def refusal(error) -> list[str]:
    """The Chinese messages of a service's ValidationError or PermissionDenied."""
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error) or _("您无权办理该事项。")]


class UserFormMixin:
    """The form's choices are narrowed to the user's scope (core.forms.ScopedModelFormMixin)."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class ServiceFormMixin:
    """A form page whose valid form goes to a service: `run(form)` writes and returns the
    object written, which becomes `self.object`.

    What the service refuses lands on the form in its own words: a stale version answers 409
    Conflict, any other ValidationError goes under the fields it names, a PermissionDenied
    becomes a non-field error. Otherwise the success message, and a redirect to the object's
    page (`get_success_url`). Put it before the generic view in the bases, so that its
    `form_valid` and `get_success_url` are the ones used.
    """

    success_message = ""

    def form_valid(self, form):
        try:
            self.object = self.run(form)
        except StaleVersionError as error:
            add_validation_error(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        except ValidationError as error:
            add_validation_error(form, error)
            return self.form_invalid(form)
        except PermissionDenied as error:
            form.add_error(None, refusal(error))
            return self.form_invalid(form)
        messages.success(self.request, self.get_success_message())
        return HttpResponseRedirect(self.get_success_url())

    def get_success_message(self):
        return self.success_message

    def get_success_url(self):
        return self.object.get_absolute_url()


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # The lockout policy is configurable (django-axes settings); the page states the real one.
        return super().get_context_data(
            failure_limit=settings.AXES_FAILURE_LIMIT,
            cooloff_minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            **kwargs,
        )


class NotificationListView(LoginRequiredMixin, ListView):
    """The user's own notifications, newest first."""

    template_name = "core/notification_list.html"
    paginate_by = 20

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user).select_related("sender")


class NotificationReadView(LoginRequiredMixin, View):
    """POST: mark one notification (`id`) or all of them read.

    With `follow`, go on to the notification's link, so that opening a notification from the
    list also marks it read. Links are the app's own paths; anything else is not followed.
    """

    def post(self, request):
        own = Notification.objects.filter(recipient=request.user)
        notification_id = request.POST.get("id", "")
        if notification_id.isdigit():
            own = own.filter(pk=int(notification_id))
        own.filter(read_at__isnull=True).update(read_at=timezone.now())
        if notification_id.isdigit() and request.POST.get("follow"):
            link = own.values_list("link", flat=True).first()
            if link and url_has_allowed_host_and_scheme(
                link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                return HttpResponseRedirect(link)
        return HttpResponseRedirect(reverse("notifications"))


class ProfileView(LoginRequiredMixin, UpdateView):
    """个人设置: the user's own details and reminder channels (email, group-robot webhook)."""

    form_class = ProfileForm
    template_name = "core/profile.html"

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, _("个人设置已保存。"))
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("profile")
