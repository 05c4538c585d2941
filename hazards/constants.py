"""The ledger's fixed rules: campaign targets, deadlines, thresholds and who may do what."""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.constants import VIEWER, Role

# 存量: found by the end of 2023, to be cleared by the end of 2024 (seeds 002, 003);
# 增量: found from 2024 on, to be curbed by the end of 2025.
STOCK_CUTOFF = date(2023, 12, 31)
STOCK_TARGET = date(2024, 12, 31)
INCREMENT_TARGET = date(2025, 12, 31)

# Days before the deadline at which the location's staff and the enterprise are reminded.
REMINDER_DAYS = (7, 3, 1)
# Days past the deadline from which each escalation step is proposed (函告 → 通报 → 约谈 → 曝光).
ESCALATION_THRESHOLDS = {1: 0, 2: 15, 3: 30, 4: 60}

# At most this many files in one upload, so a phone's whole camera roll is not one request.
MAX_FILES_PER_UPLOAD = 10


class HazardAction:
    """Scope actions on hazards (`Hazard.objects.restrict(user, action)`)."""

    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    # Confirming a report: an official, never an enterprise user.
    CONFIRM = "confirm"
    # Verifying and closing out (审核把关销号): a regulator above the location or the
    # sectoral department; see Hazard.scope_clause.
    VERIFY = "verify"
    # 挂牌督办 and 摘牌: a superior of the location, as VERIFY.
    LIST = "list"
    VOID = "void"
    # Issuing or dismissing an escalation: a superior of the location, as VERIFY.
    ISSUE = "issue"


# Actions that only a unit above the hazard's location (or the sectoral department) may take.
SUPERIOR_ACTIONS = frozenset({HazardAction.VERIFY, HazardAction.LIST, HazardAction.ISSUE})

_OFFICIAL_EDIT = frozenset({HazardAction.VIEW, HazardAction.ADD, HazardAction.CHANGE})
HAZARD_ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: _OFFICIAL_EDIT
    | {
        HazardAction.CONFIRM,
        HazardAction.VERIFY,
        HazardAction.LIST,
        HazardAction.VOID,
    },
    Role.LEADER: frozenset(
        {HazardAction.VIEW, HazardAction.CONFIRM, HazardAction.VERIFY, HazardAction.LIST}
        | {HazardAction.VOID}
    ),
    Role.STAFF: _OFFICIAL_EDIT | {HazardAction.CONFIRM, HazardAction.VERIFY, HazardAction.VOID},
    # Supervision groups find and report hazards; closing them out is for regulators.
    Role.SUPERVISOR: _OFFICIAL_EDIT | {HazardAction.CONFIRM},
    # Enterprise users report their own hazards, fill in the 五落实 and ask for close-out.
    Role.ENTERPRISE: _OFFICIAL_EDIT,
    VIEWER: frozenset({HazardAction.VIEW}),
}

ESCALATION_ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({HazardAction.VIEW, HazardAction.ISSUE}),
    Role.LEADER: frozenset({HazardAction.VIEW, HazardAction.ISSUE}),
    Role.STAFF: frozenset({HazardAction.VIEW}),
    Role.SUPERVISOR: frozenset({HazardAction.VIEW}),
    VIEWER: frozenset({HazardAction.VIEW}),
}


class TransitionAction(models.TextChoices):
    """What a HazardTransition records, for the timeline."""

    REPORT = "report", _("上报")
    CONFIRM = "confirm", _("确认")
    PLAN = "plan", _("制定整改方案")
    START_RECTIFICATION = "start_rectification", _("开始整改")
    REQUEST_CLOSE_OUT = "request_close_out", _("申请销号")
    CLOSE = "close", _("审核销号")
    RETURN = "return", _("退回")
    LIST = "list", _("挂牌督办")
    DELIST = "delist", _("摘牌")
    VOID = "void", _("作废")
    RESTORE = "restore", _("恢复")
    IMPORT = "import", _("导入")


class ReportAction:
    """Scope actions on citizens' reports (`PublicReport.objects.restrict(user, action)`).

    Seeing the reporter's identity is not a scope action: it needs the explicit permission
    `hazards.view_reporter_identity` (or the auditor role) on top of VIEW.
    """

    VIEW = "view"
    ASSIGN = "assign"
    # Investigating and concluding (查实 / 不实).
    HANDLE = "handle"
    REWARD = "reward"


# Enterprises never see reports (a report may name their own unit); supervisors work on
# inspections, not on the report queue.
PUBLIC_REPORT_ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {ReportAction.VIEW, ReportAction.ASSIGN, ReportAction.HANDLE, ReportAction.REWARD}
    ),
    Role.LEADER: frozenset({ReportAction.VIEW, ReportAction.ASSIGN, ReportAction.REWARD}),
    Role.STAFF: frozenset({ReportAction.VIEW, ReportAction.ASSIGN, ReportAction.HANDLE}),
    Role.AUDITOR: frozenset({ReportAction.VIEW}),
    VIEWER: frozenset({ReportAction.VIEW}),
}

# 12 characters from an alphabet without 0/O, 1/I/L: about 60 bits, typed from a slip of paper.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 12
