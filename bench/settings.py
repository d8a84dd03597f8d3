"""The portal's settings with the benchmark's URLconf (bench/urls.py: the portal's URLs and
the benchmark's own views). Only bench/wsgi.py uses them."""

from uvisa_portal.settings import *  # noqa: F403 - the portal's settings, unchanged

ROOT_URLCONF = "bench.urls"
