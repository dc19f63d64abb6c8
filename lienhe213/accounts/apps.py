from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lienhe213.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from lienhe213.accounts import (
            middleware,  # noqa: F401  (session clocks at login)
            services,  # noqa: F401  (login audit receivers)
        )
