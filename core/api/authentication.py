"""The API's token authentication."""

from functools import cache

from django.db import connections
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class _TokenStatement:
    """`Token.objects.select_related("user").filter(key=…)`, compiled by the ORM once."""

    def __init__(self, alias: str):
        compiler = Token.objects.select_related("user").filter(key="").query.get_compiler(alias)
        self.sql = compiler.as_sql()[0]
        self.converters = compiler.get_converters([selected[0] for selected in compiler.select])
        self.compiler = compiler
        user_model = Token.user.field.related_model
        self.token_fields = [field.attname for field in Token._meta.concrete_fields]
        self.user_fields = [field.attname for field in user_model._meta.concrete_fields]
        if len(compiler.select) != len(self.token_fields) + len(self.user_fields):
            raise RuntimeError("the token query no longer selects the token and its user alone")
        self.user_model = user_model
        self.alias = alias

    def fetch(self, key: str) -> Token | None:
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, [key])
            row = cursor.fetchone()
        if row is None:
            return None
        if self.converters:
            row = next(iter(self.compiler.apply_converters([row], self.converters)))
        split = len(self.token_fields)
        token = Token.from_db(self.alias, self.token_fields, row[:split])
        token.user = self.user_model.from_db(self.alias, self.user_fields, row[split:])
        return token


@cache
def _token_statement(alias: str) -> _TokenStatement:
    return _TokenStatement(alias)


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, its one query compiled once per process.

    Every API call starts here, so building and compiling the same query on each request
    (about 0.5 ms, more than its SQL takes) was a fixed cost of every call. The token and its
    user are still read from the database on every request — a revoked token or a changed
    scope (`User.scope_version`) takes effect on the next call — and the answers are DRF's.
    """

    def authenticate_credentials(self, key):
        token = _token_statement(Token.objects.db).fetch(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
