"""The cache: one for every process when CACHE_URL names a Redis server, each process's own
memory otherwise; a minute at most by default, and never a victim's data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.role_pages import read_every_roles_pages
from tests.security.canary import CANARY_STRINGS, seed_canary_request

ROOT = Path(__file__).resolve().parents[2]
REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"
LOCMEM_BACKEND = "django.core.cache.backends.locmem.LocMemCache"


def _run_django(code: str, **env: str | None) -> str:
    """Run `code` in a fresh Python process with Django set up from the environment given."""
    run_env = {k: v for k, v in os.environ.items() if k not in env}
    run_env.update({k: v for k, v in env.items() if v is not None})
    run_env["DJANGO_SETTINGS_MODULE"] = "uvisa_portal.settings"
    proc = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=run_env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _configured_backend() -> str:
    return settings.CACHES["default"]["BACKEND"]


def _caches_with(cache_url: str | None) -> dict:
    code = "from django.conf import settings; print(__import__('json').dumps(settings.CACHES))"
    return json.loads(_run_django(code, CACHE_URL=cache_url))["default"]


@pytest.mark.parametrize("cache_url", [None, ""])
def test_without_cache_url_each_process_keeps_its_cache_in_memory(cache_url):
    config = _caches_with(cache_url)
    assert config["BACKEND"] == LOCMEM_BACKEND
    assert config["TIMEOUT"] == 60


def test_a_redis_cache_url_gives_djangos_own_redis_backend_with_short_socket_timeouts():
    config = _caches_with("redis://cache.internal:6380/2")
    assert config["BACKEND"] == REDIS_BACKEND
    assert config["LOCATION"] == "redis://cache.internal:6380/2"
    assert config["TIMEOUT"] == 60
    assert config["OPTIONS"] == {"socket_connect_timeout": 2, "socket_timeout": 2}


def test_the_cache_urls_query_string_overrides_the_socket_timeouts():
    config = _caches_with("rediss://cache.internal:6380/2?socket_timeout=5")
    assert config["BACKEND"] == REDIS_BACKEND
    assert config["OPTIONS"] == {"socket_connect_timeout": 2, "socket_timeout": 5}


def test_an_entry_stored_without_a_timeout_is_gone_after_a_minute(time_machine):
    time_machine.move_to("2026-03-02 12:00:00", tick=False)
    cache.set("no-timeout-given", "figures")
    time_machine.shift(59)
    if _configured_backend() == REDIS_BACKEND:
        # Redis expires keys by its own clock: read the time to live it was given.
        assert 0 < cache._cache.get_client().ttl(cache.make_key("no-timeout-given")) <= 60
    else:
        assert cache.get("no-timeout-given") == "figures"
        time_machine.shift(2)
        assert cache.get("no-timeout-given") is None


def test_a_value_set_by_another_process_is_seen_here_only_through_a_shared_cache():
    """With CACHE_URL pointing at Redis (CI, docker-compose, production) every web process and
    worker reads what another one stored: a TOTP code used on one web process is refused on all
    of them, and sign-in's rate limits count every attempt. Without it, each process has its own."""
    key = f"cross-process-{uuid.uuid4().hex}"
    _run_django(f"from django.core.cache import cache; cache.set({key!r}, 'from the other', 30)")
    cache.set(f"{key}-here", "from the test", 30)
    seen_there = _run_django(
        f"from django.core.cache import cache; print(cache.get({key!r} + '-here'))"
    ).strip()
    if _configured_backend() == REDIS_BACKEND:
        assert cache.get(key) == "from the other"
        assert seen_there == "from the test"
    else:
        assert _configured_backend() == LOCMEM_BACKEND
        assert cache.get(key) is None
        assert seen_there == "None"


def _cached_values() -> list[bytes]:
    """Every value in the cache, as the bytes the backend stores (pickles)."""
    if _configured_backend() == REDIS_BACKEND:
        client = cache._cache.get_client()
        return [client.get(key) or b"" for key in client.scan_iter()]
    return list(cache._cache.values())


def test_no_cached_value_holds_victim_data_after_every_role_read_its_pages(client, personas):
    cert_request, _, _ = seed_canary_request(personas)
    read_every_roles_pages(client, personas, cert_request)
    # Sign-in and the pages stored something (rate limits, figures, directory choices), and none
    # of it is the victim's: only the pages' own bodies show the canary values.
    values = _cached_values()
    assert values
    for value in values:
        for canary in CANARY_STRINGS:
            assert canary.encode() not in value
