"""Validation of official codes: 统一社会信用代码 (GB 32100-2015), GB/T 2260 division codes."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from orgs.constants import DIVISION_CODE_LENGTH, Level

# GB 32100-2015: the code's alphabet leaves out I, O, Z, S and V.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_CODE_ALPHABET.index(ch) * weight
        for ch, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，当前为%(n)d位。"),
            code="credit_code_length",
            params={"n": len(code)},
        )
    bad = [ch for ch in code if ch not in CREDIT_CODE_ALPHABET]
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有无效字符“%(ch)s”（不使用I、O、Z、S、V）。"),
            code="credit_code_charset",
            params={"ch": bad[0]},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("统一社会信用代码第3至8位应为登记管理机关行政区划码（数字）。"),
            code="credit_code_division",
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误，请核对后重新输入。"),
            code="credit_code_check_digit",
        )


def normalise_credit_code(value: str) -> str:
    return (value or "").strip().upper()


_DIGITS = re.compile(r"^\d+$")


def validate_division_code(code: str, level: str, parent_code: str | None = None) -> None:
    """Check a GB/T 2260 code against its level and, when known, the parent region's code."""
    expected = DIVISION_CODE_LENGTH[level]
    if not code or not _DIGITS.match(code) or len(code) != expected:
        raise ValidationError(
            _("%(level)s的行政区划代码应为%(n)d位数字。"),
            code="division_code_format",
            params={"level": Level(level).label, "n": expected},
        )
    if level == Level.PROVINCE and not code.endswith("0000"):
        raise ValidationError(_("省级行政区划代码应以0000结尾。"), code="division_code_province")
    if level == Level.CITY and (code.endswith("0000") or not code.endswith("00")):
        raise ValidationError(
            _("设区市行政区划代码应以00结尾且第3、4位不为00。"), code="division_code_city"
        )
    if level == Level.COUNTY and code.endswith("00"):
        raise ValidationError(_("县级行政区划代码第5、6位不应为00。"), code="division_code_county")
    if parent_code:
        # A county's code shares its province's first two digits (counties directly under a
        # province exist, so only the province prefix is binding); a township extends its county's.
        prefix = {
            Level.CITY: parent_code[:2],
            Level.COUNTY: parent_code[:2],
            Level.TOWNSHIP: parent_code[:6],
        }.get(level)
        if prefix and not code.startswith(prefix):
            raise ValidationError(
                _("行政区划代码%(code)s与上级区划代码%(parent)s不一致。"),
                code="division_code_parent",
                params={"code": code, "parent": parent_code},
            )


_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def validate_phone(value: str) -> None:
    if value and not _PHONE.match(value.strip()):
        raise ValidationError(
            _("电话号码格式不正确：应为11位手机号或带区号的固定电话（如0791-86281234）。"),
            code="phone_format",
        )
