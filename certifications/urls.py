from django.urls import path  # noqa: F401 - each section below adds its patterns

from .views import advocate

app_name = "certifications"

urlpatterns: list = [
    # Advocates: intake and dashboard (certifications.views.advocate)
    path("", advocate.dashboard, name="dashboard"),
    path("new/", advocate.request_new, name="new"),
    path("<int:pk>/", advocate.request_detail, name="detail"),
    path("<int:pk>/edit/<slug:step>/", advocate.request_edit, name="edit"),
    path("<int:pk>/submit/", advocate.request_submit, name="submit"),
    path("<int:pk>/withdraw/", advocate.request_withdraw, name="withdraw"),
    path("<int:pk>/respond/", advocate.request_provide_info, name="respond"),
    path("attachments/<int:pk>/", advocate.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", advocate.attachment_delete, name="attachment_delete"),
    path("agency-suggestions/", advocate.agency_suggestions_json, name="agency_suggestions"),
    # Agencies: queue, decisions, coordinator (certifications.views.agency)
    # Draft documents (certifications.views.documents)
]
