"""``CACHE_URL``: with a shared Redis cache, what one application server counts or
computes is what the next one reads — the token endpoint's attempts and the dashboards.

The Redis tests need a server: ``LIENHE213_TEST_REDIS_URL`` (CI sets it and starts
Redis), otherwise redis://127.0.0.1:6379/15 if one answers there; they use their own
key prefix and remove their keys afterwards, never the whole database."""

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from lienhe213.accounts import dashboards
from lienhe213.accounts.models import Role
from lienhe213.settings import cache_from_url

REDIS_URL = os.environ.get("LIENHE213_TEST_REDIS_URL", "")


def test_no_cache_url_means_the_memory_of_each_process():
    assert cache_from_url("") == {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


@pytest.mark.parametrize(
    "url", ["redis://127.0.0.1:6379/1", "rediss://cache.example:6380/0", "unix:///run/redis.sock"]
)
def test_a_redis_address_selects_djangos_redis_backend(url):
    settings = cache_from_url(url)

    assert settings["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings["LOCATION"] == url


@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "127.0.0.1:6379", "locmem"])
def test_another_address_is_refused_at_start(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must be a redis"):
        cache_from_url(url)


@dataclass
class SharedCache:
    settings: dict[str, dict[str, object]]
    redis: redis.Redis
    prefix: str

    def keys(self) -> list[bytes]:
        return list(self.redis.scan_iter(f"{self.prefix}:*"))


@pytest.fixture
def shared_cache() -> Iterator[SharedCache]:
    """Settings naming a Redis cache under a key prefix of this test's own."""
    url = REDIS_URL or "redis://127.0.0.1:6379/15"
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError:
        if REDIS_URL:
            raise  # CI promised a server: its absence is a failure, not a skip
        pytest.skip("no Redis server at 127.0.0.1:6379 (set LIENHE213_TEST_REDIS_URL)")
    prefix = f"lienhe213-test-{uuid.uuid4().hex}"
    shared = SharedCache({"default": {**cache_from_url(url), "KEY_PREFIX": prefix}}, client, prefix)
    yield shared
    if keys := shared.keys():
        client.delete(*keys)


def _attempt(username: str, password: str) -> int:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    data = {"username": username, "password": password}
    response = api.post("/api/v1/auth/token/", data, format="json", REMOTE_ADDR="10.0.0.9")
    return response.status_code


def test_a_second_server_refuses_the_attempt_the_first_one_counted_too_many(world, shared_cache):
    # Each override builds its own cache connection, as a separate process would.
    with override_settings(CACHES=shared_cache.settings):
        assert [_attempt("xa", "wrong") for _ in range(10)] == [400] * 10
    assert shared_cache.keys()  # the count lives in Redis

    with override_settings(CACHES=shared_cache.settings):
        assert _attempt("xa", "demo") == 429

    # Without the shared cache (this process's memory) the count starts from nothing.
    assert _attempt("xa", "demo") == 200


def test_a_dashboard_computed_by_one_server_is_served_by_another(world, shared_cache, client):
    today = timezone.localdate()
    org = world.commune_a_committee
    with override_settings(CACHES=shared_cache.settings):
        first = dashboards.cached(
            user=world.commune_clerk,
            kind=dashboards.KIND_OF_ROLE[Role.COMMUNE_CLERK],
            organization=org,
            year=today.year,
            today=today,
        )
    assert shared_cache.keys()

    with override_settings(CACHES=shared_cache.settings):
        client.force_login(world.commune_clerk)
        url = reverse("accounts:dashboard", args=[org.pk, "commune_clerk"])
        # the second server does not compute: a build here would be a failure
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(dashboards, "build", _must_not_build)
            response = client.get(url)

    assert response.status_code == 200
    served = response.context["dashboard"]
    assert [(c.key, c.value) for c in served.cards] == [(c.key, c.value) for c in first.cards]
    assert served.cards  # the commune clerk's dashboard has figures to compare


def _must_not_build(**kwargs: object) -> None:
    raise AssertionError("the dashboard was computed again instead of read from Redis")
