"""The project's URLs plus ``/_bench/bare/``, a bare Django page for bench_http.py: one
query and one small template, behind the same middleware as every page (the session,
the user, the second factor), so the ratio of a page to it is what the page itself adds."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from lienhe213.organizations.models import Organization
from lienhe213.urls import urlpatterns as project_urlpatterns

_TEMPLATE = engines["django"].from_string(
    "<!doctype html><title>bare</title><p>{{ user.get_username }}: {{ value }}</p>"
)


def bare(request: HttpRequest) -> HttpResponse:
    value = Organization.objects.order_by("pk").values_list("name", flat=True).first()
    return HttpResponse(_TEMPLATE.render({"user": request.user, "value": value}))


urlpatterns = [path("_bench/bare/", bare), *project_urlpatterns]
