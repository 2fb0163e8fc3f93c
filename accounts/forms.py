from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """Django's login form with the autocomplete hints browsers and password managers use.

    `request` is named in the signature: the two-factor wizard passes it only to forms that ask
    for it, and django-axes needs it to count failed passwords.
    """

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", autocapitalize="none")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class ConfirmPasswordForm(forms.Form):
    """The password again, before a first second factor is added."""

    password = forms.CharField(
        label="Password",
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
            raise forms.ValidationError("That is not your password.")
        return password
