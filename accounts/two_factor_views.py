from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts import two_factor
from accounts.forms import TokenForm


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Turn on two-factor sign-in: scan the key into an authenticator app, confirm one code."""
    device = two_factor.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_setup(request, device, form.cleaned_data["token"])
        if codes is not None:
            messages.success(request, "Two-factor sign-in is on.")
            return render(request, "accounts/two_factor_codes.html", {"codes": codes})
        form.add_error("token", "That code is not right. Check the time on your phone and try the newest code.")
    context = {
        "form": form,
        "key": _grouped(device.key),
        "config_url": device.config_url,
        "required": two_factor.required_for(request.user),
        "enabled": two_factor.has_two_factor(request.user),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in."""
    form = TokenForm(request.POST or None)
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request, form.cleaned_data["token"]):
            return redirect(target)
        form.add_error("token", "That code is not right. Try the newest code, or a recovery code.")
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": target})


def _grouped(hex_key: str) -> str:
    """The key in base32, as authenticator apps ask for it, in groups of four."""
    import base64

    text = base64.b32encode(bytes.fromhex(hex_key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
