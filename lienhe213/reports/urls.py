from django.urls import path

from lienhe213.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<int:pk>/", views.organization_report, name="organization"),
]
