from django.urls import path  # noqa: F401 - each section below adds its patterns

from .views import agency

app_name = "certifications"

urlpatterns: list = [
    # Advocates: intake and dashboard (certifications.views.advocate)
    # Agencies: queue, decisions, coordinator (certifications.views.agency)
    path("queue/", agency.queue, name="queue"),
    path("statewide/", agency.coordinator, name="coordinator"),
    path("<int:pk>/review/", agency.review, name="review"),
    path("<int:pk>/review/start/", agency.start_review, name="start_review"),
    path("<int:pk>/review/request-info/", agency.request_info, name="request_info"),
    path("<int:pk>/review/certify/", agency.certify, name="certify"),
    path("<int:pk>/review/deny/", agency.deny, name="deny"),
    path("<int:pk>/review/transfer/", agency.transfer, name="transfer"),
    path("<int:pk>/review/reroute/", agency.reroute, name="reroute"),
    path("<int:pk>/review/message/", agency.message, name="message"),
    path("<int:pk>/review/assign/", agency.assign, name="assign"),
    # Draft documents (certifications.views.documents)
]
