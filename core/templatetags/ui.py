"""Template helpers of the shared layout (Bootstrap markup for Django's own widgets)."""

from django import forms, template

register = template.Library()

_CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def widget_kind(bound_field) -> str:
    """How the field is laid out: "check", "choices", "hidden" or "control"."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "check"
    if isinstance(widget, _CHOICE_WIDGETS):
        return "choices"
    if widget.is_hidden:
        return "hidden"
    return "control"


@register.filter
def bs_widget(bound_field):
    """The field's widget with Bootstrap's classes, marked invalid when the field has errors.

    Works for any form, Django's own (login, password change) and django-filter's included,
    so no form needs to know about the CSS framework.
    """
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select) and not isinstance(widget, _CHOICE_WIDGETS):
        css = "form-select"
    elif isinstance(widget, _CHOICE_WIDGETS) or widget.is_hidden:
        return bound_field.as_widget()
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return bound_field.as_widget(attrs={"class": f"{existing} {css}".strip()})
