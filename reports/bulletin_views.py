"""Pages of the bulletins: series, the editor with data blocks and a live preview, the
archive, the inbox of bulletins sent to the user's units, publication and the PDF.

Every page is a core.views.ScopedViewMixin: out of scope is 404. Bulletins are read through
`bulletins.readable_bulletins` (the scope, plus published issues sent to the user's units);
editing goes through the `change` scope and reports.bulletins' services, whose Chinese
messages land on the page.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from core.forms import add_validation_error
from core.views import ScopedViewMixin, ServiceFormMixin, UserFormMixin, refusal
from orgs.constants import Action
from orgs.views import ScopeRequiredMixin
from reports import bulletins
from reports.bulletin_forms import ArticleForm, BulletinForm, DataBlockForm, SeriesForm
from reports.bulletin_pdf import bulletin_context, pdf_filename
from reports.models import Bulletin, BulletinArticle, BulletinSeries, DataBlock, Job

LIST_RELATED = ("series", "org_unit")


def attempt(request, action, success_message="") -> bool:
    """Run a service call for a POST; its refusal becomes the page's error messages."""
    try:
        action()
    except (ValidationError, PermissionDenied) as error:
        for text in refusal(error):
            messages.error(request, text)
        return False
    if success_message:
        messages.success(request, success_message)
    return True


# --- Series ---------------------------------------------------------------------------------


class SeriesListView(ScopedViewMixin, ListView):
    model = BulletinSeries
    template_name = "reports/bulletin_series_list.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("org_unit")

    def get_context_data(self, **kwargs):
        from orgs.views import scope_allows

        return super().get_context_data(
            can_add=scope_allows(self.request.user, BulletinSeries, Action.ADD), **kwargs
        )


class SeriesFormMixin(UserFormMixin, ServiceFormMixin):
    model = BulletinSeries
    form_class = SeriesForm
    template_name = "reports/bulletin_series_form.html"
    success_message = _("简报系列已保存。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": getattr(self, "object", None)}

    def run(self, form):
        data = {name: form.cleaned_data[name] for name in bulletins.SERIES_FIELDS}
        return bulletins.save_series(self.request.user, data, getattr(self, "object", None))

    def get_success_url(self):
        return reverse("reports:bulletin_series_list")


class SeriesCreateView(ScopeRequiredMixin, SeriesFormMixin, ScopedViewMixin, FormView):
    scope_action = Action.ADD


class SeriesUpdateView(SeriesFormMixin, ScopedViewMixin, SingleObjectMixin, FormView):
    scope_action = Action.CHANGE


# --- Archive, inbox -------------------------------------------------------------------------


class BulletinListView(ScopedViewMixin, ListView):
    """简报档案: the issues of the user's series, published by default, drafts on a tab."""

    model = Bulletin
    template_name = "reports/bulletin_list.html"
    paginate_by = 30

    def status(self):
        wanted = self.request.GET.get("status")
        return wanted if wanted in Bulletin.Status.values else Bulletin.Status.PUBLISHED

    def get_queryset(self):
        queryset = super().get_queryset().filter(status=self.status())
        series = self.request.GET.get("series", "")
        if series.isdigit():
            queryset = queryset.filter(series_id=series)
        return queryset.select_related(*LIST_RELATED)

    def get_context_data(self, **kwargs):
        from orgs.views import scope_allows

        return super().get_context_data(
            status=self.status(),
            statuses=Bulletin.Status.choices,
            series_list=BulletinSeries.objects.restrict(self.request.user).order_by("title"),
            can_add=scope_allows(self.request.user, Bulletin, Action.ADD),
            **kwargs,
        )


class BulletinInboxView(ScopedViewMixin, ListView):
    """简报收件箱: published issues whose 抄报 / 分送 names one of the user's units."""

    model = Bulletin
    template_name = "reports/bulletin_inbox.html"
    paginate_by = 30

    def get_queryset(self):
        return (
            bulletins.inbox_bulletins(self.request.user)
            .select_related(*LIST_RELATED)
            .order_by("-published_at", "-id")
        )


# --- One bulletin ---------------------------------------------------------------------------


class ReadableBulletinMixin(ScopedViewMixin):
    model = Bulletin

    def get_queryset(self):
        if self.scope_action == Action.VIEW:
            queryset = bulletins.readable_bulletins(self.request.user)
        else:
            queryset = super().get_queryset()
        return queryset.select_related("series", "org_unit", "scope_unit")


