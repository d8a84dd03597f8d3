from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("invitations/new/", views.invitation_new, name="invitation_new"),
    path("invitations/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("waiting/", views.approval_pending, name="approval_pending"),
    path("approvals/", views.approval_list, name="approval_list"),
    path("approvals/<int:pk>/approve/", views.approval_approve, name="approval_approve"),
    path("approvals/<int:pk>/refuse/", views.approval_refuse, name="approval_refuse"),
]
