from django.urls import path

from lienhe213.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<int:org_pk>/inbox/", views.box, {"box": "inbox"}, name="inbox"),
    path("org/<int:org_pk>/outbox/", views.box, {"box": "outbox"}, name="outbox"),
    path("new/", views.send, name="send"),
    path("member/<int:member_pk>/", views.member_thread, name="member_thread"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/close/", views.close, name="close"),
]
