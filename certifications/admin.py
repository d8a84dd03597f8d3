"""The editions of the official forms: an administrator loads USCIS's fillable PDF of an
edition, checks the field map against the PDF's own field names and tooltips, and says which
edition is current. No victim data is reachable from here."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from uvisa_portal.admin_errors import ValidValuesAdminMixin

from .editions.pdf import OfficialPdfError, load_check
from .models import FormEdition
from .services.editions import form_edition_make_current, official_form_load

# An official PDF is a few megabytes; anything much larger is not USCIS's form.
MAX_PDF_BYTES = 20 * 1024 * 1024


class FormEditionAdminForm(forms.ModelForm):
    official_pdf_upload = forms.FileField(
        label=_("Load USCIS's fillable PDF"),
        required=False,
        help_text=_(
            "From uscis.gov/i-918 or uscis.gov/i-914, as published. It is checked "
            "against this edition's field map; nothing changes if it is refused."
        ),
    )

    class Meta:
        model = FormEdition
        fields = [
            "form",
            "edition_date",
            "title",
            "is_current",
            "verified",
            "mapping_source",
            "structure",
            "field_map",
        ]

    def clean_official_pdf_upload(self):
        upload = self.cleaned_data.get("official_pdf_upload")
        if upload is None:
            return None
        if upload.size > MAX_PDF_BYTES:
            raise forms.ValidationError(_("The file is larger than any official form (20 MB)."))
        content = upload.read()
        field_map = self.cleaned_data.get("field_map") or self.instance.field_map
        try:
            load_check(content=content, field_map=field_map, form_title=str(self.instance))
        except OfficialPdfError as refusal:
            raise forms.ValidationError(refusal.problems) from None
        return content


@admin.register(FormEdition)
class FormEditionAdmin(ValidValuesAdminMixin, admin.ModelAdmin):
    form = FormEditionAdminForm
    json_hints = {
        "structure": '{"parts": [{"number": "1", "title": "…", "items": [{"key": "…", '
        '"number": "1.a", "label": "…", "kind": "text"}]}]}',
        "field_map": '{"item_key": ["PDF field name"], "name_item": {"family": ["…"]}}',
    }
    list_display = ["form", "label", "title", "is_current", "verified", "pdf_loaded", "loaded_at"]
    list_filter = ["form", "is_current", "verified"]
    readonly_fields = ["loaded_at", "loaded_by"]
    change_form_template = "admin/certifications/formedition/change_form.html"

    @admin.display(boolean=True, description=_("official PDF loaded"))
    def pdf_loaded(self, obj: FormEdition) -> bool:
        return obj.pdf_loaded

    def has_delete_permission(self, request, obj=None) -> bool:
        # Requests keep the edition they were drafted on (PROTECT): an edition is retired by
        # making another one current, never deleted.
        return False

    def save_model(self, request, obj, form, change) -> None:
        make_current = obj.is_current and (not change or "is_current" in form.changed_data)
        if make_current:
            obj.is_current = False
        super().save_model(request, obj, form, change)
        if make_current:
            form_edition_make_current(edition=obj, actor=request.user)
        content = form.cleaned_data.get("official_pdf_upload")
        if content:
            try:
                check = official_form_load(edition=obj, content=content, actor=request.user)
            except OfficialPdfError as refusal:
                messages.error(
                    request,
                    _("The PDF was refused: %(problems)s")
                    % {"problems": " ".join(refusal.problems)},
                )
                return
            messages.success(
                request,
                _(
                    "Official PDF loaded: %(fields)s fields; %(unmapped)s not used by the mapping "
                    "(listed below)."
                )
                % {"fields": len(check.fields), "unmapped": len(check.unmapped)},
            )
