from django.urls import path

from lienhe213.reminders import views

app_name = "reminders"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("mark-read/", views.mark_read, name="mark_read"),
]
