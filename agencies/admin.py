"""Django admin for the directory. Every save and deletion is audit-logged (DIRECTORY_CHANGE)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import AuditAction
from accounts.services import account_approval_reset, audit_log
from certifications.choices import Crime
from uvisa_portal.admin_errors import DATE_HINT, ValidValuesAdminMixin

from .importing import directory_export_csv
from .models import (
    Agency,
    City,
    County,
    PointOfContact,
    TrainingRecord,
    default_statute_coverage,
    training_cutoff,
)
from .services import contact_training_sync, directory_audit
from .signing import CertifyingDesignation, Delegation


class AuditedAdmin(ValidValuesAdminMixin, admin.ModelAdmin):
    """Writes one DIRECTORY_CHANGE audit entry per object saved or deleted in the admin."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        fields = ", ".join(form.changed_data) if change else ""
        detail = f"admin: changed {fields}" if change else "admin: added"
        directory_audit(actor=request.user, obj=obj, request=request, detail=detail[:500])

    def delete_model(self, request, obj) -> None:
        directory_audit(actor=request.user, obj=obj, request=request, detail="admin: deleted")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            directory_audit(actor=request.user, obj=obj, request=request, detail="admin: deleted")
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change) -> None:
        instances = formset.save()
        for obj in instances:
            directory_audit(actor=request.user, obj=obj, request=request, detail="admin: saved")
        for obj in formset.deleted_objects:
            directory_audit(actor=request.user, obj=obj, request=request, detail="admin: deleted")


class TrainingLapsedFilter(admin.SimpleListFilter):
    """Lapsed: no training within TRAINING_VALID_MONTHS (default 12)."""

    title = _("training")
    parameter_name = "training"

    def lookups(self, request, model_admin):
        return [("lapsed", _("Lapsed or never trained")), ("current", _("Current"))]

    def _lapsed_q(self, prefix: str = "") -> Q:
        cutoff = training_cutoff()
        return Q(**{f"{prefix}last_training_date__isnull": True}) | Q(
            **{f"{prefix}last_training_date__lt": cutoff}
        )

    def queryset(self, request, queryset):
        if self.value() == "lapsed":
            return queryset.filter(self._lapsed_q())
        if self.value() == "current":
            return queryset.exclude(self._lapsed_q())
        return queryset


class AgencyTrainingLapsedFilter(TrainingLapsedFilter):
    title = _("contacts' training")

    def lookups(self, request, model_admin):
        return [("lapsed", _("An active contact's training lapsed"))]

    def queryset(self, request, queryset):
        if self.value() == "lapsed":
            lapsed = PointOfContact.objects.active().training_lapsed().filter(agency=OuterRef("pk"))
            return queryset.filter(Exists(lapsed))
        return queryset


class ContactPresenceFilter(admin.SimpleListFilter):
    title = _("point of contact")
    parameter_name = "contact"

    def lookups(self, request, model_admin):
        return [
            ("none", _("No active contact")),
            ("no_primary", _("No active primary contact")),
            ("yes", _("Has an active contact")),
        ]

    def queryset(self, request, queryset):
        active = PointOfContact.objects.filter(agency=OuterRef("pk"), is_active=True)
        if self.value() == "none":
            return queryset.filter(~Exists(active))
        if self.value() == "no_primary":
            return queryset.filter(~Exists(active.filter(is_primary=True)))
        if self.value() == "yes":
            return queryset.filter(Exists(active))
        return queryset


@admin.register(County)
class CountyAdmin(AuditedAdmin):
    list_display = ["name", "fips"]
    search_fields = ["name", "fips"]


@admin.register(City)
class CityAdmin(AuditedAdmin):
    list_display = ["name", "county"]
    search_fields = ["name", "county__name"]
    list_filter = ["county"]


class PointOfContactInline(ValidValuesAdminMixin, admin.TabularInline):
    model = PointOfContact
    extra = 0
    fields = [
        "name",
        "title",
        "email",
        "phone",
        "role",
        "is_primary",
        "is_active",
        "last_training_date",
        "user",
    ]
    # Linking an account to a contact is done on the contact's own page, where it makes the
    # account wait for the agency's approval (PointOfContactAdmin.save_model).
    readonly_fields = ["user"]


