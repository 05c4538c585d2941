"""督办函 and 警示函: an enforcement action's letter, rendered to an A4 PDF with WeasyPrint.

The letter is an HTML template (templates/inspections/documents/) laid out for print: A4,
official-document margins, 仿宋-like body text in Noto Serif CJK SC and headings in Noto Sans
CJK SC (Debian's fonts-noto-cjk), which WeasyPrint subsets and embeds, so the PDF reads the
same on a machine without Chinese fonts. Nothing is fetched over the network while rendering.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import HTML

from inspections.models import ChecklistResult, EnforcementAction

TEMPLATES = {
    EnforcementAction.DocumentKind.SUPERVISION_LETTER: "supervision_letter.html",
    EnforcementAction.DocumentKind.WARNING_LETTER: "warning_letter.html",
}


def _no_fetch(url, *args, **kwargs):
    # Letters carry no images or remote styles; refusing every fetch keeps a text typed into a
    # form (an <img src> would be escaped anyway) from ever making the server open a URL.
    raise ValueError(f"letters load no resources: {url}")


def letter_findings(action: EnforcementAction) -> list[ChecklistResult]:
    """The failed checklist items of the action's inspection at its enterprise."""
    if action.inspection_id is None:
        return []
    return list(
        ChecklistResult.objects.filter(
            inspection_id=action.inspection_id,
            target__enterprise_id=action.enterprise_id,
            result=ChecklistResult.Result.FAIL,
        )
        .select_related("item__criterion", "hazard")
        .order_by("item__number", "id")
    )


def render_letter(action: EnforcementAction, document_kind: str) -> bytes:
    """The PDF of the action's letter of `document_kind`."""
    html = render_to_string(
        f"inspections/documents/{TEMPLATES[document_kind]}",
        {"action": action, "findings": letter_findings(action), "enterprise": action.enterprise},
    )
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()