def editor_context(request, bulletin) -> dict:
    """What the detail page and the editor show: the issue as printed, what the user may do."""
    context = bulletin_context(bulletin)
    user = request.user
    draft = bulletin.status == Bulletin.Status.DRAFT
    may_change = Bulletin.objects.restrict(user, Action.CHANGE).filter(pk=bulletin.pk).exists()
    job_id = request.GET.get("job", "")
    context.update(
        can_edit=draft and may_change,
        can_publish=draft and bulletins.can_publish(user, bulletin),
        can_build_pdf=may_change or bulletins.can_publish(user, bulletin),
        pdf_ready=bool(bulletin.pdf) and bulletin.pdf_version == bulletin.version,
        job=Job.objects.filter(pk=job_id, owner=user).first() if job_id.isdigit() else None,
        missing=sorted({key for a in context["articles"] for key in bulletins.missing_markers(a)}),
    )
    return context


class BulletinDetailView(ReadableBulletinMixin, DetailView):
    template_name = "reports/bulletin_detail.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **editor_context(self.request, self.object)}


class BulletinCreateView(
    ScopeRequiredMixin, UserFormMixin, ServiceFormMixin, ScopedViewMixin, FormView
):
    model = Bulletin
    scope_action = Action.ADD
    form_class = BulletinForm
    template_name = "reports/bulletin_form.html"
    success_message = _("简报草稿已创建，请添加文章和数据块。")

    def get_initial(self):
        kind, _start, end = bulletins.default_period()
        return {"period_kind": kind, "period_end": end}

    def run(self, form):
        return bulletins.save_bulletin(
            self.request.user,
            form.service_data(),
            copy_to=form.cleaned_data["copy_to"],
            distribute_to=form.cleaned_data["distribute_to"],
        )

    def get_success_url(self):
        return reverse("reports:bulletin_edit", args=[self.object.pk])


class BulletinEditView(
    UserFormMixin, ServiceFormMixin, ReadableBulletinMixin, SingleObjectMixin, FormView
):
    """The editor: metadata, the articles with their data blocks, a new article, the preview."""

    scope_action = Action.CHANGE
    form_class = BulletinForm
    template_name = "reports/bulletin_edit.html"
    success_message = _("简报已保存。")

    def get(self, request, *args, **kwargs):
        if self.object.status != Bulletin.Status.DRAFT:
            messages.info(request, _("简报已印发，不能再修改。"))
            return HttpResponseRedirect(self.object.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(editor_context(self.request, self.object))
        context.setdefault("article_form", ArticleForm())
        context["block_form"] = DataBlockForm()
        return context

    def run(self, form):
        return bulletins.save_bulletin(
            self.request.user,
            form.service_data(),
            copy_to=form.cleaned_data["copy_to"],
            distribute_to=form.cleaned_data["distribute_to"],
            bulletin=self.object,
            version=_version(self.request),
        )

    def get_success_url(self):
        return reverse("reports:bulletin_edit", args=[self.object.pk])


def _version(request):
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


class BulletinActionView(ReadableBulletinMixin, SingleObjectMixin, View):
    """A POST on one bulletin that goes to a service; refusals come back as messages."""

    scope_action = Action.VIEW

    def post(self, request, *args, **kwargs):
        done = {}
        if attempt(request, lambda: done.setdefault("url", self.perform(self.object))):
            return HttpResponseRedirect(done["url"])
        return HttpResponseRedirect(self.object.get_absolute_url())


class PublishView(BulletinActionView):
    def perform(self, bulletin):
        bulletin, job = bulletins.publish(
            self.request.user, bulletin, version=_version(self.request)
        )
        messages.success(
            self.request,
            _("已印发：%(numbers)s，已通知抄报、分送单位。")
            % {"numbers": bulletins.numbers_line(bulletin)},
        )
        return f"{bulletin.get_absolute_url()}?job={job.pk}"


class BuildPdfView(BulletinActionView):
    """生成PDF: queue the build; the page then shows the job's progress."""

    def perform(self, bulletin):
        job = bulletins.request_pdf(self.request.user, bulletin)
        return f"{bulletin.get_absolute_url()}?job={job.pk}"


class BulletinPdfView(ReadableBulletinMixin, SingleObjectMixin, View):
    """The PDF as built for the bulletin's current version; otherwise back to its page."""

    def get(self, request, *args, **kwargs):
        bulletin = self.object
        if not bulletin.pdf or bulletin.pdf_version != bulletin.version:
            messages.info(request, _("PDF尚未生成或正在生成，请稍后再试。"))
            return HttpResponseRedirect(bulletin.get_absolute_url())
        return FileResponse(
            bulletin.pdf.open("rb"),
            as_attachment=False,
            filename=pdf_filename(bulletin),
            content_type="application/pdf",
        )


# --- Articles and blocks --------------------------------------------------------------------


class ArticleCreateView(ServiceFormMixin, ReadableBulletinMixin, SingleObjectMixin, FormView):
    scope_action = Action.CHANGE
    form_class = ArticleForm
    template_name = "reports/bulletin_article_form.html"
    success_message = _("文章已添加。")

    def run(self, form):
        return bulletins.save_article(self.request.user, self.object, form.cleaned_data)

    def get_success_url(self):
        return reverse("reports:bulletin_article_edit", args=[self.object.pk])


class ArticleMixin(ScopedViewMixin):
    model = BulletinArticle
    scope_action = Action.CHANGE

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("bulletin", "bulletin__series", "bulletin__scope_unit")
            .prefetch_related(Prefetch("blocks", queryset=DataBlock.objects.order_by("id")))
        )


