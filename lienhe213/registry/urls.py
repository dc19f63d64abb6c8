from django.urls import path

from lienhe213.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.index, name="index"),
    path("book/<int:org_pk>/", views.book, name="book"),
    path("workplace/<int:org_pk>/", views.workplace, name="workplace"),
    path("workplace/<int:org_pk>/issue/", views.issue_letters, name="issue_letters"),
    path(
        "workplace/<int:org_pk>/issue/confirm/",
        views.issue_letters_confirm,
        name="issue_letters_confirm",
    ),
    path("book/<int:org_pk>/receive/", views.receive_letters, name="receive_letters"),
    path("worklist/<int:org_pk>/", views.worklist, name="worklist"),
    path("subtree/<int:org_pk>/links/", views.subtree_links, name="subtree_links"),
    path("links/<int:pk>/", views.link_detail, name="link_detail"),
    path("links/<int:pk>/present/", views.link_present, name="present"),
    path("links/<int:pk>/receive/", views.link_receive, name="receive"),
    path("links/<int:pk>/return/", views.link_return, name="return"),
    path("links/<int:pk>/assign/", views.link_assign, name="assign"),
    path("links/<int:pk>/acknowledge/", views.link_acknowledge, name="acknowledge"),
    path("links/<int:pk>/move/", views.link_move, name="move"),
    path("links/<int:pk>/workplace/", views.link_change_workplace, name="change_workplace"),
    path("links/<int:pk>/exempt/", views.link_exempt, name="exempt"),
    path("links/<int:pk>/retire/", views.link_retire, name="retire"),
    path("links/<int:pk>/end/", views.link_end, name="end"),
    path("members/<int:member_pk>/", views.member_links, name="member_links"),
    path("members/<int:member_pk>/classify/", views.classify, name="classify"),
    path("remap/<int:org_pk>/", views.remap, name="remap"),
    path("calendar/<int:province_pk>/", views.province_calendar, name="calendar"),
]
