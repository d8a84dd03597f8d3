from django.urls import path

from . import views, views_signing

app_name = "agencies"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.agency_detail, name="detail"),
    path("health/", views.health, name="health"),
    path("export.csv", views.export_csv, name="export"),
    path("import/", views.import_csv, name="import"),
    path("import/apply/", views.import_apply, name="import_apply"),
    path("merge/", views.merge, name="merge"),
    # Who may sign (8 CFR 214.14(a)(3)), delegations to the coordinator, DPS trainings
    path("signers/", views_signing.signers, name="signers"),
    path(
        "signers/<int:pk>/revoke/",
        views_signing.designation_revoke_view,
        name="designation_revoke",
    ),
    path("signers/<int:pk>/letter", views_signing.designation_letter, name="designation_letter"),
    path("delegations/", views_signing.delegations, name="delegations"),
    path(
        "delegations/<int:pk>/revoke/",
        views_signing.delegation_revoke_view,
        name="delegation_revoke",
    ),
    path(
        "delegations/<int:pk>/document",
        views_signing.delegation_document,
        name="delegation_document",
    ),
    path("training/", views_signing.training, name="training"),
]
