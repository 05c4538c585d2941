"""HTML forms of the campaign plans. Forms validate input; campaigns.services writes.

Org units offered in a form are the user's own (the units of their roles) or the units right
below a plan's owner, always within `restrict(user, …)`: a choice out of scope is neither
rendered nor accepted.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns import parsing
from campaigns.docx import DocumentError, text_from_upload
from campaigns.models import Action, Campaign, Plan, PlanSection, Recurrence
from core.forms import MultipleFileField, ScopedModelFormMixin
from orgs.constants import Action as ScopeAction
from orgs.constants import Kind
from orgs.forms import OrgUnitChoiceField
from orgs.models import OrgUnit
from orgs.scoping import scope_for

EVIDENCE_ACCEPT = "image/*,application/pdf"
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def own_units(user, model=None, action: str = ScopeAction.VIEW):
    """The org units of the user's roles (not their subtrees), optionally only those roles
    that allow `action` on `model`; superusers get the provinces."""
    if user.is_superuser:
        return OrgUnit.objects.filter(depth=1)
    role_actions = getattr(model, "scope_role_actions", None) or {}
    paths = [
        grant.subtree_path
        for grant in scope_for(user).grants
        if grant.subtree_path and (model is None or action in role_actions.get(grant.role, ()))
    ]
    return OrgUnit.objects.filter(path__in=paths)


def units_below(owner: OrgUnit):
    """The org units right below a plan's owner — its sub-regions and departments, and for a
    department the units right below the region it oversees (管行业必须管安全) — that its
    tasks are assigned to, level by level."""
    below = Q(parent=owner)
    if owner.kind == Kind.DEPARTMENT and owner.jurisdiction_id:
        below |= Q(parent=owner.jurisdiction_id) & ~Q(pk=owner.pk)
    return OrgUnit.objects.filter(below, is_active=True)


# --- Plans -------------------------------------------------------------------------------


class PlanTargetForm(ScopedModelFormMixin, forms.Form):
    """Whose plan, in which campaign: the org unit is one of the user's own where they may
    add plans."""

    org_unit = OrgUnitChoiceField(OrgUnit.objects.all(), label=_("制定单位"), empty_label=None)
    campaign = forms.ModelChoiceField(Campaign.objects.all(), label=_("专项行动"), empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["org_unit"]
        field.queryset = field.queryset.filter(
            pk__in=own_units(self.user, Plan, ScopeAction.ADD).values("pk")
        )


class PlanForm(PlanTargetForm):
    title = forms.CharField(label=_("方案名称"), max_length=200)
    document_number = forms.CharField(
        label=_("文号"),
        max_length=60,
        required=False,
        help_text=_("如：赣管字〔2024〕20号；尚未印发可不填。"),
    )
    issue_date = forms.DateField(label=_("印发日期"), required=False, widget=DATE_INPUT)


class PlanEditForm(forms.Form):
    """A plan's particulars (a derived plan starts with a title made from its superior's)."""

    title = forms.CharField(label=_("方案名称"), max_length=200)
    document_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    issue_date = forms.DateField(label=_("印发日期"), required=False, widget=DATE_INPUT)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def service_data(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in ("title", "document_number", "issue_date")
        }


class DerivePlanForm(ScopedModelFormMixin, forms.Form):
    """派生: a superior's plan with tasks assigned to one of the user's units.

    The superior's plan itself is out of the user's scope (they read only the tasks assigned
    to them), so the choices are the plans of those tasks, given by the view."""

    parent = forms.ModelChoiceField(Plan.objects.none(), label=_("上级方案"))
    org_unit = OrgUnitChoiceField(OrgUnit.objects.all(), label=_("制定单位"))

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        field = self.fields["org_unit"]
        field.queryset = field.queryset.filter(
            pk__in=own_units(self.user, Plan, ScopeAction.ADD).values("pk")
        )


# --- Tasks -------------------------------------------------------------------------------


class TaskForm(ScopedModelFormMixin, forms.Form):
    """A task of a plan: a fixed deadline or a recurrence, lead unit among the plan's owner
    and the units right below it."""

    action = forms.ModelChoiceField(
        Action.objects.none(), label=_("所属行动"), required=False, empty_label=_("（不分行动）")
    )
    number = forms.CharField(label=_("序号"), max_length=12, required=False)
    title = forms.CharField(
        label=_("标题"), max_length=200, required=False, help_text=_("如：突出重点。可不填。")
    )
    text = forms.CharField(label=_("任务内容"), widget=forms.Textarea(attrs={"rows": 5}))
    lead_unit = OrgUnitChoiceField(
        OrgUnit.objects.all(), label=_("牵头单位"), required=False, empty_label=_("（未指定）")
    )
    deadline = forms.DateField(label=_("完成时限"), required=False, widget=DATE_INPUT)
    deadline_phrase = forms.CharField(
        label=_("时限原文"), max_length=100, required=False, help_text=_("如：2024年底前")
    )
    recurrence = forms.ChoiceField(
        label=_("周期"),
        choices=[("", _("不重复")), *Recurrence.choices],
        required=False,
        help_text=_("周期性任务每个周期报送一次进展。"),
    )
    times_per_period = forms.IntegerField(
        label=_("每周期次数"), min_value=1, max_value=99, required=False
    )
    target = forms.CharField(
        label=_("量化目标"),
        max_length=200,
        required=False,
        help_text=_("如：化工园区90%达到D级"),
    )
    # The version the editor loaded, checked by the service (optimistic concurrency).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = plan.actions.all()
        owner = plan.org_unit
        field = self.fields["lead_unit"]
        field.queryset = field.queryset.filter(
            Q(pk=owner.pk) | Q(pk__in=units_below(owner).values("pk"))
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("times_per_period") and not cleaned.get("recurrence"):
            self.add_error("times_per_period", _("只有周期性任务才填写每周期次数。"))
        return cleaned

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version")
        return data


class AssignForm(ScopedModelFormMixin, forms.Form):
    """责任单位: units right below the plan's owner, in the user's scope."""

    org_units = forms.ModelMultipleChoiceField(
        OrgUnit.objects.all(),
        label=_("责任单位"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": _("请至少选择一个责任单位。")},
    )
    lead_unit = forms.ModelChoiceField(
        OrgUnit.objects.all(), label=_("牵头单位"), required=False, empty_label=_("（不指定）")
    )

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        below = units_below(task.plan.org_unit).values("pk")
        for name in ("org_units", "lead_unit"):
            field = self.fields[name]
            field.queryset = field.queryset.filter(pk__in=below).order_by("kind", "path")

    def clean(self):
        cleaned = super().clean()
        lead, units = cleaned.get("lead_unit"), cleaned.get("org_units")
        if lead and units is not None and lead not in units:
            self.add_error("lead_unit", _("牵头单位必须是所选责任单位之一。"))
        return cleaned


# --- Progress reports --------------------------------------------------------------------


class ProgressReportForm(forms.Form):
    text = forms.CharField(
        label=_("工作进展"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("本期开展的工作、取得的成效、存在的问题和下一步打算。"),
    )
    percent_done = forms.IntegerField(
        label=_("完成比例(%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
    )
    files = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        attrs={"accept": EVIDENCE_ACCEPT},
        help_text=_("照片或PDF，可选多个；手机上可直接拍照。"),
    )


class ReviewForm(forms.Form):
    """审核: accept, or return with a comment saying what is missing."""

    ACCEPT, RETURN = "accept", "return"

    decision = forms.ChoiceField(choices=[(ACCEPT, _("通过")), (RETURN, _("退回"))])
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回时必须填写，说明需要补充或改正的内容。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.RETURN and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("退回时必须填写审核意见。"))
        return cleaned


# --- Checklists --------------------------------------------------------------------------


class ChecklistTickForm(forms.Form):
    done = forms.BooleanField(label=_("已完成"), required=False)
    note = forms.CharField(
        label=_("完成情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.FileField(
        label=_("佐证材料"),
        required=False,
        widget=forms.FileInput(attrs={"accept": EVIDENCE_ACCEPT}),
        help_text=_("照片或PDF；不上传则保留原有材料。"),
    )


# --- Import from a plan's text -----------------------------------------------------------


class PlanImportForm(PlanTargetForm):
    """Step 1: the text, pasted or uploaded, read by campaigns.parsing; nothing is saved."""

    text = forms.CharField(
        label=_("方案正文"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("从Word或PDF中复制全文粘贴到这里，或在下方上传文件。"),
    )
    file = forms.FileField(
        label=_("或上传文件"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".txt,.docx"}),
        help_text=_("支持.txt和.docx文件。"),
    )

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), cleaned.get("text", "")
        if upload:
            try:
                text = text_from_upload(upload.name, upload.read())
            except DocumentError as error:
                self.add_error("file", str(error))
                return cleaned
        elif not text.strip():
            raise ValidationError(_("请粘贴方案正文或上传文件。"))
        try:
            cleaned["parsed"] = parsing.parse_plan(text)
        except parsing.PlanParseError as error:
            raise ValidationError(parse_error_message(error)) from error
        return cleaned


def parse_error_message(error: parsing.PlanParseError) -> str:
    message = _("无法识别方案结构：%(message)s") % {"message": error.message}
    if error.line and f"第{error.line}行" not in error.message:
        message = _("第%(line)d行：%(message)s") % {"line": error.line, "message": message}
    return message


class ImportedPlanForm(PlanTargetForm):
    """Step 2: the plan's particulars as read, for the user to correct."""

    parent = forms.ModelChoiceField(
        Plan.objects.none(), label=_("上级方案"), required=False, empty_label=_("（无）")
    )
    title = forms.CharField(label=_("方案名称"), max_length=200)
    document_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    issue_date = forms.DateField(label=_("印发日期"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents


class SectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=PlanSection.Kind.choices)
    heading = forms.CharField(label=_("标题"), max_length=200, required=False)
    text = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class PhaseForm(forms.Form):
    name = forms.CharField(label=_("阶段"), max_length=50)
    start = forms.DateField(label=_("开始日期"), widget=DATE_INPUT)
    end = forms.DateField(label=_("结束日期"), widget=DATE_INPUT)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return cleaned


class ActionForm(forms.Form):
    number = forms.CharField(label=_("序号"), max_length=12, required=False)
    title = forms.CharField(label=_("行动名称"), max_length=200)
    text = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportedTaskForm(forms.Form):
    # Index of the action form the task belongs to; "" = under no action.
    action = forms.ChoiceField(label=_("所属行动"), required=False)
    number = forms.CharField(label=_("序号"), max_length=12, required=False)
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    text = forms.CharField(label=_("任务内容"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("完成时限"), required=False, widget=DATE_INPUT)
    deadline_phrase = forms.CharField(label=_("时限原文"), max_length=100, required=False)
    recurrence = forms.ChoiceField(
        label=_("周期"), choices=[("", _("不重复")), *Recurrence.choices], required=False
    )
    times_per_period = forms.IntegerField(
        label=_("每周期次数"), min_value=1, max_value=99, required=False
    )
    target = forms.CharField(label=_("量化目标"), max_length=200, required=False)
    # The line of the text the task was read from, named in the service's messages.
    line = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, action_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("（不分行动）")), *action_choices]


