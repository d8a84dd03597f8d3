from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "Certification portal administration"
admin.site.site_title = "Certification portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("requests/", include("certifications.urls")),
    path("directory/", include("agencies.urls")),
    path("statistics/", include("certifications.urls_statistics")),
    path("people/", include("accounts.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "uvisa_portal.views.bad_request"
handler403 = "uvisa_portal.views.permission_denied"
handler404 = "uvisa_portal.views.page_not_found"
handler500 = "uvisa_portal.views.server_error"
