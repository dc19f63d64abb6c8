"""Version 1 of the REST API, included at ``/api/v1/``; the schema is at ``/api/schema/``."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from lienhe213.accounts.api import (
    AccountViewSet,
    LogoutView,
    ObtainTokenView,
    PasswordChangeView,
    RoleAssignmentViewSet,
)
from lienhe213.comments.api import CampaignViewSet, CommentRequestViewSet
from lienhe213.documents.api import DocumentViewSet
from lienhe213.feedback.api import (
    ChannelViewSet,
    OpinionViewSet,
    PublicChannelView,
    PublicStatusView,
    PublicSubmitView,
    ReportViewSet,
)
from lienhe213.guidance.api import EntryViewSet, WalkthroughDismissView, WalkthroughView
from lienhe213.imports.api import ImportViewSet
from lienhe213.meetings.api import MeetingViewSet
from lienhe213.members.api import MemberViewSet, PersonalDataView
from lienhe213.notices.api import NoticeViewSet
from lienhe213.organizations.api import OrganizationViewSet
from lienhe213.registry.api import (
    ClassificationViewSet,
    LetterViewSet,
    ReconciliationView,
    ResidenceLinkViewSet,
)
from lienhe213.reminders.api import NotificationViewSet
from lienhe213.reports.api import (
    CommendationViewSet,
    FeedbackFiguresView,
    IndicatorsView,
    ReviewView,
)
from lienhe213.training.api import MaterialViewSet, SessionViewSet

app_name = "api"

router = SimpleRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("members", MemberViewSet, basename="member")
router.register("role-assignments", RoleAssignmentViewSet, basename="role-assignment")
router.register("accounts", AccountViewSet, basename="account")
router.register("links", ResidenceLinkViewSet, basename="link")
router.register("letters", LetterViewSet, basename="letter")
router.register("classifications", ClassificationViewSet, basename="classification")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("notices", NoticeViewSet, basename="notice")
router.register("comments/campaigns", CampaignViewSet, basename="comment-campaign")
router.register("comments/requests", CommentRequestViewSet, basename="comment-request")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("documents", DocumentViewSet, basename="document")
router.register("commendations", CommendationViewSet, basename="commendation")
router.register("imports", ImportViewSet, basename="import")
router.register("feedback/reports", ReportViewSet, basename="feedback-report")
router.register("feedback/opinions", OpinionViewSet, basename="feedback-opinion")
router.register("feedback/channels", ChannelViewSet, basename="feedback-channel")
router.register("guidance/entries", EntryViewSet, basename="guidance-entry")
router.register("training/sessions", SessionViewSet, basename="training-session")
router.register("training/materials", MaterialViewSet, basename="training-material")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("auth/password/", PasswordChangeView.as_view(), name="auth-password"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("reconciliation/", ReconciliationView.as_view(), name="reconciliation"),
    path("reports/indicators/", IndicatorsView.as_view(), name="report-indicators"),
    path("reports/review/", ReviewView.as_view(), name="report-review"),
    path("reports/feedback/", FeedbackFiguresView.as_view(), name="report-feedback"),
    path("me/data/", PersonalDataView.as_view(), name="me-data"),
    path("feedback/public/submit/", PublicSubmitView.as_view(), name="feedback-submit"),
    path("feedback/public/status/", PublicStatusView.as_view(), name="feedback-status"),
    path("feedback/public/<str:slug>/", PublicChannelView.as_view(), name="feedback-public"),
    path("guidance/walkthrough/", WalkthroughView.as_view(), name="guidance-walkthrough"),
    path(
        "guidance/walkthrough/dismiss/",
        WalkthroughDismissView.as_view(),
        name="guidance-walkthrough-dismiss",
    ),
    *router.urls,
]
