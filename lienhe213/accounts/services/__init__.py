"""Every write to accounts: one module per part; import the functions from here."""

from lienhe213.accounts.services.accounts import (
    account_refusal,
    change_password,
    create_account,
    end_tokens,
    grant_role,
    home_path,
    issue_token,
    new_temporary_password,
    reset_password,
    revoke_role,
    set_account_active,
    unlock_account,
    unlock_refusal,
)
from lienhe213.accounts.services.two_factor import (
    confirm_two_factor,
    renew_recovery_codes,
    start_two_factor,
    turn_off_refusal,
    turn_off_two_factor,
    verify_second_factor,
)

__all__ = [
    "account_refusal",
    "change_password",
    "confirm_two_factor",
    "create_account",
    "end_tokens",
    "grant_role",
    "home_path",
    "issue_token",
    "new_temporary_password",
    "renew_recovery_codes",
    "reset_password",
    "revoke_role",
    "set_account_active",
    "start_two_factor",
    "turn_off_refusal",
    "turn_off_two_factor",
    "unlock_account",
    "unlock_refusal",
    "verify_second_factor",
]
