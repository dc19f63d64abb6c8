from django.urls import path

from lienhe213.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("template/<str:kind>.xlsx", views.template, name="template"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/mapping/", views.set_mapping, name="mapping"),
    path("<int:pk>/communes/", views.choose_communes, name="choose"),
    path("<int:pk>/commit/", views.commit, name="commit"),
    path("<int:pk>/rejected.xlsx", views.error_workbook, name="errors"),
]
