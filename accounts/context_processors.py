from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    return {"PORTAL_NAME": "Minnesota U/T Visa Certification Portal", "DEBUG": settings.DEBUG}
