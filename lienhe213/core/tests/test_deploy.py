"""Production settings fail closed: DEBUG is off unless turned on, a weak secret key is
refused, and ``check --deploy`` is clean in the documented production configuration.
Pages, API answers and exports carry ``Cache-Control: no-store`` and a Content Security
Policy."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.test import APIClient

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = secrets.token_urlsafe(50)
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": GOOD_KEY,
    "DJANGO_ALLOWED_HOSTS": "lienhe213.example.vn",
    "LIENHE213_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LIENHE213_"))}
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "lienhe213.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _debug_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _run(
        env,
        "-c",
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
    )


def test_debug_is_off_unless_turned_on():
    assert _debug_with({"DJANGO_SECRET_KEY": GOOD_KEY}).stdout.strip() == "False"
    assert _debug_with({"DJANGO_DEBUG": "1"}).stdout.strip() == "True"


@pytest.mark.parametrize("key", ["short", "a" * 60, "django-insecure-" + "x1y2z3" * 10])
def test_a_weak_secret_key_is_refused_in_production(key):
    result = _debug_with({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": key})

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set to a random value" in result.stderr


def test_without_a_key_the_server_refuses_to_start_but_migrations_run():
    server = _run({"DJANGO_DEBUG": "0"}, "-c", "import lienhe213.wsgi")
    migrations = _run({}, "manage.py", "makemigrations", "--check", "--dry-run")

    assert server.returncode != 0
    assert "The SECRET_KEY setting must not be empty" in server.stderr
    assert migrations.returncode == 0, migrations.stderr
    assert "No changes detected" in migrations.stdout


def test_check_deploy_is_clean_in_the_production_configuration():
    result = _run(PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pages_api_answers_and_exports_are_not_stored_and_carry_a_policy(world, client):
    client.force_login(world.commune_clerk)
    api = APIClient()
    api.force_authenticate(world.commune_clerk)

    responses = [
        client.get("/members/"),
        client.get("/members/", {"format": "xlsx"}),
        api.get("/api/v1/members/"),
    ]

    for response in responses:
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
    page_policy = responses[0]["Content-Security-Policy"]
    assert "script-src 'self'" in page_policy and "frame-ancestors 'none'" in page_policy
