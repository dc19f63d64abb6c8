"""The OpenAPI schema of the REST API generates cleanly and lists every endpoint."""

import json
import os

from django.core.management import call_command
from rest_framework.test import APIClient


def test_schema_view_lists_the_api(db):
    response = APIClient().get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert sorted(schema["paths"]) == [
        "/api/v1/accounts/",
        "/api/v1/accounts/{id}/",
        "/api/v1/auth/token/",
        "/api/v1/members/",
        "/api/v1/members/{id}/",
        "/api/v1/organizations/",
        "/api/v1/organizations/{id}/",
        "/api/v1/organizations/{id}/merge/",
        "/api/v1/organizations/{id}/move/",
        "/api/v1/organizations/{id}/rename/",
        "/api/v1/role-assignments/",
        "/api/v1/role-assignments/{id}/",
    ]
    assert sorted(schema["paths"]["/api/v1/members/{id}/"]) == ["get", "patch"]
    assert "security" not in schema["paths"]["/api/v1/auth/token/"]["post"]
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/members/"]["get"]["security"]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"


def test_schema_validates_without_warnings(db):
    # Raises on any warning or error of the generator, or an invalid OpenAPI document.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull)
