"""统一社会信用代码 (GB 32100-2015), GB/T 2260 division codes and phone numbers."""

import pytest
from django.core.exceptions import ValidationError

from orgs.constants import Level
from orgs.validators import (
    credit_code_check_char,
    validate_credit_code,
    validate_division_code,
    validate_phone,
)

# Published codes of real registrations; the last character checks the first 17.
REAL_CREDIT_CODES = ["91350100M000100Y43", "911101080828461726", "91440300708461136T"]


def error_code(validator, *args):
    with pytest.raises(ValidationError) as caught:
        validator(*args)
    return caught.value.code, caught.value.messages[0]


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_real_credit_codes_are_valid(code):
    assert credit_code_check_char(code[:17]) == code[17]
    validate_credit_code(code)
    validate_credit_code(f"  {code.lower()} ")  # as typed: spaces and lower case


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("91350100M000100Y4", "credit_code_length", "应为18位，当前为17位"),
        ("91350100M000100Y433", "credit_code_length", "当前为19位"),
        ("", "credit_code_length", "当前为0位"),
        ("91350100M000100O43", "credit_code_charset", "无效字符“O”"),
        ("91350100M0001-0Y43", "credit_code_charset", "无效字符“-”"),
        ("9135010AM000100Y43", "credit_code_division", "行政区划码"),
        ("91350100M000100Y44", "credit_code_check_digit", "校验位错误"),
    ],
)
def test_invalid_credit_codes_say_what_is_wrong(value, code, message):
    actual_code, actual_message = error_code(validate_credit_code, value)
    assert actual_code == code and message in actual_message


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("360000", Level.PROVINCE, None),
        ("360100", Level.CITY, "360000"),
        ("360105", Level.COUNTY, "360100"),
        ("429004", Level.COUNTY, "420000"),  # 仙桃市, directly under 湖北省
        ("360105101", Level.TOWNSHIP, "360105"),
    ],
)
def test_valid_division_codes(code, level, parent):
    validate_division_code(code, level, parent)


@pytest.mark.parametrize(
    ("code", "level", "parent", "expected"),
    [
        ("36000", Level.PROVINCE, None, "division_code_format"),
        ("36A000", Level.PROVINCE, None, "division_code_format"),
        ("360100", Level.PROVINCE, None, "division_code_province"),
        ("360000", Level.CITY, None, "division_code_city"),
        ("360105", Level.CITY, None, "division_code_city"),
        ("360100", Level.COUNTY, None, "division_code_county"),
        ("360105", Level.TOWNSHIP, None, "division_code_format"),
        ("3601051011", Level.TOWNSHIP, None, "division_code_format"),
        ("340100", Level.CITY, "360000", "division_code_parent"),
        ("361129100", Level.TOWNSHIP, "360105", "division_code_parent"),
    ],
)
def test_invalid_division_codes(code, level, parent, expected):
    assert error_code(validate_division_code, code, level, parent)[0] == expected


@pytest.mark.parametrize(
    "phone", ["13907910001", "0791-86281234", "079186281234", "010-12345678-123"]
)
def test_valid_phones(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["1234567", "12907910001", "139079100011", "0791-123"])
def test_invalid_phones(phone):
    assert error_code(validate_phone, phone)[0] == "phone_format"
