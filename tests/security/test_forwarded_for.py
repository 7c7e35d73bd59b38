"""X-Forwarded-For is believed only from a trusted proxy (docs/SECURITY.md row 2 and 8).

With FAZHI_TRUST_X_FORWARDED_FOR on, a client that reaches gunicorn directly (another app
server's private port, a local process) could otherwise write any address into the audit log
and choose the lockout's address; the deploy test checks the same through nginx.
"""

from __future__ import annotations

import ipaddress

import pytest
from django.test import RequestFactory

from fazhi.core.context import client_ip
from fazhi.core.models import AuditEvent

LOOPBACK = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128")]


def _ip(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


@pytest.fixture
def behind_nginx(settings):
    settings.FAZHI_TRUST_X_FORWARDED_FOR = True
    settings.FAZHI_TRUSTED_PROXY_NETWORKS = LOOPBACK
    return settings


def test_forwarded_for_is_ignored_unless_trusted(settings):
    settings.FAZHI_TRUST_X_FORWARDED_FOR = False
    assert _ip("198.51.100.7", "203.0.113.9") == "198.51.100.7"
    assert _ip("127.0.0.1", "203.0.113.9") == "127.0.0.1"


def test_only_the_trusted_proxy_may_name_the_client(behind_nginx):
    assert _ip("127.0.0.1", "203.0.113.9") == "203.0.113.9"
    assert _ip("::1", "2001:db8::5") == "2001:db8::5"
    # A peer that is not the proxy is recorded under its own address.
    assert _ip("198.51.100.7", "203.0.113.9") == "198.51.100.7"
    assert _ip("10.0.0.8", "127.0.0.1") == "10.0.0.8"


def test_the_address_the_proxy_wrote_wins_over_the_clients_claims(behind_nginx):
    # A proxy that appends ($proxy_add_x_forwarded_for) leaves the client's claim first.
    assert _ip("127.0.0.1", "1.2.3.4, 203.0.113.9") == "203.0.113.9"
    # Not an address: the peer, never the text.
    assert _ip("127.0.0.1", "<script>") == "127.0.0.1"
    assert _ip("127.0.0.1", "203.0.113.9, evil") == "127.0.0.1"
    assert _ip("127.0.0.1", "") == "127.0.0.1"


def test_trusted_networks_are_read_from_the_environment(monkeypatch):
    import importlib

    import fazhi.settings as real

    monkeypatch.setenv("FAZHI_TRUSTED_PROXIES", "10.1.0.0/16, 192.0.2.10")
    try:
        fresh = importlib.reload(real)
        nets = fresh.FAZHI_TRUSTED_PROXY_NETWORKS
        assert ipaddress.ip_address("10.1.2.3") in nets[0]
        assert ipaddress.ip_address("192.0.2.10") in nets[1]
        monkeypatch.setenv("FAZHI_TRUSTED_PROXIES", "not-a-network")
        from django.core.exceptions import ImproperlyConfigured

        with pytest.raises(ImproperlyConfigured, match="FAZHI_TRUSTED_PROXIES"):
            importlib.reload(real)
    finally:
        monkeypatch.delenv("FAZHI_TRUSTED_PROXIES")
        importlib.reload(real)


def test_a_spoofed_address_reaches_neither_audit_nor_lockout(behind_nginx, world, client):
    """Failed logins from a peer that is not the proxy, each claiming another address: the
    audit rows carry the peer's address, and axes records the peer too."""
    from axes.models import AccessAttempt

    for n in range(3):
        client.post(
            "/login/",
            {"username": "clerk_a", "password": "wrong"},
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    ips = set(
        AuditEvent.objects.filter(event="login_failed").values_list("ip", flat=True).distinct()
    )
    assert ips == {"198.51.100.7"}
    attempts = set(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert attempts <= {"198.51.100.7"}
