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
        "/api/v1/accounts/{id}/unlock/",
        "/api/v1/auth/logout/",
        "/api/v1/auth/password/",
        "/api/v1/auth/token/",
        "/api/v1/classifications/",
        "/api/v1/classifications/{id}/",
        "/api/v1/classifications/{id}/revoke/",
        "/api/v1/commendations/",
        "/api/v1/commendations/{id}/",
        "/api/v1/commendations/{id}/decide/",
        "/api/v1/commendations/{id}/reject/",
        "/api/v1/comments/campaigns/",
        "/api/v1/comments/campaigns/{id}/",
        "/api/v1/comments/requests/",
        "/api/v1/comments/requests/{id}/",
        "/api/v1/comments/requests/{id}/acknowledge/",
        "/api/v1/comments/requests/{id}/answer/",
        "/api/v1/comments/requests/{id}/confirm/",
        "/api/v1/comments/requests/{id}/draft/",
        "/api/v1/comments/requests/{id}/follow-up/",
        "/api/v1/comments/requests/{id}/front-meeting/",
        "/api/v1/comments/requests/{id}/rating/",
        "/api/v1/comments/requests/{id}/return/",
        "/api/v1/comments/requests/{id}/sign/",
        "/api/v1/documents/",
        "/api/v1/documents/batches/",
        "/api/v1/documents/batches/{batch_pk}/",
        "/api/v1/documents/comments/",
        "/api/v1/documents/letters/",
        "/api/v1/documents/requests/",
        "/api/v1/documents/verify/{code}/",
        "/api/v1/documents/{id}/",
        "/api/v1/documents/{id}/docx/",
        "/api/v1/documents/{id}/pdf/",
        "/api/v1/documents/{id}/revoke/",
        "/api/v1/feedback/channels/",
        "/api/v1/feedback/opinions/",
        "/api/v1/feedback/opinions/{id}/",
        "/api/v1/feedback/public/status/",
        "/api/v1/feedback/public/submit/",
        "/api/v1/feedback/public/{slug}/",
        "/api/v1/feedback/reports/",
        "/api/v1/feedback/reports/{id}/",
        "/api/v1/feedback/reports/{id}/close/",
        "/api/v1/feedback/reports/{id}/forward/",
        "/api/v1/feedback/reports/{id}/match/",
        "/api/v1/feedback/reports/{id}/phone/",
        "/api/v1/guidance/entries/",
        "/api/v1/guidance/entries/{id}/",
        "/api/v1/guidance/entries/{id}/note/",
        "/api/v1/guidance/entries/{id}/revise/",
        "/api/v1/guidance/walkthrough/",
        "/api/v1/guidance/walkthrough/dismiss/",
        "/api/v1/imports/",
        "/api/v1/imports/{id}/",
        "/api/v1/imports/{id}/commit/",
        "/api/v1/imports/{id}/errors/",
        "/api/v1/letters/issue/",
        "/api/v1/links/",
        "/api/v1/links/remap/",
        "/api/v1/links/{id}/",
        "/api/v1/links/{id}/acknowledge/",
        "/api/v1/links/{id}/assign/",
        "/api/v1/links/{id}/change-workplace/",
        "/api/v1/links/{id}/end/",
        "/api/v1/links/{id}/exempt/",
        "/api/v1/links/{id}/move-residence/",
        "/api/v1/links/{id}/present/",
        "/api/v1/links/{id}/receive/",
        "/api/v1/links/{id}/retire/",
        "/api/v1/links/{id}/return/",
        "/api/v1/me/data/",
        "/api/v1/meetings/",
        "/api/v1/meetings/{id}/",
        "/api/v1/meetings/{id}/attendance/",
        "/api/v1/meetings/{id}/cancel/",
        "/api/v1/meetings/{id}/follow-up-done/",
        "/api/v1/meetings/{id}/follow-up/",
        "/api/v1/meetings/{id}/held/",
        "/api/v1/meetings/{id}/opinion/",
        "/api/v1/members/",
        "/api/v1/members/{id}/",
        "/api/v1/notices/",
        "/api/v1/notices/{id}/",
        "/api/v1/notices/{id}/acknowledge/",
        "/api/v1/notices/{id}/close/",
        "/api/v1/notices/{id}/reply/",
        "/api/v1/notifications/",
        "/api/v1/notifications/mark-read/",
        "/api/v1/organizations/",
        "/api/v1/organizations/{id}/",
        "/api/v1/organizations/{id}/merge/",
        "/api/v1/organizations/{id}/move/",
        "/api/v1/organizations/{id}/rename/",
        "/api/v1/reconciliation/",
        "/api/v1/reports/feedback/",
        "/api/v1/reports/indicators/",
        "/api/v1/reports/review/",
        "/api/v1/role-assignments/",
        "/api/v1/role-assignments/{id}/",
        "/api/v1/training/materials/{id}/",
        "/api/v1/training/materials/{id}/download/",
        "/api/v1/training/sessions/",
        "/api/v1/training/sessions/{id}/",
        "/api/v1/training/sessions/{id}/attendance/",
        "/api/v1/training/sessions/{id}/cancel/",
        "/api/v1/training/sessions/{id}/invite/",
        "/api/v1/training/sessions/{id}/materials/",
    ]
    assert sorted(schema["paths"]["/api/v1/members/{id}/"]) == ["get", "patch"]
    assert sorted(schema["paths"]["/api/v1/links/{id}/"]) == ["get"]
    assert sorted(schema["paths"]["/api/v1/reconciliation/"]) == ["get"]
    assert "security" not in schema["paths"]["/api/v1/auth/token/"]["post"]
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/members/"]["get"]["security"]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"


def test_schema_validates_without_warnings(db):
    # Raises on any warning or error of the generator, or an invalid OpenAPI document.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull)
