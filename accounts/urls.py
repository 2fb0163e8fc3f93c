from django.contrib.auth import views as auth_views
from django.urls import include, path
from two_factor import views as tf_views

from accounts import two_factor_views, views

# django-two-factor-auth's views, under the URL names it reverses itself ("two_factor:…").
two_factor_patterns = [
    path("", two_factor_views.ProfileView.as_view(), name="profile"),
    path("setup/", two_factor_views.SetupView.as_view(), name="setup"),
    path("setup/complete/", tf_views.SetupCompleteView.as_view(), name="setup_complete"),
    path("qrcode/", tf_views.QRGeneratorView.as_view(), name="qr"),
    path("confirm-password/", two_factor_views.ConfirmPasswordView.as_view(), name="confirm_password"),
    path("recovery-codes/", two_factor_views.BackupTokensView.as_view(), name="backup_tokens"),
    path("disable/", two_factor_views.DisableView.as_view(), name="disable"),
    path("<str:kind>/<int:pk>/remove/", two_factor_views.device_remove, name="device_remove"),
]

urlpatterns = [
    path("login/", two_factor_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/language/", views.language_set, name="language_set"),
    path("lockouts/unlock/", views.lockout_unlock, name="lockout_unlock"),
    path("two-factor/", include((two_factor_patterns, "two_factor"))),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
