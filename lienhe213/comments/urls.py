from django.urls import path

from lienhe213.comments import views

app_name = "comments"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("province/<int:pk>/", views.province_campaigns, name="province"),
    path("workplace/<int:pk>/", views.workplace_requests, name="workplace"),
    path("cell/<int:pk>/", views.cell_todo, name="cell"),
    path("progress/<int:pk>/", views.commune_progress, name="progress"),
    path("commune/<int:pk>/", views.commune_requests, name="commune"),
    path("commune/<int:pk>/return/", views.commune_return, name="commune_return"),
    path("subtree/<int:pk>/", views.subtree_requests, name="subtree"),
    path("request/<int:pk>/", views.request_detail, name="request"),
    path("request/<int:pk>/<slug:step>/", views.request_step, name="step"),
]
