from django.urls import path

from lienhe213.core import views

app_name = "core"
urlpatterns = [
    path("", views.audit_list, name="audit"),
]
