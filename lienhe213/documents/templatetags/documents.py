"""Template tags that let other apps' pages offer the document downloads without
knowing who may print what."""

from typing import Any

from django import template

from lienhe213.comments.models import CommentRequest
from lienhe213.documents import services
from lienhe213.organizations.models import Organization
from lienhe213.registry.models import ResidenceLink

register = template.Library()


@register.simple_tag(takes_context=True)
def letter_printable(context: dict[str, Any], link: ResidenceLink) -> bool:
    """Whether the viewer may print the link's letter (form 1-213 / 2-213) now."""
    user = context["request"].user
    return link.status not in services.NO_LETTER_STATUSES and services.may_print_letter(user, link)


@register.simple_tag(takes_context=True)
def comment_printable(context: dict[str, Any], item: CommentRequest) -> bool:
    """Whether the viewer may print the comment (form 3-213 / 4-213) now."""
    user = context["request"].user
    return item.status in services.COMMENT_READY_STATUSES and services.may_print_comment(user, item)


@register.simple_tag(takes_context=True)
def request_printable(context: dict[str, Any], item: CommentRequest) -> bool:
    """Whether the viewer may print the workplace's request for this comment."""
    return services.may_print_request(context["request"].user, item)


@register.simple_tag(takes_context=True)
def book_printable(context: dict[str, Any], org: Organization) -> bool:
    """Whether the viewer may print ``org``'s tracking book (a residential cell's, or a
    commune's for all its cells)."""
    return services.may_print_book(context["request"].user, org)