@admin.action(description=_("Export selected agencies as CSV"))
def export_agencies_csv(modeladmin, request, queryset) -> HttpResponse:
    audit_log(
        action=AuditAction.EXPORT,
        request=request,
        target="directory",
        detail=f"admin: exported {queryset.count()} agencies as CSV",
    )
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(
        directory_export_csv(agencies=queryset), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="directory-{stamp}.csv"'
    return response


@admin.action(description=_("Merge the two selected agencies (the older one is kept)"))
def merge_two_agencies(modeladmin, request, queryset):
    agencies = list(queryset.order_by("pk")[:3])
    if len(agencies) != 2:
        modeladmin.message_user(
            request, _("Select exactly two agencies to merge."), level=messages.ERROR
        )
        return None
    survivor, duplicate = agencies
    if duplicate.is_statewide_coordinator:
        survivor, duplicate = duplicate, survivor
    url = reverse("agencies:merge") + f"?survivor={survivor.pk}&duplicate={duplicate.pk}"
    return redirect(url)


POLICY_DAYS_ERRORS = {
    "min_value": _("Enter a number of days from 1 to 365, or leave it empty for no policy."),
    "max_value": _("Enter a number of days from 1 to 365, or leave it empty for no policy."),
}


class AgencyAdminForm(forms.ModelForm):
    """Whether Minn. Stat. 611A.95 binds an agency is a legal judgment (DOMAIN: "for a
    lawyer"): recording one, or changing it, needs a written note of who decided and why."""

    # Ticked by name, stored as crime codes; none ticked means every qualifying crime.
    certified_crimes = forms.MultipleChoiceField(
        label=_("Certified crimes"),
        choices=Crime.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick none if the agency certifies every qualifying crime."),
    )
    policy_response_days = forms.IntegerField(
        label=_("Policy response days"),
        min_value=1,
        max_value=365,
        required=False,
        error_messages=POLICY_DAYS_ERRORS,
    )
    policy_expedited_days = forms.IntegerField(
        label=_("Policy expedited days"),
        min_value=1,
        max_value=365,
        required=False,
        error_messages=POLICY_DAYS_ERRORS,
    )

    class Meta:
        model = Agency
        # The admin's fieldsets add the other fields (ModelAdmin.get_form).
        fields = [
            "kind",
            "level",
            "statute_coverage",
            "statute_coverage_note",
            "certified_crimes",
            "policy_response_days",
            "policy_expedited_days",
            "is_statewide_coordinator",
        ]

    def clean_certified_crimes(self) -> list[str]:
        # Stored in the order of the list, so that an unchanged selection reads as unchanged.
        chosen = set(self.cleaned_data.get("certified_crimes") or [])
        return [code for code in Crime.values if code in chosen]

    def clean_is_statewide_coordinator(self) -> bool:
        value = self.cleaned_data.get("is_statewide_coordinator", False)
        # DOMAIN: exactly one statewide point of contact (constraint single_statewide_coordinator).
        other = Agency.objects.filter(is_statewide_coordinator=True).exclude(pk=self.instance.pk)
        current = other.first() if value else None
        if current is not None:
            raise forms.ValidationError(
                _(
                    "%(agency)s is the statewide coordinator; there is only one. Untick it there "
                    "first."
                )
                % {"agency": current.name}
            )
        return value

    def clean(self):
        data = super().clean()
        kind, level = data.get("kind"), data.get("level")
        coverage = data.get("statute_coverage") or ""
        note = (data.get("statute_coverage_note") or "").strip()
        if self.instance.pk is None:
            decided = bool(coverage) and coverage != default_statute_coverage(
                kind=kind or "", level=level or ""
            )
        else:
            decided = "statute_coverage" in self.changed_data
        if decided and (not note or note == self.instance.statute_coverage_note.strip()):
            self.add_error(
                "statute_coverage_note",
                _(
                    "Write who decided the coverage, when and why: a change of coverage needs "
                    "its note."
                ),
            )
        return data


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin, AuditedAdmin):
    form = AgencyAdminForm
    list_display = [
        "name",
        "kind",
        "level",
        "statute_coverage",
        "city_name",
        "is_active",
        "is_statewide_coordinator",
        "policy_response_days",
    ]
    list_filter = [
        "kind",
        "level",
        "statute_coverage",
        "is_active",
        ContactPresenceFilter,
        AgencyTrainingLapsedFilter,
        "counties",
        "is_demo",
    ]
    search_fields = ["name", "city_name", "counties__name", "contacts__name", "contacts__email"]
    # A plain multiple select: Django's filter_horizontal widget puts an aria-label on an
    # element that may not carry one (axe: aria-prohibited-attr), and the admin must stay
    # usable with a screen reader (WCAG 2.1 AA).
    inlines = [PointOfContactInline]
    actions = [export_agencies_csv, merge_two_agencies]
    readonly_fields = ["merge_note", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "kind",
                    "level",
                    "is_active",
                    "is_statewide_coordinator",
                    "is_dps_division",
                ]
            },
        ),
        (
            "Minn. Stat. 611A.95",
            {
                "fields": ["statute_coverage", "statute_coverage_note"],
                "description": _(
                    "Subd. 1 binds state and local law-enforcement agencies (default: covered). "
                    "Federal and tribal agencies are not bound. Prosecutors, courts and civil "
                    "agencies stay undecided, treated as not bound, until you record a decision "
                    "with its note. A covered agency gets the statute's 90 days (14 in removal "
                    "proceedings) and must accept both U and T requests."
                ),
            },
        ),
        (_("Where it serves"), {"fields": ["counties", "cities"]}),
        (
            _("Address"),
            {
                "fields": [
                    "street_address",
                    "city_name",
                    "state",
                    "postal_code",
                    "phone",
                    "fax",
                    "public_email",
                ]
            },
        ),
        (
            _("Requests it certifies"),
            {
                "fields": [
                    "accepts_u",
                    "accepts_t",
                    "policy_response_days",
                    "policy_expedited_days",
                    "policy_expedite_after_submission",
                    "certified_crimes",
                    "procedure",
                ],
                "description": _(
                    "Declining U or T requests is only for agencies the statute does not bind. "
                    "The agency's own published response policy is counted from its own "
                    "receipt of the request; for a covered agency it applies where stricter "
                    "than the statute. Certified crimes: tick the crimes the agency certifies, or "
                    "none if it certifies every qualifying crime."
                ),
            },
        ),
        (_("Record"), {"fields": ["is_demo", "merge_note", "created_at", "updated_at"]}),
    ]


