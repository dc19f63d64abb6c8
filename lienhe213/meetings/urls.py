from django.urls import path

from lienhe213.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("cell/<int:pk>/", views.cell_meetings, name="cell"),
    path("overdue/<int:pk>/", views.overdue, name="overdue"),
    path("held/<int:pk>/", views.held_list, name="held_list"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/attendance/", views.record_attendances, name="attendance_sheet"),
    path("<int:pk>/attendance/<int:member_pk>/", views.record_attendance, name="attendance"),
    path("<int:pk>/opinion/", views.record_opinion, name="opinion"),
    path("<int:pk>/follow-up/", views.add_follow_up, name="follow_up"),
    path(
        "<int:pk>/follow-up/<int:follow_up_pk>/done/",
        views.complete_follow_up,
        name="follow_up_done",
    ),
    path("<int:pk>/held/", views.mark_held, name="held"),
    path("<int:pk>/cancel/", views.cancel_meeting, name="cancel"),
]