class BaseTaskFormSet(forms.BaseFormSet):
    default_error_messages = {"too_few_forms": _("至少要保留一项任务。")}


SectionFormSet = forms.formset_factory(SectionForm, extra=0, can_delete=True)
PhaseFormSet = forms.formset_factory(PhaseForm, extra=0, can_delete=True)
ActionFormSet = forms.formset_factory(ActionForm, extra=0, can_delete=True)
TaskFormSet = forms.formset_factory(
    ImportedTaskForm,
    formset=BaseTaskFormSet,
    extra=0,
    can_delete=True,
    min_num=1,
    validate_min=True,
)


class ImportPreview:
    """Step 2 as a whole: the plan's particulars and one formset per part of the plan.

    Built from a `ParsedPlan` (initial values) or from the submitted preview, and turned back
    into a `ParsedPlan` for campaigns.services.import_parsed_plan. Everything the parser read
    is editable; deleted rows are left out.
    """

    def __init__(self, data=None, *, user, parents, parsed=None, target=None):
        self.parsed = parsed
        plan_initial = dict(target or {})
        if parsed is not None:
            plan_initial |= {
                "title": parsed.title or "",
                "document_number": parsed.document_number or "",
                "issue_date": parsed.issue_date,
            }
        self.plan = ImportedPlanForm(data, user=user, parents=parents, initial=plan_initial)
        initial = _initial_rows(parsed) if parsed is not None else {}
        self.sections = SectionFormSet(data, prefix="sections", initial=initial.get("sections"))
        self.phases = PhaseFormSet(data, prefix="phases", initial=initial.get("phases"))
        self.actions = ActionFormSet(data, prefix="actions", initial=initial.get("actions"))
        self.tasks = TaskFormSet(
            data,
            prefix="tasks",
            initial=initial.get("tasks"),
            form_kwargs={"action_choices": self._action_choices()},
        )

    def _action_choices(self):
        return [
            (str(index), f"{_value(form, 'number')}{_value(form, 'title')}")
            for index, form in enumerate(self.actions.forms)
        ]

    @property
    def formsets(self):
        return (self.sections, self.phases, self.actions, self.tasks)

    def is_valid(self) -> bool:
        valid = all([self.plan.is_valid(), *(formset.is_valid() for formset in self.formsets)])
        if not valid:
            return False
        deleted_actions = {str(form_index(form)) for form in self.actions.deleted_forms}
        for form in self._kept(self.tasks):
            if form.cleaned_data["action"] in deleted_actions:
                form.add_error("action", _("所属行动已删除，请改选行动或删除本任务。"))
                valid = False
        return valid

    @staticmethod
    def _kept(formset):
        return [form for form in formset.forms if form not in formset.deleted_forms]

    def groups(self):
        """Action forms, each with the task forms under it, in the document's order; then the
        task forms under no action."""
        by_action: dict[str, list] = {}
        for form in self.tasks.forms:
            by_action.setdefault(_value(form, "action") or "", []).append(form)
        return [
            (form, by_action.pop(str(index), [])) for index, form in enumerate(self.actions.forms)
        ], [form for forms_ in by_action.values() for form in forms_]

    def parsed_plan(self) -> parsing.ParsedPlan:
        """The corrected plan; call after is_valid()."""
        plan = self.plan.cleaned_data
        actions = {}
        for form in self._kept(self.actions):
            data = form.cleaned_data
            actions[str(form_index(form))] = parsing.Action(
                number=data["number"],
                ordinal=len(actions) + 1,
                title=data["title"],
                line=form_index(form) + 1,
                text=data["text"],
            )
        loose = []
        for position, form in enumerate(self._kept(self.tasks), 1):
            data = form.cleaned_data
            task = parsing.Task(
                number=data["number"],
                ordinal=_ordinal(data["number"], position),
                text=data["text"],
                line=data["line"] or position,
                title=data["title"] or None,
                deadline=data["deadline"],
                deadline_phrase=data["deadline_phrase"] or None,
                recurrence=parsing.Recurrence(data["recurrence"]) if data["recurrence"] else None,
                times_per_period=data["times_per_period"],
                target=data["target"] or None,
            )
            (actions[data["action"]].tasks if data["action"] else loose).append(task)
        return parsing.ParsedPlan(
            title=plan["title"],
            document_number=plan["document_number"],
            issue_date=plan["issue_date"],
            sections=[
                parsing.Section(
                    kind=parsing.SectionKind(form.cleaned_data["kind"]),
                    heading=form.cleaned_data["heading"],
                    text=form.cleaned_data["text"],
                    line=position,
                )
                for position, form in enumerate(self._kept(self.sections), 1)
            ],
            phases=[
                parsing.Phase(
                    name=form.cleaned_data["name"],
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    line=position,
                )
                for position, form in enumerate(self._kept(self.phases), 1)
            ],
            actions=list(actions.values()),
            tasks=loose,
        )


