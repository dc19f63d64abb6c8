"""The report's shape in the REST API (the same figures as the page)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ChildSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    side = serializers.CharField()
    figures = serializers.DictField(child=serializers.FloatField(allow_null=True))


class IndicatorsSerializer(serializers.Serializer[Any]):
    organization = serializers.IntegerField()
    year = serializers.IntegerField(allow_null=True)
    start = serializers.DateField()
    end = serializers.DateField()
    on = serializers.DateField(help_text=_("The day the 'as of' figures are read on."))
    meetings_required_per_cell = serializers.IntegerField()
    figures = serializers.DictField(child=serializers.FloatField(allow_null=True))
    reasons = serializers.DictField(child=serializers.IntegerField())
    distribution = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField())
    )
    problems = serializers.DictField(child=serializers.IntegerField())
    children = ChildSerializer(many=True)
