from django.urls import path, register_converter

from lienhe213.documents import views


class FormatConverter:
    regex = "pdf|docx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

app_name = "documents"
urlpatterns = [
    path("documents/<int:pk>.<fmt:fmt>", views.document_file, name="file"),
    path("documents/link/<int:pk>.<fmt:fmt>", views.link_document, name="link"),
    path("documents/request/<int:pk>.<fmt:fmt>", views.request_document, name="request"),
    path("documents/comment/<int:pk>.<fmt:fmt>", views.comment_document, name="comment"),
    path("documents/book/<int:org_pk>.<fmt:fmt>", views.book_document, name="book"),
    path(
        "documents/review/<int:org_pk>/<int:year>.<fmt:fmt>",
        views.review_document,
        name="review",
    ),
    path("documents/workplace/<int:org_pk>/batches/", views.batches, name="batches"),
    path("documents/batch/<int:pk>/", views.batch_detail, name="batch"),
    path("documents/batch/<int:pk>/letters.pdf", views.batch_file, name="batch_file"),
    path("documents/batch/<int:pk>/letters.zip", views.batch_zip, name="batch_zip"),
    path("documents/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
