"""The Celery application: configured from Django settings (CELERY_* names), tasks from apps."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uvisa_portal.settings")

app = Celery("uvisa_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["uvisa_portal"])
# The draft-document task lives in the documents package of the certifications app.
app.autodiscover_tasks(["certifications.documents"])
