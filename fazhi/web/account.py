"""Account pages: second factor (TOTP) and password change, with audit rows."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from fazhi.core import audit, security
from fazhi.core.models import TotpDevice


def _next(request) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or "/"
    return nxt if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) else "/"


@login_required
def otp(request):
    """Verify the code; a user without a confirmed device enrols first (secret and QR code)."""
    device = TotpDevice.objects.filter(user=request.user).first()
    enrolling = device is None or not device.confirmed
    if enrolling and request.method == "GET":
        device = security.start_enrolment(request.user)
    error = None
    if request.method == "POST":
        try:
            security.verify_code(request.user, request.POST.get("code", ""), confirm=enrolling)
        except security.OtpError as exc:
            error = exc.message
        else:
            request.session[security.SESSION_OTP] = True
            if enrolling:
                messages.success(request, "动态口令已绑定")
            return redirect(_next(request))
    context = {"enrolling": enrolling, "error": error, "next": _next(request)}
    if enrolling and device is not None:
        uri = security.provisioning_uri(device)
        context.update(secret=device.secret, qr_svg=segno.make(uri, error="m").svg_inline(scale=4))
    return render(request, "registration/otp.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = "/account/password/done/"

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(audit.E.PASSWORD_CHANGED, user=self.request.user)
        return response
