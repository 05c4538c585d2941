"""factory_boy factories for the governance hierarchy; tree nodes go through orgs.services."""

import itertools

import factory

from core.models import User
from orgs import services
from orgs.constants import Kind, Level
from orgs.models import Enterprise, Industry
from orgs.validators import credit_code_check_char

PASSWORD = "Anquan@2024"

_credit_serial = itertools.count(1)


def make_credit_code(division="360105") -> str:
    """A valid 统一社会信用代码 (GB 32100-2015) with a unique organisation part."""
    body = f"91{division}{next(_credit_serial):09d}"[:17]
    body = body.replace("I", "1")
    return body + credit_code_check_char(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.LazyAttribute(lambda o: o.username)
    password = factory.django.Password(PASSWORD)


def region(name, level, code, parent=None, **extra):
    return services.create_org_unit(
        parent=parent, name=name, level=level, kind=Kind.REGION, division_code=code, **extra
    )


def department(name, parent, industries=(), **extra):
    extra.setdefault(
        "level", extra["jurisdiction"].level if extra.get("jurisdiction") else parent.level
    )
    return services.create_org_unit(
        parent=parent,
        name=name,
        kind=Kind.DEPARTMENT,
        industries=industries,
        **extra,
    )


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.LazyFunction(make_credit_code)
    industry = factory.LazyFunction(lambda: Industry.objects.get(code="hazardous_chemicals"))
    principal_name = "张三"
    principal_phone = "13800000000"
    controller_name = "李四"
    controller_phone = "13900000000"


__all__ = ["PASSWORD", "EnterpriseFactory", "Level", "UserFactory", "department", "region"]
