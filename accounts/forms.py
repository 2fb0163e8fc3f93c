from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Preferences
from accounts.services import PREFERENCES_FIELDS
from core.forms import form_helper


class LoginForm(AuthenticationForm):
    """Django's login form with the autocomplete hints browsers and password managers use.

    `request` is named in the signature: the two-factor wizard passes it only to forms that ask
    for it, and django-axes needs it to count failed passwords.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        # Django's English, word for word, as a msgid of our own: Django's Spanish ("nombre de usuario y clave
        # correctos… ambos campos pueden ser sensibles a mayúsculas") is not how the program speaks (issue #18).
        "invalid_login": _(
            "Please enter a correct username and password. Note that both fields may be case-sensitive."
        ),
    }

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", autocapitalize="none")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class ConfirmPasswordForm(forms.Form):
    """The password again, before a first second factor is added."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, request, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = self.request.user
        # Through authenticate(), so that django-axes counts a wrong password here too.
        if authenticate(self.request, username=user.get_username(), password=password) is None:
            raise forms.ValidationError(_("That is not your password."))
        return password


class PreferencesForm(forms.ModelForm):
    """The preferences page: the language the product speaks to you in."""

    language = forms.ChoiceField(
        label=_("Language"),
        # Each language named in its own form (settings.LANGUAGES), whatever the page's language.
        choices=[("", _("The language my browser asks for")), *settings.LANGUAGES],
        required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Preferences
        fields = PREFERENCES_FIELDS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class LanguageForm(forms.Form):
    """The navigation's language selector: one language, and the page to go back to."""

    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)
