"""The skeleton: settings, health check, error pages, home per role, demo data, compose file."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role, User
from agencies.models import Agency

ROOT = Path(__file__).resolve().parents[2]


def test_settings_refuse_to_start_without_secret_key_when_not_debugging():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    proc = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "uvisa_portal.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert "SECRET_KEY must be set" in proc.stderr


def test_debug_is_off_and_time_zone_is_central(settings):
    from django.conf import settings as live

    assert live.DEBUG is False
    assert live.TIME_ZONE == "America/Chicago"
    assert Path(live.MEDIA_ROOT).resolve() != (ROOT / "static").resolve()
    assert not str(Path(live.MEDIA_ROOT).resolve()).startswith(str((ROOT / "static").resolve()))


@pytest.mark.django_db
def test_healthz_answers_ok_when_database_broker_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "broker": "ok",
        "cache": "ok",
        "dead_notifications": 0,
        "status": "ok",
    }


@pytest.mark.django_db
def test_healthz_names_the_broker_when_it_is_down_without_leaking_its_address(client, monkeypatch):
    from uvisa_portal import views

    monkeypatch.setattr(views, "_broker_url", lambda: "redis://:secret-password@127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "unreachable"
    assert response.json()["database"] == "ok"
    assert b"secret-password" not in response.content
    assert b"127.0.0.1" not in response.content


@pytest.mark.django_db
def test_healthz_names_the_cache_when_it_is_down_without_leaking_its_address(client, settings):
    # Nothing listens on port 1: the connection is refused at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://:secret-password@127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "database": "ok",
        "broker": "ok",
        "cache": "unreachable",
        "dead_notifications": 0,
        "status": "unavailable",
    }
    assert b"secret-password" not in response.content
    assert b"127.0.0.1" not in response.content


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("persona", "heading"),
    [
        ("advocate_a", "Organization A Shelter"),
        ("contact_x", "Agency X Police Department"),
        ("coordinator", "Statewide coordinator"),
        ("admin", "Administration"),
    ],
)
def test_each_role_lands_on_its_home_page(client, personas, persona, heading):
    client.force_login(getattr(personas, persona))
    response = client.get("/")
    assert response.status_code == 200
    assert heading in response.content.decode()


def test_unknown_page_says_so_in_plain_words(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_server_error_page_is_plain_and_has_no_stack_trace(rf):
    from uvisa_portal.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert "Traceback" not in body


def test_login_page_renders(client, db):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert "Sign In" in response.content.decode()


def test_signup_is_closed(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": "x" * 20, "password2": "x" * 20},
    )
    assert not User.objects.filter(email="new@example.org").exists()
    assert response.status_code == 200
    assert "closed" in response.content.decode().lower()


@pytest.mark.django_db
def test_demo_data_commands_are_idempotent(settings):
    settings.DEBUG = True
    for _ in range(2):
        call_command("load_minnesota_directory", verbosity=0)
        call_command("load_demo_accounts", verbosity=0)
        call_command("load_demo_requests", verbosity=0)
    assert Agency.objects.filter(is_statewide_coordinator=True).count() == 1
    from certifications.models import CertificationRequest

    statuses = sorted(CertificationRequest.objects.values_list("status", flat=True))
    assert statuses == ["certified", "draft", "info_requested", "submitted"]
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {r.value for r in Role}
    emails = list(User.objects.values_list("email", flat=True))
    assert len(emails) == len(set(emails))


@pytest.mark.django_db
def test_the_demo_code_command_is_printed_as_it_must_be_run(settings):
    """`make run` prints it; the command refuses to run without DEBUG, so the line says it."""
    settings.DEBUG = True
    call_command("load_minnesota_directory", verbosity=0)
    out = io.StringIO()
    call_command("load_demo_accounts", stdout=out)
    commands = re.findall(r"`([^`]+)`", out.getvalue())
    assert commands, out.getvalue()
    # Each command is run as printed, from the project root, as a person would paste it.
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    for command in commands:
        done = subprocess.run(
            ["/bin/sh", "-c", command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, (command, done.stderr)
        assert re.fullmatch(r"\d{6}\n", done.stdout), (command, done.stdout)


def test_demo_accounts_refuse_to_run_in_production(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="development only"):
        call_command("load_demo_accounts", verbosity=0)


# --- docker-compose.yml describes production; no Docker engine here, so check what we can ---


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_file_has_the_production_services_with_health_checks_and_volumes():
    compose = _compose()
    services = compose["services"]
    servers = {"db", "pgbouncer", "redis-cache", "redis-broker"}
    assert servers | {"migrate", "web", "worker", "beat"} <= set(services)
    for name in ("db", "pgbouncer", "redis-cache", "redis-broker", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert {"pgdata", "redisdata", "media"} <= set(compose["volumes"])
    assert services["web"]["command"][0] == "gunicorn"


def test_compose_sends_web_and_workers_through_pgbouncer_in_transaction_mode():
    services = _compose()["services"]
    assert services["pgbouncer"]["environment"]["POOL_MODE"] == "transaction"
    assert services["pgbouncer"]["environment"]["DB_HOST"] == "db"
    for name in ("web", "worker", "beat"):
        url = services[name]["environment"]["DATABASE_URL"]
        assert "@pgbouncer:5432/portal" in url, name
    # Migrations hold their locks for the whole run: straight to PostgreSQL.
    assert "@db:5432/portal" in services["migrate"]["environment"]["DATABASE_URL"]


def test_compose_keeps_the_cache_and_the_broker_on_separate_redis_servers():
    services = _compose()["services"]
    for name in ("web", "worker", "beat", "migrate"):
        environment = services[name]["environment"]
        assert environment["CACHE_URL"].startswith("redis://redis-cache:"), name
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis-broker:"), name
    for name in ("web", "worker", "beat"):
        assert {"pgbouncer", "redis-cache", "redis-broker"} <= set(services[name]["depends_on"])
    # A broker outage must not take sign-in with it: the cache does not wait on the broker.
    assert "depends_on" not in services["redis-cache"]
    assert services["redis-cache"]["image"] == services["redis-broker"]["image"]


def test_compose_lets_several_web_containers_publish_a_port_each():
    web = _compose()["services"]["web"]
    (published,) = web["ports"]
    host_ports, _, container_port = published.rpartition(":")
    first, _, last = host_ports.partition("-")
    assert container_port == "8000"
    assert int(last) - int(first) >= 2, "a range of host ports, one per web container"


def _dockerfile_cmd() -> list[str]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    (line,) = [line for line in text.splitlines() if line.startswith("CMD ")]
    return json.loads(line.removeprefix("CMD "))


def test_the_image_and_compose_run_gunicorn_with_the_same_settings():
    command = _compose()["services"]["web"]["command"]
    assert _dockerfile_cmd() == command
    assert command[command.index("--workers") + 1] == "3"
    assert command[command.index("--timeout") + 1] == "60"


def test_compose_commands_refer_to_things_that_exist_in_the_project():
    from django.core.management import get_commands

    from uvisa_portal.celery import app

    services = _compose()["services"]
    for name, service in services.items():
        command = service.get("command")
        if command is None or "build" not in service:
            continue  # an image of its own (PostgreSQL, PgBouncer, Redis)
        argv = command if isinstance(command, list) else shlex.split(command)
        if argv[0] == "gunicorn":
            module, _, attr = argv[1].partition(":")
            imported = __import__(module, fromlist=[attr])
            assert callable(getattr(imported, attr))
        elif argv[0] == "celery":
            assert argv[1:3] == ["-A", "uvisa_portal"]
            assert argv[3] in {"worker", "beat"}
            assert app.main == "uvisa_portal"
        elif argv[:2] == ["python", "manage.py"]:
            assert argv[2] in get_commands()
        else:
            pytest.fail(f"unknown command in service {name}: {argv}")
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements.lock" in dockerfile


def test_the_image_leaves_secrets_and_local_data_out():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", "var/", ".venv", ".git"} <= set(ignored)


def test_procfile_for_make_run_starts_web_worker_and_beat():
    lines = (ROOT / "Procfile.dev").read_text().splitlines()
    names = {line.split(":", 1)[0] for line in lines if line.strip()}
    assert {"web", "worker", "beat", "heartbeat"} <= names


def test_prepare_broker_can_run_again_and_again():
    from io import StringIO

    for _ in range(2):
        out = StringIO()
        call_command("prepare_broker", stdout=out)
        assert "Broker ready: celery" in out.getvalue()
