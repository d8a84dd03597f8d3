from django.urls import path  # noqa: F401 - each section below adds its patterns

from .views import notifications as notification_views

app_name = "certifications"

urlpatterns: list = [
    # Advocates: intake and dashboard (certifications.views.advocate)
    # Agencies: queue, decisions, coordinator (certifications.views.agency)
    # Draft documents (certifications.views.documents)
    # Notifications: the bell and "petition filed" (certifications.views.notifications)
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/read",
        notification_views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all",
        notification_views.notifications_read_all,
        name="notifications_read_all",
    ),
    path("<int:pk>/petition-filed", notification_views.petition_filed, name="petition_filed"),
]
