"""居民身份号码 (GB 11643): validation and protected storage.

The clear number is never stored. A Person keeps three derived values:
- a keyed hash (HMAC-SHA256), so a roster row finds its person by exact number;
- the last 4 characters, so officials can search and tell people apart in lists;
- the number encrypted with Fernet, readable only through `training.services.reveal_id_number`
  (explicit permission, every reveal audited).
Both keys derive from settings.SECRET_KEY with distinct labels, so neither can stand in for
the other; rotating SECRET_KEY therefore needs the numbers re-encrypted.
"""

import base64
import hashlib
import hmac
from datetime import date

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


def normalise(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def check_character(first17: str) -> str:
    return CHECK_CHARACTERS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def looks_like_id_number(value: str) -> bool:
    """Shaped like an 18-character ID number: then it is one, or a mistyped one."""
    number = normalise(value)
    return (
        len(number) == 18 and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")
    )


def validate_id_number(value: str) -> str:
    """The normalised 18-character number, or a Chinese ValidationError."""
    number = normalise(value)
    if not looks_like_id_number(number):
        raise ValidationError(
            _("身份证号码应为18位（前17位为数字，末位为数字或X）。"), code="format"
        )
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="birth_date") from None
    if check_character(number[:17]) != number[17]:
        raise ValidationError(_("身份证号码校验位不正确，请核对。"), code="check_digit")
    return number


def _key(label: bytes) -> bytes:
    return hashlib.sha256(label + settings.SECRET_KEY.encode()).digest()


def lookup_hash(number: str) -> str:
    return hmac.new(_key(b"training.id_number.hmac:"), number.encode(), hashlib.sha256).hexdigest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key(b"training.id_number.fernet:")))


def encrypt(number: str) -> str:
    return _fernet().encrypt(number.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def mask(last4: str) -> str:
    """How lists, exports and the API show a number: 14 stars and its last 4."""
    return f"{'*' * 14}{last4}" if last4 else ""