class ArticleEditView(ServiceFormMixin, ArticleMixin, SingleObjectMixin, FormView):
    """One article: its text, its data blocks, and the live preview beside them."""

    form_class = ArticleForm
    template_name = "reports/bulletin_article_form.html"
    success_message = _("文章已保存。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            bulletin=self.object.bulletin,
            article=self.object,
            block_form=kwargs.get("block_form") or DataBlockForm(),
            preview=article_preview(self.object),
        )
        return context

    def run(self, form):
        return bulletins.save_article(
            self.request.user, self.object.bulletin, form.cleaned_data, self.object
        )

    def get_success_url(self):
        return reverse("reports:bulletin_article_edit", args=[self.object.pk])


def article_preview(article, *, heading=None, body=None):
    """The article as it would print, with live figures (unsaved text for the live preview)."""
    if heading is not None:
        article.heading = heading
    if body is not None:
        article.body = body
    bulletin = article.bulletin
    values = bulletins.block_values(bulletin, [article]).get(article.pk, {})
    article.segments = bulletins.article_segments(article, values)
    return {"articles": [article], "missing": bulletins.missing_markers(article)}


class ArticlePreviewView(ArticleMixin, SingleObjectMixin, TemplateView):
    """htmx: the article rendered from the text being typed (nothing is saved)."""

    template_name = "reports/bulletin_preview.html"

    def post(self, request, *args, **kwargs):
        preview = article_preview(
            self.object, heading=request.POST.get("heading", ""), body=request.POST.get("body", "")
        )
        return self.render_to_response({**preview, "charts": "echarts"})

    def get(self, request, *args, **kwargs):
        return self.render_to_response({**article_preview(self.object), "charts": "echarts"})


class ArticleDeleteView(ArticleMixin, SingleObjectMixin, View):
    def post(self, request, *args, **kwargs):
        bulletin = self.object.bulletin
        attempt(
            request,
            lambda: bulletins.delete_article(request.user, self.object),
            _("文章已删除。"),
        )
        return HttpResponseRedirect(reverse("reports:bulletin_edit", args=[bulletin.pk]))


class BlockCreateView(ArticleMixin, SingleObjectMixin, View):
    """Add a data block to an article; a refused block goes back to the article's page."""

    def post(self, request, *args, **kwargs):
        form = DataBlockForm(request.POST)
        article = self.object
        if form.is_valid():
            data = {
                "key": form.cleaned_data["key"],
                "kind": form.cleaned_data["kind"],
                "metrics": form.cleaned_data["metrics"],
                "params": form.params(),
            }
            try:
                bulletins.save_block(request.user, article, data)
            except ValidationError as error:
                add_validation_error(form, error)
            except PermissionDenied as error:
                form.add_error(None, refusal(error))
            else:
                messages.success(
                    request, _("数据块已添加：在正文中写 {{%s}} 引用。") % form.cleaned_data["key"]
                )
                return HttpResponseRedirect(
                    reverse("reports:bulletin_article_edit", args=[article.pk])
                )
        view = ArticleEditView(request=request, kwargs={"pk": article.pk}, object=article)
        context = view.get_context_data(form=ArticleForm(instance=article), block_form=form)
        return view.render_to_response(context, status=400)


class BlockDeleteView(ScopedViewMixin, SingleObjectMixin, View):
    model = DataBlock
    scope_action = Action.CHANGE

    def post(self, request, *args, **kwargs):
        article_id = self.object.article_id
        attempt(
            request, lambda: bulletins.delete_block(request.user, self.object), _("数据块已删除。")
        )
        return HttpResponseRedirect(reverse("reports:bulletin_article_edit", args=[article_id]))
