"""The public statistics' computation budget is per client address: one anonymous client
spending it leaves every other visitor theirs (the client address from
accounts.security.client_ip, so a made-up X-Forwarded-For buys nothing)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .stats_data import END

pytestmark = pytest.mark.django_db


def _period(day: int) -> dict[str, str]:
    return {"start": f"2026-01-{day:02d}", "end": END.isoformat()}


def test_one_client_spending_the_budget_leaves_others_theirs(client, settings):
    settings.STATS_PUBLIC_COMPUTES_PER_MINUTE = 2
    url = reverse("statistics:public")
    greedy = {"REMOTE_ADDR": "198.51.100.7"}
    assert client.get(url, _period(1), **greedy).status_code == 200
    assert client.get(url, _period(2), **greedy).status_code == 200
    assert client.get(url, _period(3), **greedy).status_code == 503
    # Claiming another address without a trusted proxy in front changes nothing.
    spoofed = client.get(url, _period(4), HTTP_X_FORWARDED_FOR="192.0.2.1", **greedy)
    assert spoofed.status_code == 503
    chart = reverse("statistics:public_chart", args=["months"])
    assert client.get(chart, _period(5), **greedy).status_code == 503
    # Another visitor still has a whole budget of new periods.
    other = {"REMOTE_ADDR": "203.0.113.20"}
    assert client.get(url, _period(3), **other).status_code == 200
    assert client.get(chart, _period(6), **other).status_code == 200
    assert client.get(url, _period(7), **other).status_code == 503


def test_behind_a_trusted_proxy_the_budget_follows_the_forwarded_client(client, settings):
    settings.STATS_PUBLIC_COMPUTES_PER_MINUTE = 1
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("statistics:public")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    first = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.7", **proxy}
    assert client.get(url, _period(1), **first).status_code == 200
    # The same client with another made-up leftmost entry: the same budget, spent.
    again = {"HTTP_X_FORWARDED_FOR": "7.7.7.7, 198.51.100.7", **proxy}
    assert client.get(url, _period(2), **again).status_code == 503
    # Another client behind the same proxy has its own.
    other = {"HTTP_X_FORWARDED_FOR": "198.51.100.8", **proxy}
    assert client.get(url, _period(2), **other).status_code == 200
