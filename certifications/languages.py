"""The victim's preferred language, as a code chosen from a list, and the order their name is
written in.

Minn. Stat. 611A.95 and Title VI language access: the agency and the advocate need to know which
interpreter to book, so the language is a code from a list (the languages most spoken by the
people Minnesota's advocates serve), not free text; "other" keeps what the advocate typed. The
codes are ISO 639 (two letters where there is one, three otherwise: hmn, kar, ase) so that the
victim letter can pick its translation from the same code.

A name is shown as its bearer writes it: family name first for the languages where that is the
custom, unless the advocate chose otherwise for this person (`victim_name_order`).
"""

from __future__ import annotations

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

OTHER = "other"
# Each language's name for itself, shown as written whatever the reader's language.
ENDONYMS: list[str] = []


def _named(endonym: str, name) -> str:
    """The endonym first, so the victim can find their own language, then the name the reader
    knows it by, in the reader's language."""
    ENDONYMS.append(endonym)
    return format_lazy("{} ({})", endonym, name)


# (code, label): the languages most spoken by the people Minnesota's advocates serve.
LANGUAGES_SPOKEN: list[tuple[str, str]] = [
    ("en", _("English")),
    ("es", _named("Español", _("Spanish"))),
    ("so", _named("Soomaali", _("Somali"))),
    ("hmn", _named("Hmoob", _("Hmong"))),
    ("vi", _named("Tiếng Việt", _("Vietnamese"))),
    ("om", _named("Afaan Oromoo", _("Oromo"))),
    ("am", _named("አማርኛ", _("Amharic"))),
    ("ti", _named("ትግርኛ", _("Tigrinya"))),
    ("ar", _named("العربية", _("Arabic"))),
    ("zh", _named("中文", _("Chinese, Mandarin"))),
    ("yue", _named("粵語", _("Cantonese"))),
    ("ko", _named("한국어", _("Korean"))),
    ("ru", _named("Русский", _("Russian"))),
    ("uk", _named("Українська", _("Ukrainian"))),
    ("kar", _named("ကညီ", _("Karen"))),
    ("my", _named("မြန်မာဘာသာ", _("Burmese"))),
    ("ne", _named("नेपाली", _("Nepali"))),
    ("lo", _named("ພາສາລາວ", _("Lao"))),
    ("km", _named("ខ្មែរ", _("Khmer"))),
    ("fr", _named("Français", _("French"))),
    ("sw", _named("Kiswahili", _("Swahili"))),
    ("pt", _named("Português", _("Portuguese"))),
    ("ht", _named("Kreyòl ayisyen", _("Haitian Creole"))),
    ("hu", _named("Magyar", _("Hungarian"))),
    ("ja", _named("日本語", _("Japanese"))),
    ("ase", _("American Sign Language (ASL)")),
    (OTHER, _("Other (write it below)")),
]
LANGUAGE_NAMES = dict(LANGUAGES_SPOKEN)


def language_name(code: str, other: str = "") -> str:
    """The language as the pages show it: endonym and English name, or the text typed for
    "other"; a stored value that is not a code (never expected after the migration) as is."""
    if not code:
        return ""
    if code == OTHER:
        return other.strip() or str(_("Other (not named)"))
    return str(LANGUAGE_NAMES.get(code, code))


class NameOrder(models.TextChoices):
    GIVEN_FIRST = "given_first", _("Given name first")
    FAMILY_FIRST = "family_first", _("Family name first")


# Where the family name is written first (in the form's fields: family, middle, given, as a
# Vietnamese name "Nguyễn Thị Ánh Tuyết" is written). Vietnamese, Chinese (Mandarin and
# Cantonese), Korean, Japanese, Hungarian, Hmong (the clan name first) and Khmer. Anything else,
# and an unknown language, defaults to given name first; the advocate can always choose.
FAMILY_FIRST_LANGUAGES = frozenset({"vi", "zh", "yue", "ko", "ja", "hu", "hmn", "km"})


def name_order_default(language: str) -> str:
    if language in FAMILY_FIRST_LANGUAGES:
        return NameOrder.FAMILY_FIRST
    return NameOrder.GIVEN_FIRST


def display_name(*, family: str, given: str, middle: str, order: str) -> str:
    parts = [given, middle, family]
    if order == NameOrder.FAMILY_FIRST:
        parts = [family, middle, given]
    return " ".join(p for p in parts if p)


# Free text typed before the language was a code: lower-cased names, endonyms and codes.
LEGACY_NAMES: dict[str, str] = {
    "english": "en",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
    "castellano": "es",
    "somali": "so",
    "soomaali": "so",
    "af soomaali": "so",
    "hmong": "hmn",
    "hmoob": "hmn",
    "vietnamese": "vi",
    "tiếng việt": "vi",
    "tieng viet": "vi",
    "oromo": "om",
    "afaan oromoo": "om",
    "oromiffa": "om",
    "amharic": "am",
    "tigrinya": "ti",
    "arabic": "ar",
    "chinese": "zh",
    "mandarin": "zh",
    "中文": "zh",
    "cantonese": "yue",
    "korean": "ko",
    "한국어": "ko",
    "russian": "ru",
    "ukrainian": "uk",
    "karen": "kar",
    "s'gaw karen": "kar",
    "burmese": "my",
    "nepali": "ne",
    "lao": "lo",
    "laotian": "lo",
    "khmer": "km",
    "cambodian": "km",
    "french": "fr",
    "français": "fr",
    "swahili": "sw",
    "kiswahili": "sw",
    "portuguese": "pt",
    "haitian creole": "ht",
    "hungarian": "hu",
    "magyar": "hu",
    "japanese": "ja",
    "asl": "ase",
    "american sign language": "ase",
}
# English names for going back (the reverse migration): "Spanish", not "Español (Spanish)".
ENGLISH_NAMES: dict[str, str] = {
    code: (label.rsplit("(", 1)[-1].rstrip(")") if "(" in label else label)
    for code, label in LANGUAGES_SPOKEN
    if code != OTHER
}


def language_from_text(text: str) -> tuple[str, str]:
    """(code, other) for free text typed before the list: a known name or code becomes its
    code; anything else is "other" with the text kept; nothing stays nothing."""
    typed = " ".join(text.split())
    if not typed:
        return "", ""
    key = typed.lower()
    if key in LANGUAGE_NAMES and key != OTHER:
        return key, ""
    if key in LEGACY_NAMES:
        return LEGACY_NAMES[key], ""
    return OTHER, typed


def language_to_text(code: str, other: str) -> str:
    """The reverse: the English name, or the text kept for "other"."""
    if code == OTHER:
        return other
    return ENGLISH_NAMES.get(code, code)
