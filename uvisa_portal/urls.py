from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as account_views

from . import views

admin.site.site_header = _("Certification portal administration")
admin.site.site_title = _("Certification portal")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # allauth's code steps with the portal's attempt limit, at allauth's own URLs and names
    # (listed first, so they answer instead of allauth's).
    path("accounts/2fa/authenticate/", account_views.mfa_authenticate, name="mfa_authenticate"),
    path(
        "accounts/2fa/reauthenticate/",
        account_views.mfa_reauthenticate,
        name="mfa_reauthenticate",
    ),
    # The language selector (templates/_language_menu.html) posts here, at Django's own name.
    path("i18n/setlang/", account_views.language_set, name="set_language"),
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
