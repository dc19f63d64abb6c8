from django.contrib.auth import views as auth_views
from django.urls import path

from lienhe213.accounts.views import accounts as views
from lienhe213.accounts.views import home, two_factor

app_name = "accounts"
urlpatterns = [
    path("", home.home, name="home"),
    path("numbers/", views.numbers, name="numbers"),
    path("dashboard/<int:pk>/<slug:role>/", views.dashboard, name="dashboard"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("security/", two_factor.security, name="security"),
    path("security/two-factor/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("security/two-factor/off/", two_factor.two_factor_off, name="two_factor_off"),
    path("security/recovery-codes/", two_factor.recovery_codes, name="recovery_codes"),
    path("login/code/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("audit/", views.audit_list, name="audit"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/<int:pk>/active/", views.account_set_active, name="account_set_active"),
    path("accounts/<int:pk>/unlock/", views.account_unlock, name="account_unlock"),
    path(
        "accounts/<int:pk>/two-factor/reset/",
        two_factor.account_two_factor_reset,
        name="account_two_factor_reset",
    ),
    # Under /organizations/, next to the organization pages the roles belong to.
    path("organizations/<int:pk>/roles/", views.role_list, name="roles"),
    path(
        "organizations/<int:pk>/roles/<int:assignment_pk>/revoke/",
        views.role_revoke,
        name="role_revoke",
    ),
]
