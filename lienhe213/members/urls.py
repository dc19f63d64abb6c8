from django.urls import path

from lienhe213.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_create, name="create"),
    path("communities/", views.community_options, name="community_options"),
    path("me/data/", views.my_data, name="my_data"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
]
