"""Statistics and transparency: mounted at /statistics/ (namespace `statistics`)."""

from django.urls import path

from .views import statistics as views

app_name = "statistics"

urlpatterns = [
    # Public, no sign-in: who certifies and how fast (small counts suppressed).
    path("", views.public_page, name="public"),
    path("chart/<slug:kind>.svg", views.public_chart, name="public_chart"),
    # Statewide coordinator and administrators.
    path("figures/", views.statistics_page, name="figures"),
    path("figures/chart/<slug:kind>.svg", views.statistics_chart, name="chart"),
    path("figures/recompute/", views.statistics_recompute, name="recompute"),
    path("figures/export.csv", views.export_csv, name="export_csv"),
    path("figures/annual-report.csv", views.annual_report, name="annual_report"),
]
