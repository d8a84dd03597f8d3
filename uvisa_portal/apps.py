from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UvisaPortalConfig(AppConfig):
    name = "uvisa_portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deploy checks
        from .languages import lang_info_extend

        lang_info_extend()
