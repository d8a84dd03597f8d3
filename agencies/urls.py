from django.urls import path  # noqa: F401 - directory pages are added here

app_name = "agencies"

urlpatterns: list = []
