from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from lienhe213.feedback.urls import public_urlpatterns

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("lienhe213.accounts.urls")),
    path("organizations/", include("lienhe213.organizations.urls")),
    path("members/", include("lienhe213.members.urls")),
    path("registry/", include("lienhe213.registry.urls")),
    path("meetings/", include("lienhe213.meetings.urls")),
    path("notices/", include("lienhe213.notices.urls")),
    path("comments/", include("lienhe213.comments.urls")),
    path("notifications/", include("lienhe213.reminders.urls")),
    path("reports/", include("lienhe213.reports.urls")),
    path("imports/", include("lienhe213.imports.urls")),
    path("feedback/", include("lienhe213.feedback.urls")),
    path("guidance/", include("lienhe213.guidance.urls")),
    path("training/", include("lienhe213.training.urls")),
    path("r/", include((public_urlpatterns, "feedback"), namespace="residents")),
    path("", include("lienhe213.documents.urls")),
    path("api/v1/", include("lienhe213.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
