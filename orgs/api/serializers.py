from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from orgs.models import Enterprise, Industry, Membership, OrgUnit


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["id", "code", "name", "gbt4754", "high_risk"]


class OrgUnitSerializer(serializers.ModelSerializer):
    industries = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "name",
            "short_name",
            "division_code",
            "level",
            "kind",
            "parent",
            "depth",
            "path",
            "numchild",
            "industries",
            "jurisdiction",
            "longitude",
            "latitude",
            "province",
            "city",
            "county",
            "township",
        ]
        read_only_fields = fields


class EnterpriseSerializer(serializers.ModelSerializer):
    org_unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    industry = serializers.PrimaryKeyRelatedField(queryset=Industry.objects.all())
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    version = serializers.IntegerField(
        required=False,
        help_text="更新时回传读取到的版本号；若记录已被他人修改，返回409。",
    )

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "kind",
            "industry",
            "industry_name",
            "org_unit",
            "org_unit_name",
            "high_risk",
            "address",
            "principal_name",
            "principal_phone",
            "controller_name",
            "controller_phone",
            "is_active",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Uniqueness and field validators run in the service, inside the transaction.
        extra_kwargs = {"credit_code": {"validators": []}}


class MembershipSerializer(serializers.ModelSerializer):
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None)

    class Meta:
        model = Membership
        fields = [
            "id",
            "org_unit",
            "org_unit_name",
            "role",
            "role_display",
            "enterprise",
            "enterprise_name",
        ]


class MeSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)
    active_membership = serializers.IntegerField(source="active_membership_id", default=None)
    scope = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = [
            "id",
            "username",
            "full_name",
            "phone",
            "is_superuser",
            "memberships",
            "active_membership",
            "scope",
        ]

    def get_scope(self, user) -> list[dict]:
        return self.context["scope_summary"]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
