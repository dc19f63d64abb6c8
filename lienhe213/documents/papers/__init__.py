"""The content of each official paper (Guidance 33-HD/BTCTW, docs/domain.md §5) as a
``rendering.Paper``: the forms (``forms``), the tracking book (``book``) and the annual
report (``review``). Who signs a paper and how it names them — heading, addressee,
signature block, number suffix, the names of the paper's date — is decided in one place,
``signatories``."""

from lienhe213.comments.models import CommentRequest
from lienhe213.documents.models import IssuedDocument, Series
from lienhe213.documents.papers.book import book_links, book_paper
from lienhe213.documents.papers.forms import (
    COMMENT_RELATED,
    LETTER_RELATED,
    comment_paper,
    letter_paper,
    request_paper,
)
from lienhe213.documents.papers.review import review_paper
from lienhe213.documents.papers.signatories import Names, Signatory, signatory
from lienhe213.documents.rendering import Paper
from lienhe213.registry.models import ResidenceLink

__all__ = [
    "COMMENT_RELATED",
    "LETTER_RELATED",
    "Names",
    "Signatory",
    "book_links",
    "book_paper",
    "comment_paper",
    "letter_paper",
    "paper_for",
    "request_paper",
    "review_paper",
    "signatory",
]


def paper_for(document: IssuedDocument) -> Paper:
    """The paper of a registered document: a snapshot (a tracking book, a report) as
    stored when it was printed; a form rebuilt from its object, with the names of its
    date."""
    if document.content:
        return Paper(**document.content)
    if document.link_id is not None and document.series == Series.LETTER:
        link = ResidenceLink.objects.select_related(*LETTER_RELATED).get(pk=document.link_id)
        return letter_paper(link, document)
    if document.comment_request_id is not None:
        request = CommentRequest.objects.select_related(*COMMENT_RELATED).get(
            pk=document.comment_request_id
        )
        if document.series == Series.REQUEST:
            return request_paper(request, document)
        return comment_paper(request, document)
    raise ValueError(document.kind)
