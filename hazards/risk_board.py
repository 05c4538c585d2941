"""一图一牌三清单 of an enterprise, rendered to an A4 PDF with WeasyPrint.

- 一图: the enterprise's four-colour risk distribution — each risk place as a block in its
  level's colour, highest first (no floor plan is stored, so the places are laid out as a
  grid rather than drawn on a plan);
- 一牌: the notice board (岗位风险告知牌) of each major and high risk: place, factors,
  possible accidents, measures, emergency actions, the responsible person;
- 三清单: the lists of control responsibilities, control measures and emergency actions.

Body text in Noto Serif CJK SC and headings in Noto Sans CJK SC (Debian's fonts-noto-cjk),
subset and embedded by WeasyPrint. Nothing is fetched while rendering.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from hazards.risk_constants import RISK_LEVEL_COLOURS, RISK_LEVEL_ORDER, RiskLevel

BOARD_LEVELS = (RiskLevel.MAJOR, RiskLevel.HIGH)


def _no_fetch(url, *args, **kwargs):
    # The board embeds no images; texts typed into forms can never make the server fetch.
    raise ValueError(f"the risk board loads no resources: {url}")


def board_context(enterprise, risks) -> dict:
    labels = dict(RiskLevel.choices)
    rank = {level: index for index, level in enumerate(RISK_LEVEL_ORDER)}
    risks = sorted(risks, key=lambda risk: (rank[risk.level], -risk.score, risk.pk))
    for risk in risks:
        risk.colour_name, risk.colour = RISK_LEVEL_COLOURS[risk.level]
    return {
        "enterprise": enterprise,
        "risks": risks,
        "boards": [risk for risk in risks if risk.level in BOARD_LEVELS],
        "legend": [
            {
                "label": labels[level],
                "colour_name": RISK_LEVEL_COLOURS[level][0],
                "colour": RISK_LEVEL_COLOURS[level][1],
                "count": sum(1 for risk in risks if risk.level == level),
            }
            for level in RISK_LEVEL_ORDER
        ],
        "printed_on": timezone.localdate(),
    }


def render_board(enterprise, risks) -> bytes:
    html = render_to_string("hazards/risk_board_pdf.html", board_context(enterprise, risks))
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()
