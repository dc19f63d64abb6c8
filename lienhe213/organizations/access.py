"""Gatekeeper for organizations: every view and API fetches through here."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from lienhe213.accounts.access import AnyUser, Capability, has_capability
from lienhe213.organizations.models import Organization


def get_organization_for_user(user: AnyUser, pk: object, *, write: bool = False) -> Organization:
    """The organization ``pk`` if ``user`` may see it (404 otherwise, so that ids of
    other subtrees reveal nothing); with ``write``, 403 unless they may manage it."""
    try:
        org = Organization.objects.visible_to(user).get(pk=int(str(pk)))
    except (Organization.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    if write and not has_capability(user, Capability.MANAGE_ORGANIZATIONS, org.path):
        raise PermissionDenied
    return org
