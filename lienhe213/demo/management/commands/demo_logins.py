from typing import Any

from django.core.management.base import BaseCommand, OutputWrapper
from django.utils.translation import gettext as _

from lienhe213.accounts.models import Role, RoleAssignment
from lienhe213.demo.loader import DEMO_ACCOUNTS, DEMO_PASSWORD


def write_logins(out: OutputWrapper) -> None:
    """A table of the demo accounts: username, password, role, organization."""
    assignments = {
        a.user.username: a
        for a in RoleAssignment.objects.filter(
            user__username__in=[d.username for d in DEMO_ACCOUNTS]
        ).select_related("user", "organization")
    }
    if not assignments:
        out.write(_("No demo accounts yet: run seed_demo first."))
        return
    rows = [(_("Username"), _("Password"), _("Role"), _("Organization"))]
    for account in DEMO_ACCOUNTS:
        assignment = assignments.get(account.username)
        if assignment is not None:
            role = str(Role(assignment.role).label)
            if assignment.representative_kind:
                kind = assignment.get_representative_kind_display()
                role = f"{role} ({kind})"
            rows.append((account.username, DEMO_PASSWORD, role, assignment.organization.name))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        out.write(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + "  "
            + row[3]
        )


class Command(BaseCommand):
    help = "Print the demo accounts and their roles."

    def handle(self, *args: Any, **options: Any) -> None:
        write_logins(self.stdout)
