"""django-two-factor-auth's views, held to the rules of accounts.two_factor: who may change a
factor, one default device, each change logged and shown, passkeys through static/js/passkey.js."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor import views as tf_views
from two_factor.forms import AuthenticationTokenForm, BackupTokenForm, MethodForm, TOTPDeviceForm
from two_factor.plugins.webauthn.forms import WebauthnAuthenticationTokenForm
from two_factor.plugins.webauthn.models import WebauthnDevice
from two_factor.views.utils import IdempotentSessionWizardView

from accounts import two_factor
from accounts.forms import ConfirmPasswordForm, LoginForm

OTP_ERRORS = {
    "invalid_token": _("That code is not right. Type the newest code your app shows, or use another way below."),
    "token_throttled": _("Too many wrong codes: wait a little, then try again."),
}
METHOD_LABELS = {
    "generator": _("Authenticator app on your phone"),
    "webauthn": _("Passkey (this device or a security key)"),
}


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


class LoginView(tf_views.LoginView):
    """/accounts/login/: the password, then (with a device) a code, a passkey or a recovery code.
    The user is signed in only once the last step passes."""

    form_list = (
        (tf_views.LoginView.AUTH_STEP, LoginForm),
        (tf_views.LoginView.TOKEN_STEP, AuthenticationTokenForm),
        (tf_views.LoginView.BACKUP_STEP, BackupTokenForm),
    )
    redirect_authenticated_user = True

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step=step, **kwargs)
        step = step or self.steps.current
        if hasattr(form, "otp_error_messages"):
            form.otp_error_messages = {**form.otp_error_messages, **OTP_ERRORS}
        if step == self.TOKEN_STEP and not isinstance(form, WebauthnAuthenticationTokenForm):
            field = form.fields["otp_token"]
            field.label = _("Code")
            field.help_text = _("The 6-digit code your authenticator app shows now.")
            field.widget.attrs.update(inputmode="numeric")
        elif step == self.BACKUP_STEP:
            form.fields["otp_token"].label = _("Recovery code")
            form.fields["otp_token"].widget.attrs.update(autocomplete="off", autocapitalize="none")
        return form

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context["next"] = self.get_redirect_url()
        if isinstance(form, WebauthnAuthenticationTokenForm):
            context["passkey_options"] = self.request.session.get("webauthn_request_options")
        return context

    def done(self, form_list, **kwargs):
        previous_login = self.get_user().last_login
        response = super().done(form_list, **kwargs)
        two_factor.signed_in(self.request, previous_login=previous_login)
        return response


class SetupView(tf_views.SetupView):
    """Add an authenticator app or a passkey. A first device needs the password entered in the
    last few minutes; another one, a session that passed the second factor."""

    form_list = (("method", MethodForm),)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        if not two_factor.may_change_factors(request):
            if two_factor.has_two_factor(request.user):
                raise Http404  # unreachable past TwoFactorMiddleware; never show a key here
            return redirect(f"{reverse('two_factor:confirm_password')}?{urlencode({'next': request.path})}")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        # The library sends users with a device away; here they may add another one.
        return IdempotentSessionWizardView.get(self, request, *args, **kwargs)

    def get_available_methods(self):
        methods = super().get_available_methods()
        if TOTPDevice.objects.filter(user=self.request.user, confirmed=True).exists():
            methods = [m for m in methods if m.code != "generator"]
        return methods

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step=step, **kwargs)
        step = step or self.steps.current
        if step == "method":
            codes = {m.code for m in self.get_available_methods()}
            form.fields["method"].choices = [(c, label) for c, label in METHOD_LABELS.items() if c in codes]
            form.fields["method"].label = _("How do you want to confirm it is you?")
        elif step == "generator":
            form.fields["token"].label = _("Code")
            form.fields["token"].help_text = _("The 6-digit code the app shows.")
        return form

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        if self.steps.current == "webauthn":
            context["passkey_options"] = self.request.session.get("webauthn_creation_options")
        context["first_device"] = not two_factor.has_two_factor(self.request.user)
        context["cancel_url"] = reverse("two_factor:profile")
        return context

    def done(self, form_list, **kwargs):
        self.request.session.pop(self.session_key_name, None)
        if self.get_method().code == "generator":
            form = next(f for f in form_list if isinstance(f, TOTPDeviceForm))
            device = TOTPDevice(
                key=form.key, tolerance=form.tolerance, t0=form.t0, step=form.step, drift=form.drift, digits=form.digits
            )
        else:
            device = self.get_device()
        try:
            codes = two_factor.device_add(request=self.request, device=device)
        except two_factor.FactorError as error:
            messages.error(self.request, str(error))
            return redirect("two_factor:profile")
        if isinstance(device, TOTPDevice):
            device.verify_token(form.cleaned_data["token"])  # the code just used cannot be replayed
        if codes:
            context = {"codes": codes, "next": _safe_next(self.request, resolve_url("dashboard")), "first": True}
            return render(self.request, "two_factor/core/backup_tokens.html", context)
        messages.success(self.request, _("Your new passkey is ready."))
        return redirect("two_factor:profile")


class ConfirmPasswordView(FormView):
    """The password again, before a first second factor is added."""

    form_class = ConfirmPasswordForm
    template_name = "two_factor/confirm_password.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        two_factor.password_entered(self.request)
        return redirect(_safe_next(self.request, reverse("two_factor:setup")))


class ProfileView(TemplateView):
    """/accounts/two-factor/: the user's second factors and their recent changes."""

    template_name = "two_factor/profile/profile.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            **two_factor.devices_of(user),
            "enabled": two_factor.has_two_factor(user),
            "required": two_factor.required_for(user),
            "changes": two_factor.recent_changes(user),
        }


class BackupTokensView(tf_views.BackupTokensView):
    """New recovery codes, shown once (the library lists the current ones on every visit)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["codes_left"] = context["device"].token_set.count()
        return context

    def form_valid(self, form):
        try:
            codes = two_factor.recovery_codes_regenerate(request=self.request)
        except two_factor.FactorError as error:
            messages.error(self.request, str(error))
            return redirect("two_factor:profile")
        return render(self.request, self.template_name, {"codes": codes, "next": reverse("two_factor:profile")})


class DisableView(tf_views.DisableView):
    """Turn two-factor sign-in off (not for managers and administrators when it is required)."""

    def form_valid(self, form):
        try:
            two_factor.turn_off(request=self.request)
        except two_factor.FactorError as error:
            messages.error(self.request, str(error))
            return redirect("two_factor:profile")
        return redirect("two_factor:profile")


DEVICE_MODELS = {"authenticator": TOTPDevice, "passkey": WebauthnDevice}


@require_POST
def device_remove(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = DEVICE_MODELS.get(kind)
    if model is None:
        raise Http404
    device = get_object_or_404(model, pk=pk, user=request.user)
    try:
        two_factor.device_remove(request=request, device=device)
    except two_factor.FactorError as error:
        messages.error(request, str(error))
    return redirect("two_factor:profile")
