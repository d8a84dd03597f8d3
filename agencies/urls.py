from django.urls import path

from . import views

app_name = "agencies"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.agency_detail, name="detail"),
    path("health/", views.health, name="health"),
    path("export.csv", views.export_csv, name="export"),
    path("import/", views.import_csv, name="import"),
    path("import/apply/", views.import_apply, name="import_apply"),
    path("merge/", views.merge, name="merge"),
]
