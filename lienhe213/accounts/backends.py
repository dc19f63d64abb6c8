"""How a username and password become an account, for every door (login form, API
token, admin): the username is looked up in its normalised form, so exactly the
spellings counted together by ``accounts.throttles`` log in as the same account, and a
locked username is refused without its password being checked."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from lienhe213.accounts.models import User, account_named
from lienhe213.accounts.throttles import Lockout


class UsernameBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not isinstance(username, str) or password is None:
            return None
        if Lockout(username).is_locked():
            return None
        user = account_named(username)
        if user is None:
            # Hash anyway, so the time taken does not tell which usernames exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
