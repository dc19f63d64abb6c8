"""REST API for accounts: exchange a username and password for an API token.

Logins through the API are audited exactly like logins through the login page: Django's
``authenticate()`` fires ``user_login_failed`` on bad credentials, and this view fires
``user_logged_in`` on success (token authentication never calls ``login()``, which is
what fires it for the login page). ``accounts.services`` records both signals.
"""

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lienhe213.accounts.models import User


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(label=_("Username"), max_length=150)
    password = serializers.CharField(
        label=_("Password"),
        max_length=4096,
        trim_whitespace=False,
        style={"input_type": "password"},
    )


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(label=_("Token"), read_only=True)


class ObtainTokenView(APIView):
    """POST a username and password, receive the user's API token.

    Send the token afterwards as ``Authorization: Token <token>``. Inactive accounts and
    wrong passwords get the same answer, so the endpoint does not reveal which accounts
    exist.
    """

    authentication_classes: list[type[Any]] = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description=_("Wrong username or password, or a missing field.")),
        },
        auth=[],
        summary="Obtain an API token",
    )
    def post(self, request: Request) -> Response:
        credentials = TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=credentials.validated_data["username"],
            password=credentials.validated_data["password"],
        )
        if not isinstance(user, User):
            raise serializers.ValidationError(
                {"detail": _("The username or password is incorrect.")}
            )
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response(TokenSerializer({"token": token.key}).data)
