"""Locale data Django lacks for two of the portal's languages.

Django ships no LANG_INFO for Somali or Hmong, so `get_language_info` (the selector's names,
`<html dir>`) would fail on them. Their date formats are in uvisa_portal/formats/, and their
month and day names in the project's catalogs (uvisa_portal/locale_dates.py).
"""

EXTRA_LANG_INFO = {
    "so": {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"},
    "hmn": {"bidi": False, "code": "hmn", "name": "Hmong", "name_local": "Hmoob"},
}


def lang_info_extend() -> None:
    from django.conf.locale import LANG_INFO

    for code, info in EXTRA_LANG_INFO.items():
        LANG_INFO.setdefault(code, info)
