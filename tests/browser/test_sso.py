"""Sign-in through a real OIDC provider, end to end in Chromium.

django-oauth-toolkit's OpenID Connect provider runs in a second process on loopback
(tests/sso/provider.py) as the province's unified identity platform (统一身份认证); fazhi
is configured with its issuer, client id and secret exactly as docs/DEPLOY.md says."""

from __future__ import annotations

import pytest

from fazhi.core import sso
from fazhi.core.models import AuditEvent, ExternalIdentity
from tests.sso import provider as oidc

from .conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider(live_server, settings):
    back = live_server.url + "/login/sso/oidc/callback/"
    with oidc.running(back, live_server.url + "/login/") as p:
        settings.FAZHI_OIDC_ISSUER = p.issuer
        settings.FAZHI_OIDC_CLIENT_ID = oidc.CLIENT_ID
        settings.FAZHI_OIDC_CLIENT_SECRET = oidc.CLIENT_SECRET
        yield p


def _sso_events(code):
    return [e for e in AuditEvent.objects.filter(event="sso") if e.detail.get("code") == code]


def _sign_in_at_provider(page, base_url):
    page.goto(f"{base_url}/login/")
    page.click("text=统一身份认证登录")
    page.wait_for_selector("#p_username")
    assert "统一身份认证平台" in page.content()
    page.fill("#p_username", oidc.USERNAME)
    page.fill("#p_password", oidc.PASSWORD)
    page.click("#p_login")
    page.wait_for_load_state("networkidle")


def test_a_mapped_user_signs_in_through_the_provider_and_out_again(
    live_server, page, provider, world
):
    from fazhi.core.management.commands.user import _Root

    sso.map_identity(_Root(), world.clerk_a, "oidc", provider.subject)
    _sign_in_at_provider(page, live_server.url)
    assert page.url.startswith(live_server.url), page.url
    assert page.locator("h1").first.inner_text().startswith("工作台")
    assert page.locator("#switch-unit option:checked").inner_text().strip() == "甲镇"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "sso-signed-in.png"), full_page=True)
    assert len(_sso_events("login")) == 1
    assert AuditEvent.objects.filter(event="login_ok", user_id=world.clerk_a.pk).exists()
    assert ExternalIdentity.objects.get(subject=provider.subject).last_login_at is not None

    page.click("#user-menu")
    page.click("#logout")
    page.wait_for_load_state("networkidle")
    assert "您已退出本系统" in page.content()
    link = page.locator("text=同时退出统一身份认证")
    assert link.get_attribute("href").startswith(provider.issuer + "/logout/")
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url


def test_an_unknown_user_gets_no_role_and_a_bad_secret_a_clear_message(
    live_server, page, provider, world, settings
):
    _sign_in_at_provider(page, live_server.url)
    assert "您还没有被分配到任何单位" in page.content()
    ident = ExternalIdentity.objects.get(provider="oidc", subject=provider.subject)
    assert not ident.user.memberships.exists()
    assert len(_sso_events("first_match")) == 1
    page.click("#user-menu")
    page.click("#logout")
    page.wait_for_load_state("networkidle")

    settings.FAZHI_OIDC_CLIENT_SECRET = "a-wrong-secret"
    page.goto(f"{live_server.url}/login/")
    page.click("text=统一身份认证登录")  # still signed in at the provider: straight back
    page.wait_for_load_state("networkidle")
    assert "客户端密钥有误" in page.locator("[data-sso-error]").inner_text()
    assert _sso_events("invalid_client")
    page.screenshot(path=str(SCREENSHOTS / "sso-bad-secret.png"), full_page=True)
    # the password form still works beside it
    page.fill("#id_username", "clerk_a")
    page.fill("#id_password", "Test@pass2026")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/login/" not in page.url
