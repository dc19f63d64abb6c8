"""Version 1 of the REST API, included at ``/api/v1/``; the schema is at ``/api/schema/``."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from lienhe213.accounts.api import AccountViewSet, ObtainTokenView, RoleAssignmentViewSet
from lienhe213.members.api import MemberViewSet
from lienhe213.organizations.api import OrganizationViewSet

app_name = "api"

router = SimpleRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("members", MemberViewSet, basename="member")
router.register("role-assignments", RoleAssignmentViewSet, basename="role-assignment")
router.register("accounts", AccountViewSet, basename="account")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    *router.urls,
]
