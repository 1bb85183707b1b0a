"""Single-use, expiring links to set one's password (Django's PasswordResetTokenGenerator).

A token is an HMAC of the account's id, password hash, last login and e-mail with a timestamp: it stops
working once the password is set (the hash changes), and after its own lifetime. Nothing is stored."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class ExpiringTokenGenerator(PasswordResetTokenGenerator):
    """A token generator with its own salt and lifetime (`lifetime_setting`, in seconds)."""

    lifetime_setting = "PASSWORD_RESET_TIMEOUT"

    @property
    def lifetime(self) -> int:
        return int(getattr(settings, self.lifetime_setting))

    def check_token(self, user, token) -> bool:
        if not (user and token) or not isinstance(token, str):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return 0 <= self._num_seconds(self._now()) - ts <= self.lifetime


class PasswordResetTokens(ExpiringTokenGenerator):
    """'Mot de passe oublié' links: PARCOURS_PASSWORD_RESET_SECONDS."""

    key_salt = "parcours.core.tokens.PasswordResetTokens"
    lifetime_setting = "PASSWORD_RESET_TIMEOUT"


class AccountSetupTokens(ExpiringTokenGenerator):
    """The link a new account receives to choose its first password: PARCOURS_ACCOUNT_SETUP_SECONDS."""

    key_salt = "parcours.core.tokens.AccountSetupTokens"
    lifetime_setting = "PARCOURS_ACCOUNT_SETUP_SECONDS"


password_reset_tokens = PasswordResetTokens()
account_setup_tokens = AccountSetupTokens()
