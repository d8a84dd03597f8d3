from django.urls import path  # noqa: F401 - each section below adds its patterns

from .views import documents

app_name = "certifications"

urlpatterns: list = [
    # Advocates: intake and dashboard (certifications.views.advocate)
    # Agencies: queue, decisions, coordinator (certifications.views.agency)
    # Draft documents (certifications.views.documents)
    path("<int:pk>/documents/", documents.documents_page, name="documents"),
    path(
        "<int:pk>/documents/<slug:kind>.pdf",
        documents.document_download,
        name="document_download",
    ),
    path(
        "<int:pk>/documents/agency-answers/",
        documents.agency_answers_edit,
        name="document_agency_answers",
    ),
    path(
        "<int:pk>/documents/agency-answers/save/",
        documents.agency_answers_save,
        name="document_agency_answers_save",
    ),
]
