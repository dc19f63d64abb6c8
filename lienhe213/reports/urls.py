from django.urls import path

from lienhe213.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("org/<int:pk>/", views.organization_report, name="organization"),
    path("review/<int:pk>/<int:year>/", views.review, name="review"),
    path("commendations/<int:pk>/<int:year>/", views.commendations, name="commendations"),
    path("commendations/<int:pk>/<int:year>/propose/", views.propose, name="propose"),
    path("commendations/decide/<int:pk>/", views.decide, name="decide"),
    path("feedback/<int:pk>/<int:year>/", views.feedback, name="feedback"),
]
