from django.urls import path

from lienhe213.guidance import views

app_name = "guidance"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/note/", views.note, name="note"),
    path("<int:pk>/revise/", views.revise, name="revise"),
    path("walkthrough/dismiss/", views.dismiss_walkthrough, name="dismiss_walkthrough"),
]
