from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("invitations/new/", views.invitation_new, name="invitation_new"),
    path("invitations/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
]