def form_index(form) -> int:
    """A formset form's position, from its prefix ("tasks-3" → 3)."""
    return int(form.prefix.rsplit("-", 1)[1])


def _value(form, name) -> str:
    """A form's current value for a field: submitted if bound, else initial."""
    value = form[name].value()
    return "" if value is None else str(value)


def _ordinal(number: str, default: int) -> int:
    digits = number.strip("()（）、.． ")
    try:
        return parsing.numeral_value(digits)
    except (KeyError, ValueError):
        return default


def _initial_rows(parsed: parsing.ParsedPlan) -> dict[str, list[dict]]:
    action_of = {
        id(task): str(index) for index, action in enumerate(parsed.actions) for task in action.tasks
    }
    return {
        "sections": [
            {"kind": section.kind.value, "heading": section.heading, "text": section.text}
            for section in parsed.sections
        ],
        "phases": [
            {"name": phase.name, "start": phase.start, "end": phase.end} for phase in parsed.phases
        ],
        "actions": [
            {"number": action.number, "title": action.title, "text": action.text}
            for action in parsed.actions
        ],
        "tasks": [
            {
                "action": action_of.get(id(task), ""),
                "number": task.number,
                "title": task.title or "",
                "text": task.text,
                "deadline": task.deadline,
                "deadline_phrase": task.deadline_phrase or "",
                "recurrence": task.recurrence.value if task.recurrence else "",
                "times_per_period": task.times_per_period,
                "target": task.target or "",
                "line": task.line,
            }
            for task in parsed.all_tasks
        ],
    }
