"""Forms of the accounts pages: they validate only; the views call the services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext as _

from agencies.models import PointOfContact

from .models import AuditAction, Organization, Role


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.filter(is_active=True),
        required=False,
        help_text=_("Required for an advocate."),
    )
    point_of_contact = forms.ModelChoiceField(
        queryset=PointOfContact.objects.filter(is_active=True, user__isnull=True).select_related(
            "agency"
        ),
        required=False,
        label=_("Point-of-contact record"),
        help_text=_(
            "Required for an agency contact or the coordinator: the directory entry "
            "this person acts as."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Send invitation")))

    def clean(self) -> dict:
        data = super().clean()
        role = data.get("role")
        if role == Role.ADVOCATE and not data.get("organization"):
            self.add_error("organization", _("Choose the advocate's organization."))
        if role in (Role.AGENCY_CONTACT, Role.COORDINATOR) and not data.get("point_of_contact"):
            self.add_error("point_of_contact", _("Choose the directory entry this person acts as."))
        contact = data.get("point_of_contact")
        if role == Role.COORDINATOR and contact and not contact.agency.is_statewide_coordinator:
            self.add_error(
                "point_of_contact", _("The coordinator must be a contact of the statewide agency.")
            )
        return data


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; a long phrase is best. No other rules."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Create my account")))

    def clean(self) -> dict:
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                password_validation.validate_password(p1, self.user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class AuditSearchForm(forms.Form):
    q = forms.CharField(label=_("User or target contains"), required=False, max_length=120)
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", _("Any action")), *AuditAction.choices], required=False
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("", _("Search")))