class TrainingRecordInline(ValidValuesAdminMixin, admin.TabularInline):
    model = TrainingRecord
    extra = 0


@admin.register(PointOfContact)
class PointOfContactAdmin(SimpleHistoryAdmin, AuditedAdmin):
    list_display = [
        "name",
        "agency",
        "role",
        "is_primary",
        "is_agency_head",
        "is_active",
        "last_training_date",
        "training_is_lapsed",
    ]
    list_filter = [
        "role",
        "is_primary",
        "is_active",
        TrainingLapsedFilter,
        "agency__kind",
        "agency__counties",
    ]
    search_fields = ["name", "email", "title", "agency__name"]
    list_select_related = ["agency"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["agency"]
    inlines = [TrainingRecordInline]

    @admin.display(boolean=True, description=_("training lapsed"))
    def training_is_lapsed(self, obj: PointOfContact) -> bool:
        return obj.training_lapsed

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        changed = set(form.changed_data)
        if obj.user_id and (not change or {"user", "agency"} & changed):
            # The account now acts for this agency: it sees the agency's requests only once
            # the agency's approver agrees (accounts/approvals.py), never on the
            # administrator's word alone.
            account_approval_reset(
                user=obj.user,
                actor=request.user,
                reason=f"acts for agencies.agency:{obj.agency_id} "
                f"as agencies.pointofcontact:{obj.pk}",
                request=request,
            )
        if change and "is_agency_head" in changed and obj.user_id:
            audit_log(
                action=AuditAction.ROLE_CHANGE,
                user=request.user,
                request=request,
                target=f"accounts.user:{obj.user_id}",
                detail=f"agency head or designated official of agencies.agency:{obj.agency_id}: "
                + ("yes" if obj.is_agency_head else "no"),
            )

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        contact_training_sync(contact=form.instance)


@admin.register(TrainingRecord)
class TrainingRecordAdmin(AuditedAdmin):
    list_display = ["contact", "date", "topic", "provider"]
    list_filter = ["provider", "contact__agency__kind"]
    search_fields = ["contact__name", "contact__agency__name", "topic", "provider"]
    list_select_related = ["contact__agency"]
    autocomplete_fields = ["contact"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        contact_training_sync(contact=obj.contact)


def _revocation_after(form: forms.ModelForm, start_field: str) -> None:
    """A revocation cannot come before what it revokes: the valid range starts on that date."""
    start, revoked = form.cleaned_data.get(start_field), form.cleaned_data.get("revoked_on")
    if start and revoked and revoked < start:
        label = form.fields[start_field].label.lower()
        form.add_error(
            "revoked_on",
            _(
                "The revocation must be on or after the %(label)s (%(start)s), or left empty if "
                "it is not revoked. %(hint)s."
            )
            % {"label": label, "start": start.isoformat(), "hint": DATE_HINT},
        )


class CertifyingDesignationAdminForm(forms.ModelForm):
    class Meta:
        model = CertifyingDesignation
        fields = ["designated_on", "revoked_on"]

    def clean(self):
        data = super().clean()
        _revocation_after(self, "designated_on")
        return data


class DelegationAdminForm(forms.ModelForm):
    class Meta:
        model = Delegation
        fields = ["signed_on", "revoked_on"]

    def clean(self):
        data = super().clean()
        _revocation_after(self, "signed_on")
        return data


# The signed documents are uploaded and downloaded on the head's and the coordinator's pages,
# where every file is checked and scanned (`certifications.uploads.validate_upload`) and every
# download goes through `certifications.access`; here the records are read and revoked.
@admin.register(CertifyingDesignation)
class CertifyingDesignationAdmin(AuditedAdmin):
    form = CertifyingDesignationAdminForm
    list_display = ("contact", "designated_on", "designated_by", "revoked_on")
    list_filter = ("revoked_on",)
    search_fields = ("contact__name", "contact__agency__name")
    autocomplete_fields = ("contact", "designated_by")
    exclude = ("letter", "letter_content_type")
    readonly_fields = ("created_at",)


@admin.register(Delegation)
class DelegationAdmin(AuditedAdmin):
    form = DelegationAdminForm
    list_display = ("agency", "signed_on", "signed_by", "revoked_on")
    list_filter = ("revoked_on",)
    search_fields = ("agency__name", "signed_by")
    autocomplete_fields = ("agency",)
    exclude = ("document", "document_content_type")
    readonly_fields = ("recorded_by", "created_at")

    def has_add_permission(self, request) -> bool:
        # A delegation is recorded with its signed document, on the coordinator's page.
        return False
