"""The victim step's name order and preferred language: the order a name is written in follows
the language unless the advocate chooses the other one, and "other" needs the language's name."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..languages import FAMILY_FIRST_LANGUAGES, OTHER, NameOrder, name_order_default

FAMILY_FIRST_NAMES = _("Vietnamese, Chinese, Korean, Japanese, Hungarian, Hmong and Khmer")


class NameLanguageMixin:
    """For a ModelForm of a request with `victim_name_order` and the language fields."""

    def name_and_language_setup(self) -> None:
        language = self.fields["victim_preferred_language"]
        language.choices = [("", _("Choose…")), *language.choices[1:]]
        # The browser script (static/js/names.js) moves an unchosen order with the language.
        language.widget.attrs["data-family-first"] = " ".join(sorted(FAMILY_FIRST_LANGUAGES))
        other = self.fields["victim_preferred_language_other"]
        other.label = _("Other language")
        other.help_text = _(
            'Only if the language is "Other": its name, and the dialect if it matters for the '
            "interpreter."
        )
        order = self.fields["victim_name_order"]
        order.label = _("How the name is written")
        order.help_text = _(
            "Pages, drafts and letters show the name in this order; the boxes above stay "
            "family, given, middle. Until you choose, it follows the preferred language "
            "(family name first for %(languages)s)."
        ) % {"languages": FAMILY_FIRST_NAMES}
        order.choices = [
            (NameOrder.GIVEN_FIRST, _("Given name first: given, middle, family")),
            (NameOrder.FAMILY_FIRST, _("Family name first: family, middle, given")),
        ]
        order.required = False
        # The order is stored only when the advocate picks the one that is not the language's
        # custom (`clean`); unchosen, the radio shows the language's: the server's default,
        # which works without the script.
        if not self.instance.victim_name_order:
            self.initial["victim_name_order"] = name_order_default(
                self.instance.victim_preferred_language
            )

    def clean_victim_preferred_language_other(self) -> str:
        other = " ".join((self.cleaned_data.get("victim_preferred_language_other") or "").split())
        language = self.cleaned_data.get("victim_preferred_language")
        if language == OTHER and not other:
            raise ValidationError(_("Write the language's name, or choose it from the list."))
        return other if language == OTHER else ""

    def clean(self):
        data = super().clean()
        language = data.get("victim_preferred_language") or ""
        # Left as shown on a request without a choice (without the script, the radio still
        # shows the old language's custom), or the new language's custom: not a choice.
        untouched = not self.instance.victim_name_order and (
            "victim_name_order" not in self.changed_data
        )
        if untouched or data.get("victim_name_order") == name_order_default(language):
            data["victim_name_order"] = ""
        return data
