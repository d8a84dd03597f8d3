from django.urls import path  # noqa: F401 - each section below adds its patterns

app_name = "certifications"

urlpatterns: list = [
    # Advocates: intake and dashboard (certifications.views.advocate)
    # Agencies: queue, decisions, coordinator (certifications.views.agency)
    # Draft documents (certifications.views.documents)
]
