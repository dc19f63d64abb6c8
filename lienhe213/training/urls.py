from django.urls import path

from lienhe213.training import views

app_name = "training"
urlpatterns = [
    path("", views.index, name="index"),
    path("plan/", views.plan, name="plan"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/materials/", views.add_material, name="add_material"),
    path("materials/<int:pk>/", views.material, name="material"),
    path("materials/<int:pk>/remove/", views.remove_material, name="remove_material"),
]
