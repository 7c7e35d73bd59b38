"""Single sign-on (统一身份认证): CAS against a CAS server on loopback, the OIDC provider's
failures, the password form's restriction, matching by subject, the CLI.

The OIDC round trip itself, through django-oauth-toolkit's provider in a second process
and Chromium, is tests/browser/test_sso.py."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from fazhi.core import sso
from fazhi.core.models import AuditEvent, ExternalIdentity, Membership
from fazhi.core.roles import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CAS_OK = """<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
<cas:authenticationSuccess><cas:user>{user}</cas:user>
<cas:attributes><cas:name>{name}</cas:name></cas:attributes>
</cas:authenticationSuccess></cas:serviceResponse>"""
CAS_BAD = """<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
<cas:authenticationFailure code="INVALID_TICKET">Ticket not recognized</cas:authenticationFailure>
</cas:serviceResponse>"""


class _Server:
    """A tiny HTTP server on loopback answering with ``handler(path, query) -> (status, body)``."""

    def __init__(self, handler):
        outer = self

        class H(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlparse(self.path)
                outer.seen.append(url.path)
                status, body = handler(url.path, parse_qs(url.query))
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *a):
                pass

        self.seen: list[str] = []
        self.httpd = HTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def cas_server(settings):
    tickets = {"ST-good": ("wangwu", "王五"), "ST-new": ("zhaoliu", "赵六")}

    def answer(path, q):
        if not path.endswith("/p3/serviceValidate"):
            return 404, "not found"
        t = (q.get("ticket") or [""])[0]
        if t in tickets:
            user, name = tickets[t]
            return 200, CAS_OK.format(user=user, name=name)
        return 200, CAS_BAD

    server = _Server(answer)
    settings.FAZHI_CAS_URL = server.url + "/cas"
    yield server
    server.close()


def _unused_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _events(code):
    return [e for e in AuditEvent.objects.filter(event="sso") if e.detail.get("code") == code]


def test_no_provider_configured_means_no_button_and_no_routes(client):
    page = client.get("/login/")
    assert page.status_code == 200
    assert "统一身份认证登录" not in page.content.decode()
    assert client.get("/login/sso/oidc/").status_code == 404
    assert client.get("/login/sso/cas/").status_code == 404


def test_cas_sign_in_of_a_mapped_user(world, cas_server):
    sso.map_identity(sso_root(), world.clerk_a, "cas", "wangwu")
    c = Client()
    page = c.get("/login/")
    assert "统一身份认证登录" in page.content.decode()
    start = c.get("/login/sso/cas/?next=/disputes/")
    assert start.status_code == 302
    assert start["Location"].startswith(cas_server.url + "/cas/login?service=")
    back = c.get("/login/sso/cas/callback/?ticket=ST-good")
    assert back.status_code == 302 and back["Location"] == "/disputes/"
    home = c.get("/")
    assert home.status_code == 200
    assert int(c.session["_auth_user_id"]) == world.clerk_a.pk
    assert c.session["_fz_sso"] == "cas"
    assert len(_events("login")) == 1
    assert "/cas/p3/serviceValidate" in cas_server.seen
    # the password is not fazhi's business in this session: no forced change
    assert c.get("/disputes/").status_code == 200


def test_cas_unknown_subject_gets_a_user_without_any_role_and_sees_no_data(cas_server):
    from fazhi.core import demo

    demo.build()
    c = Client()
    c.get("/login/sso/cas/")
    back = c.get("/login/sso/cas/callback/?ticket=ST-new")
    assert back.status_code == 302
    ident = ExternalIdentity.objects.get(provider="cas", subject="zhaoliu")
    assert ident.user.display_name == "赵六"
    assert not ident.user.memberships.exists()
    assert not ident.user.has_usable_password()
    assert len(_events("first_match")) == 1
    # no role: no unit, and no ledger's page or API answer shows a record
    assert "您还没有被分配到任何单位" in c.get("/").content.decode()
    _no_data_anywhere(c)
    # a second sign-in finds the same user, no second one
    c2 = Client()
    c2.get("/login/sso/cas/callback/?ticket=ST-new")
    assert ExternalIdentity.objects.filter(subject="zhaoliu").count() == 1
    assert int(c2.session["_auth_user_id"]) == ident.user_id


def _no_data_anywhere(c) -> None:
    """Every ledger holds demo records; none reaches this client, on a page or the API."""
    from django.urls import NoReverseMatch, reverse

    from fazhi.ledgers import all_ledgers

    answered = 0
    for lg in all_ledgers():
        obj = lg.model.objects.order_by("pk").first()
        page = c.get(reverse(lg.url("list")))
        assert page.status_code in (200, 403, 404), lg.key
        if obj is not None:
            detail = reverse(lg.url("detail"), kwargs={"pk": obj.pk})
            assert detail not in page.content.decode(), lg.key
            assert c.get(detail).status_code in (403, 404), lg.key
        try:
            api = c.get(reverse(f"api:{lg.app}_{lg.key}_list"))
        except NoReverseMatch:
            continue
        assert api.status_code in (200, 403, 404), lg.key
        if api.status_code == 200:
            assert api.json()["count"] == 0, lg.key
            answered += 1
    assert answered >= 5


def test_cas_unknown_subject_refused_when_users_are_not_created(world, cas_server, settings):
    settings.FAZHI_SSO_CREATE_USERS = False
    c = Client()
    page = c.get("/login/sso/cas/callback/?ticket=ST-new")
    assert page.status_code == 403
    assert "尚未在本系统开通" in page.content.decode()
    assert "_auth_user_id" not in c.session
    assert not ExternalIdentity.objects.exists()
    assert len(_events("unknown_user")) == 1


def test_cas_bad_ticket_and_unreachable_server_give_a_message_not_a_500(
    world, settings, cas_server
):
    c = Client()
    page = c.get("/login/sso/cas/callback/?ticket=ST-forged")
    assert page.status_code == 400
    assert "票据无效或已过期" in page.content.decode()
    assert c.get("/login/sso/cas/callback/").status_code == 400
    settings.FAZHI_CAS_URL = f"http://127.0.0.1:{_unused_port()}/cas"
    page = c.get("/login/sso/cas/callback/?ticket=ST-good")
    assert page.status_code == 502
    assert "暂时无法连接" in page.content.decode()
    assert len(_events("unreachable")) == 1
    # the password form still works
    ok = c.post("/login/", {"username": "clerk_a", "password": PASSWORD})
    assert ok.status_code == 302


def test_oidc_unreachable_and_wrong_issuer_are_explained_and_audited(world, settings):
    settings.FAZHI_OIDC_CLIENT_ID = "fazhi"
    settings.FAZHI_OIDC_ISSUER = f"http://127.0.0.1:{_unused_port()}/o"
    c = Client()
    assert "统一身份认证登录" in c.get("/login/").content.decode()
    page = c.get("/login/sso/oidc/")
    assert page.status_code == 502
    assert "暂时无法连接" in page.content.decode()
    assert len(_events("unreachable")) == 1

    meta = {
        "issuer": "http://elsewhere.example/o",
        "authorization_endpoint": "x",
        "token_endpoint": "y",
        "jwks_uri": "z",
    }
    server = _Server(lambda path, q: (200, json.dumps(meta)))
    try:
        settings.FAZHI_OIDC_ISSUER = server.url + "/o"
        page = c.get("/login/sso/oidc/")
        assert page.status_code == 502
        assert "签发者不符" in page.content.decode()
        assert len(_events("wrong_issuer")) == 1
        # a callback with no state of ours is refused, not a 500
        page = c.get("/login/sso/oidc/callback/?code=abc&state=forged")
        assert page.status_code in (400, 502)
    finally:
        server.close()
    assert c.post("/login/", {"username": "clerk_a", "password": PASSWORD}).status_code == 302


def test_password_form_off_except_for_the_three_admins(world, settings, cas_server):
    settings.FAZHI_LOCAL_LOGIN = False
    admin = UserFactory(username="sysadmin")
    Membership.objects.create(user=admin, unit=world.county, role=Role.SYSTEM_ADMIN)
    c = Client()
    page = c.get("/login/").content.decode()
    assert "管理员登录" in page and "<details" in page
    refused = c.post("/login/", {"username": "clerk_a", "password": PASSWORD})
    assert refused.status_code == 200
    assert "已改用统一身份认证登录" in refused.content.decode()
    assert "_auth_user_id" not in c.session
    assert AuditEvent.objects.filter(event="login_failed", username="clerk_a").exists()
    ok = c.post("/login/", {"username": "sysadmin", "password": PASSWORD})
    assert ok.status_code == 302


def test_idle_timeout_applies_to_a_single_sign_on_session(world, cas_server, settings):
    sso.map_identity(sso_root(), world.clerk_a, "cas", "wangwu")
    c = Client()
    c.get("/login/sso/cas/callback/?ticket=ST-good")
    assert c.get("/disputes/").status_code == 200
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.FAZHI_SESSION_IDLE_SECONDS + 5)
    with time_machine.travel(later):
        gone = c.get("/disputes/")
    assert gone.status_code == 302 and gone["Location"].startswith("/login/")


def test_logout_offers_the_providers_logout(world, cas_server):
    sso.map_identity(sso_root(), world.clerk_a, "cas", "wangwu")
    c = Client()
    c.get("/login/sso/cas/callback/?ticket=ST-good")
    page = c.post("/logout/")
    body = page.content.decode()
    assert "您已退出本系统" in body
    assert cas_server.url + "/cas/logout" in body
    assert "_auth_user_id" not in c.session


def test_mapping_needs_the_users_duty_and_moves_a_subject_from_an_empty_user(world, cas_server):
    with pytest.raises(Exception) as exc:
        sso.map_identity(world.clerk_a, world.clerk_b, "cas", "wangwu")
    assert "无权" in str(exc.value) or "权限" in str(exc.value)
    # first sign-in makes an empty user; the admin then maps the subject to the real one
    c = Client()
    c.get("/login/sso/cas/callback/?ticket=ST-good")
    empty = ExternalIdentity.objects.get(subject="wangwu").user
    sso.map_identity(sso_root(), world.clerk_a, "cas", "wangwu")
    empty.refresh_from_db()
    assert not empty.is_active
    assert ExternalIdentity.objects.get(subject="wangwu").user == world.clerk_a
    # a subject bound to a user with roles is not taken silently
    with pytest.raises(Exception, match="请先解除对应"):
        sso.map_identity(sso_root(), world.clerk_b, "cas", "wangwu")


def test_cli_maps_lists_and_unmaps(world, capsys):
    call_command("user", "sso-map", "clerk_a", "--provider", "oidc", "--subject", "abc-123")
    call_command("user", "sso-list")
    assert "oidc\tabc-123\tclerk_a" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("user", "sso-map", "clerk_a", "--provider", "oidc")
    with pytest.raises(CommandError):
        call_command("user", "sso-map", "clerk_a", "--subject", "x" * 300, "--provider", "oidc")
    call_command("user", "sso-unmap", "--provider", "oidc", "--subject", "abc-123")
    assert not ExternalIdentity.objects.exists()
    with pytest.raises(CommandError):
        call_command("user", "sso-unmap", "--provider", "oidc", "--subject", "abc-123")


def sso_root():
    """The server operator at the console, as ``fazhi user`` acts."""
    from fazhi.core.management.commands.user import _Root

    return _Root()


def test_settings_refuse_an_issuer_without_a_client(monkeypatch):
    import subprocess
    import sys

    env = {"FAZHI_OIDC_ISSUER": "https://sso.example.gov.cn/o", "FAZHI_OIDC_CLIENT_ID": ""}
    out = subprocess.run(
        [sys.executable, "-c", "import fazhi.settings"],
        env={**__import__("os").environ, **env},
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0
    assert "FAZHI_OIDC_CLIENT_ID is required" in out.stderr


def test_system_admin_maps_and_unmaps_from_the_users_page(world, client_for):
    admin = UserFactory(username="sysadmin")
    Membership.objects.create(user=admin, unit=world.county, role=Role.SYSTEM_ADMIN)
    c = client_for(admin)
    from django.urls import reverse

    url = reverse("web:user_action", args=[world.clerk_a.pk])
    done = c.post(url, {"action": "sso_map", "provider": "oidc", "subject": "sub-7"})
    assert done.status_code == 302
    ident = ExternalIdentity.objects.get(subject="sub-7")
    assert ident.user == world.clerk_a
    page = c.get(reverse("web:users")).content.decode()
    assert "sub-7" in page
    bad = c.post(url, {"action": "sso_map", "provider": "ldap", "subject": "x"}, follow=True)
    assert "认证方式须为" in bad.content.decode()
    c.post(url, {"action": "sso_unmap", "identity": ident.pk})
    assert not ExternalIdentity.objects.exists()
    # a clerk may not map anyone
    refused = client_for(world.clerk_b).post(
        url, {"action": "sso_map", "provider": "oidc", "subject": "s"}
    )
    assert refused.status_code in (403, 404)
    assert not ExternalIdentity.objects.exists()
