from django.urls import path

from lienhe213.feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.index, name="index"),
    path("opinions/", views.opinions, name="opinions"),
    path("opinions/new/", views.opinion_new, name="opinion_new"),
    path("org/<int:org_pk>/", views.queue, name="queue"),
    path("org/<int:org_pk>/page/", views.open_channel, name="open_channel"),
    path("org/<int:org_pk>/notice.pdf", views.poster, name="poster"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/match/", views.match, name="match"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/forward/", views.forward, name="forward"),
]

# The residents' short addresses, printed on the notice board (``/r/<code>/``).
public_urlpatterns = [
    path("status/", views.status, name="status"),
    path("<str:slug>/", views.public, name="public"),
]
