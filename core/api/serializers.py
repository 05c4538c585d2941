"""Serializer bases shared by the apps' APIs."""

import copy

from rest_framework import serializers


class PrebuiltFieldsSerializer(serializers.ModelSerializer):
    """A read-only row of a hot list whose fields are built from the model once per class.

    ModelSerializer introspects the model and builds every field anew for each response —
    about a fifth of a ledger page's time in the profile — although a row's fields depend on
    nothing but the class. Here the first use builds them and later uses copy them. Only for
    serializers whose fields depend on no context (no request, no user).
    """

    def get_fields(self):
        cls = type(self)
        prototypes = cls.__dict__.get("_prototype_fields")
        if prototypes is None:
            prototypes = super().get_fields()
            cls._prototype_fields = prototypes
        return copy.deepcopy(prototypes)
