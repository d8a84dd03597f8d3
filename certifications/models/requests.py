"""Certification requests, their events, messages and attachments."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from agencies.models import Agency, County, PointOfContact
from uvisa_portal.fields import EncryptedCharField, EncryptedDateField, EncryptedTextField

from ..choices import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    Action,
    AttachmentKind,
    DeadlineSource,
    DecisionBasis,
    DenialReason,
    DirectVictimUnable,
    FormType,
    Gender,
    IndirectRelationship,
    NextFriendReason,
    PetitionerKind,
    Recommendation,
    RemovalOf,
    Status,
    Urgency,
    YesNoUnknown,
    denial_reason_label,
)
from ..languages import LANGUAGES_SPOKEN, NameOrder, display_name, language_name, name_order_default
from ..validity import validity_rule, validity_text


class CertificationRequestQuerySet(models.QuerySet):
    def open(self) -> CertificationRequestQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: datetime.date | None = None) -> CertificationRequestQuerySet:
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today)


class CertificationRequest(models.Model):
    """One request for one victim and one form (I-918 Supp. B or I-914 Supp. B).

    Victim fields are prefixed `victim_`; they are what the retention purge blanks. Every field
    that identifies the victim or tells their story (names, date of birth, A-Number, language,
    the narrative and helpfulness answers, the case number, free-text reasons) is stored
    encrypted (uvisa_portal.fields; CJIS 5.10.1.2, 8 U.S.C. 1367): never searched or sorted on.
    Gender, the interpreter flag and the dates of the crime and consent stay plain: the
    statistics and the deadlines read them, and alone they identify no one.
    """

    # --- identity and ownership ---
    reference = models.CharField(max_length=20, unique=True, editable=False)
    form_type = models.CharField(max_length=1, choices=FormType.choices, default=FormType.U)
    # No index of its own: the dashboard's indexes (Meta.indexes, req_org_*) lead with it.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="requests", db_index=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # No index of its own: req_status_due leads with it, and the lists filter on it through
    # partial indexes (Meta.indexes). Every index is written again by each status change.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The advocate dashboard's first sort key: open requests, then drafts, then closed ones.
    # Computed and stored by the database from `status` (a generated column on PostgreSQL and
    # SQLite alike), so the index `req_org_dashboard` returns a page in order instead of the
    # database sorting every request of the organization on a CASE.
    list_group = models.GeneratedField(
        expression=models.Case(
            models.When(status__in=sorted(OPEN_STATUSES), then=models.Value(0)),
            models.When(status=Status.DRAFT, then=models.Value(1)),
            default=models.Value(2),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )

    # --- Part 1: victim ---
    victim_family_name = EncryptedCharField(
        _("family name (last name)"), max_length=100, blank=True
    )
    victim_given_name = EncryptedCharField(_("given name (first name)"), max_length=100, blank=True)
    victim_middle_name = EncryptedCharField(_("middle name"), max_length=100, blank=True)
    victim_other_names = EncryptedCharField(
        _("other names used"),
        max_length=300,
        blank=True,
        help_text=_("Aliases, maiden name, nicknames. Separate with semicolons."),
    )
    victim_date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    victim_gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    victim_a_number = EncryptedCharField(
        _("A-Number"),
        max_length=10,
        blank=True,
        help_text=_("If any: A followed by 8 or 9 digits."),
    )
    # The agency sees the A-Number only when the advocate chooses to share it (the form asks
    # for it "if any"; 8 U.S.C. 1367): `access.agency_view_of`.
    a_number_shared = models.BooleanField(_("share the A-Number with the agency"), default=False)
    # A code of `languages.LANGUAGES_SPOKEN` (encrypted: it points to the victim's origin).
    victim_preferred_language = EncryptedCharField(
        _("preferred language"), max_length=60, blank=True, choices=LANGUAGES_SPOKEN
    )
    victim_preferred_language_other = EncryptedCharField(
        _("other language"),
        max_length=60,
        blank=True,
        help_text=_("Only when the language is Other."),
    )
    # Empty: as usual for the preferred language (`languages.name_order_default`).
    victim_name_order = models.CharField(
        _("name order"), max_length=12, choices=NameOrder.choices, blank=True
    )
    victim_interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)

    # --- who petitions (8 CFR 214.14(a)(14), (b)(2)-(3); `certifications.petitioner`) ---
    # Plain: the statistics count the kinds; the names and explanations are encrypted.
    petitioner_kind = models.CharField(
        _("who is petitioning"),
        max_length=20,
        choices=PetitionerKind.choices,
        default=PetitionerKind.DIRECT,
    )
    indirect_relationship = models.CharField(
        _("relationship to the direct victim"),
        max_length=20,
        choices=IndirectRelationship.choices,
        blank=True,
    )
    direct_victim_name = EncryptedCharField(
        _("direct victim's full name"), max_length=200, blank=True
    )
    direct_victim_unable = models.CharField(
        _("why the direct victim cannot petition"),
        max_length=20,
        choices=DirectVictimUnable.choices,
        blank=True,
    )
    direct_victim_unable_explanation = EncryptedTextField(
        _("explanation (what happened to the direct victim)"), blank=True
    )
    next_friend_reason = models.CharField(
        _("why someone acts for the victim"),
        max_length=20,
        choices=NextFriendReason.choices,
        blank=True,
    )
    next_friend_name = EncryptedCharField(
        _("parent, guardian or next friend's full name"), max_length=200, blank=True
    )
    next_friend_relationship = EncryptedCharField(
        _("their relationship to the victim"), max_length=100, blank=True
    )

    # --- expedite and family flags (cover letter) ---
    # Minn. Stat. 611A.95 subd. 2(b): 14 days if the victim is in removal proceedings.
    in_removal_proceedings = models.BooleanField(default=False)
    # Whose proceedings: the statute's 14 days are for the victim's own; some local policies
    # expedite for a qualifying family member too (`deadlines`). Shown to the agency with the flag.
    removal_proceedings_of = models.CharField(
        max_length=20, choices=RemovalOf.choices, default=RemovalOf.VICTIM
    )
    # Set when the advocate raised removal proceedings after the request: the statute's 14
    # days then do not apply (subd. 2(b)), an agency policy allowing a later raise may.
    expedite_raised_on = models.DateField(null=True, blank=True)
    detained = models.BooleanField(default=False)
    child_turns_21_on = EncryptedDateField(
        _("a child family member turns 21 on"),
        null=True,
        blank=True,
        help_text=_("Only if a derivative child is close to aging out."),
    )
    # An urgency the advocate chooses to name: the agency sees "a decision is needed by <date>
    # (urgent)" and never the reason (`access.agency_view_of`).
    urgency_reason = models.CharField(
        _("what makes the request urgent"), max_length=20, choices=Urgency.choices, blank=True
    )
    decision_needed_by = models.DateField(_("a decision is needed by"), null=True, blank=True)

    # --- Part 3: criminal acts ---
    crimes = models.JSONField(default=list, blank=True)
    similar_activity_description = EncryptedCharField(max_length=300, blank=True)
    trafficking_types = models.JSONField(default=list, blank=True)
    crime_date_from = models.DateField(_("date of the criminal activity"), null=True, blank=True)
    crime_date_to = models.DateField(_("end date (if a range)"), null=True, blank=True)
    crime_city = EncryptedCharField(_("city"), max_length=80, blank=True)
    crime_county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("county"),
    )
    occurred_in_us = models.CharField(
        _("occurred in the United States"),
        max_length=10,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.YES,
    )
    statutes_cited = models.CharField(_("statutes (if known)"), max_length=500, blank=True)
    # The number at the agency asked to certify (Form I-918 Supp. B Part 2 item 9); any other
    # agency's numbers are ReportNumber rows (models.casefile).
    case_number = EncryptedCharField(_("report or case number"), max_length=100, blank=True)
    # --- the case as the agency files it (what lets it find the file) ---
    date_reported = models.DateField(_("date reported to law enforcement"), null=True, blank=True)
    incident_address = EncryptedCharField(_("address of the incident"), max_length=300, blank=True)
    investigating_officer = EncryptedCharField(
        _("investigating officer"), max_length=200, blank=True
    )
    # Shown to the agency only: never in an e-mail, the cover letter or USCIS's form.
    suspect_name = EncryptedCharField(_("suspect's name"), max_length=200, blank=True)
    court_file_number = EncryptedCharField(_("court file number"), max_length=100, blank=True)
    requested_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency asked to certify"),
    )

    # --- narrative (Parts 3.5, 3.6, 4, 5) ---
    narrative = EncryptedTextField(_("what happened"), blank=True)
    known_injuries = EncryptedTextField(_("known or documented injuries"), blank=True)
    helpfulness = EncryptedTextField(
        _("how the victim has been, is being or is likely to be helpful"), blank=True
    )
    family_implicated = models.CharField(
        _("family members implicated in the crime"),
        max_length=10,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.NO,
    )

    # --- consent to share (required to submit) ---
    consent_given = models.BooleanField(default=False)
    consent_by = EncryptedCharField(_("consent given by"), max_length=200, blank=True)
    consent_date = models.DateField(_("date of consent"), null=True, blank=True)
    consent_scope = models.CharField(
        _("scope of consent"),
        max_length=300,
        blank=True,
        default="Share this request and its attachments with the certifying agency.",
    )

    # --- what the signed form does not state (corrected in place after a decision) ---
    # Neither is on Form I-918 / I-914 Supplement B, so correcting them needs no new signature
    # (services.links.certified_request_correct); both may identify or reach the victim.
    contact_details = EncryptedTextField(
        _("contact details for this request"),
        blank=True,
        help_text=_("How the agency can reach the advocate or the victim about this request."),
    )
    internal_notes = EncryptedTextField(
        _("internal notes"), blank=True, help_text=_("The organization's own notes.")
    )

    # --- routing and the clock ---
    # No index of its own: req_agency_status_due leads with it.
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        db_index=False,
    )
    assigned_contact = models.ForeignKey(
        PointOfContact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
    )
    routing_reason = models.TextField(blank=True)
    # The edition of the official form the request was drafted on (set at creation, checked at
    # submission); it stays when USCIS publishes a new one, until someone moves the request.
    form_edition = models.ForeignKey(
        "certifications.FormEdition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    deadline_basis = models.CharField(max_length=600, blank=True)
    # The rule that set `due_date` (DeadlineSource): only a statute or a policy binds, so only
    # they make a decision "late"; a requested date is a request.
    deadline_source = models.CharField(max_length=12, choices=DeadlineSource.choices, blank=True)
    # The day the agency now holding the request received it (its submission, or a transfer):
    # an agency's own policy counts from it (Saint Paul Legislative Code 44.06).
    received_by_agency_on = models.DateField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    # --- decision ---
    decided_at = models.DateTimeField(null=True, blank=True)
    # Who signed (8 CFR 214.14(a)(3): the head or an official the head designated), chosen
    # from the directory; the name and title are kept as they were on the day of signature.
    signing_official = models.ForeignKey(
        PointOfContact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signed_requests",
    )
    certifying_official_name = models.CharField(max_length=200, blank=True)
    certifying_official_title = models.CharField(max_length=200, blank=True)
    # Set only when the statewide coordinator decided: why it could (8 CFR 214.14(a)(2)).
    decision_basis = models.CharField(max_length=30, choices=DecisionBasis.choices, blank=True)
    # The DPS unit that had responsibility for the case, for that basis.
    decision_basis_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The latest recommendation of a contact who may not sign, shown in the queue.
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    signature_date = models.DateField(null=True, blank=True)
    petition_filed_on = models.DateField(null=True, blank=True)
    denial_reason = models.CharField(max_length=30, choices=DenialReason.choices, blank=True)
    denial_explanation = EncryptedTextField(blank=True)
    # A refusal of assistance names the request refused and its date (8 CFR 214.14(b)(3)).
    denial_request_described = EncryptedTextField(_("the request for assistance"), blank=True)
    denial_request_date = EncryptedDateField(_("date of the request"), null=True, blank=True)
    # The reviewer confirmed that no reason is the absence of a charge, a conviction or an
    # open investigation (Minn. Stat. 611A.95 subd. 2(c)).
    denial_confirmed_no_charge_basis = models.BooleanField(default=False)
    withdrawal_reason = EncryptedTextField(blank=True)

    # --- retention ---
    closed_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    objects = CertificationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The advocate dashboard, in the order it is shown (selectors).
            models.Index(
                fields=["organization", "list_group", "due_date", "-created_at", "-id"],
                name="req_org_dashboard",
            ),
            # The same order for the dashboard's form filter (U or T).
            models.Index(
                fields=[
                    "organization",
                    "form_type",
                    "list_group",
                    "due_date",
                    "-created_at",
                    "-id",
                ],
                name="req_org_form_dashboard",
            ),
            # The dashboard's agency filter counts its matches from here, not the table.
            models.Index(
                fields=["organization", "agency", "requested_agency"], name="req_org_agencies"
            ),
            # An agency's decided and withdrawn requests, most recently closed first (the
            # queue's "closed" filters).
            models.Index(
                fields=["agency", "-closed_at", "-id"],
                condition=Q(status__in=sorted(FINAL_STATUSES)),
                name="req_closed_recent",
            ),
            models.Index(fields=["organization", "status", "due_date"], name="req_org_status_due"),
            models.Index(fields=["agency", "status", "due_date"], name="req_agency_status_due"),
            # The agency queue and the coordinator's overview sort open requests by urgency
            # (selectors._open_by_urgency): every column they filter and sort on is here, so
            # the page's ids and its count come from the index alone. Open requests only: a
            # small share of the table.
            models.Index(
                fields=[
                    "agency",
                    "status",
                    "due_date",
                    "in_removal_proceedings",
                    "escalated_at",
                    "id",
                ],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="req_open_urgency",
            ),
            # The coordinator's statewide list: open requests of every agency by due date,
            # read in that order (selectors.coordinator_statewide_parts). The columns after
            # (due_date, id), which is unique, only answer its filters without the table
            # (key columns, not INCLUDE, which SQLite lacks).
            models.Index(
                fields=["due_date", "id", "agency", "in_removal_proceedings", "escalated_at"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="req_open_due",
            ),
            models.Index(fields=["status", "due_date"], name="req_status_due"),
            models.Index(fields=["signature_date"], name="req_signature_date"),
            # The coordinator's view: escalated requests are few; a partial index finds them.
            models.Index(
                fields=["escalated_at"],
                condition=Q(escalated_at__isnull=False),
                name="req_escalated",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                # A draft may be withdrawn without ever being submitted (TRANSITIONS).
                condition=Q(status__in=[Status.DRAFT, Status.WITHDRAWN])
                | Q(submitted_at__isnull=False),
                name="submitted_request_has_submission_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CERTIFIED) | Q(signature_date__isnull=False),
                name="certified_request_has_signature_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.DENIED) | ~Q(denial_reason=""),
                name="denied_request_has_reason",
            ),
            models.CheckConstraint(
                # An urgency is named with its date, or neither: the agency is shown the date.
                condition=Q(urgency_reason="", decision_needed_by__isnull=True)
                | (~Q(urgency_reason="") & Q(decision_needed_by__isnull=False)),
                name="urgency_has_its_date",
            ),
        ]

    def __str__(self) -> str:
        # Never the victim's name: this string ends up in logs and admin messages.
        return self.reference

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def received_after_request(self) -> bool:
        """The agency now holding it received it after the request (a transfer): its own
        policy counts from that receipt (`deadlines`)."""
        return bool(
            self.received_by_agency_on
            and self.submitted_at
            and self.received_by_agency_on != timezone.localdate(self.submitted_at)
        )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def victim_name_order_shown(self) -> str:
        return self.victim_name_order or name_order_default(self.victim_preferred_language)

    @property
    def victim_display_name(self) -> str:
        """The name as its bearer writes it (family name first where that is the custom)."""
        return display_name(
            family=self.victim_family_name,
            given=self.victim_given_name,
            middle=self.victim_middle_name,
            order=self.victim_name_order_shown,
        )

    @property
    def victim_language_name(self) -> str:
        return language_name(self.victim_preferred_language, self.victim_preferred_language_other)

    def days_left(self, today: datetime.date | None = None) -> int | None:
        if self.due_date is None or not self.is_open:
            return None
        return (self.due_date - (today or timezone.localdate())).days

    @property
    def is_overdue(self) -> bool:
        left = self.days_left()
        return left is not None and left < 0

    @property
    def filing_deadline(self) -> datetime.date | None:
        """The date the petition must be filed by, where the form has a window
        (`certifications.validity`: six months for the I-918 Supplement B, 8 CFR
        214.14(c)(2)(i); none for the I-914 Supplement B)."""
        return validity_rule(self.form_type).filing_deadline(self.signature_date)

    @property
    def decided_on(self) -> datetime.date | None:
        """The day a closed request was decided, for the lists: a certification's date of
        signature (the filing window counts from it, 8 CFR 214.14(c)(2)(i)), else the day it
        was denied or withdrawn."""
        if self.status == Status.CERTIFIED and self.signature_date:
            return self.signature_date
        moment = self.decided_at or self.closed_at
        return timezone.localdate(moment) if self.is_final and moment else None

    @property
    def denial_reason_text(self) -> str:
        """The reason in the words of this request's form (`choices.denial_reason_label`)."""
        return denial_reason_label(self.denial_reason, self.form_type)

    @property
    def validity_text(self) -> str:
        return validity_text(self.form_type)


class FamilyMember(models.Model):
    """Form I-918 Supp. B Part 5: family members implicated in the criminal activity."""

    request = models.ForeignKey(
        CertificationRequest, on_delete=models.CASCADE, related_name="family_members"
    )
    full_name = EncryptedCharField(max_length=200)
    relationship = EncryptedCharField(max_length=100)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"family member #{self.pk}"


class RequestEvent(models.Model):
    """One line of a request's timeline: every transition and notable action."""

    request = models.ForeignKey(
        CertificationRequest, on_delete=models.CASCADE, related_name="events"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    note = EncryptedTextField(blank=True)
    # The names of the fields an edit changed, never their values: the event is the request's
    # history, and a copy of victim data here would be one more thing every purge must find.
    changed_fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="event_req_time")]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}->{self.to_status}"

    @property
    def action_label(self) -> str:
        return self.get_action_display()

    @property
    def changed_field_labels(self) -> list[str]:
        """The changed fields in words, for the timeline: the verbose names of the request's
        fields (or of the agency's answers on the draft)."""
        model = CertificationRequest
        if self.action == Action.AGENCY_ANSWERS_EDITED:
            # AgencyFormAnswers, reached through the relation (models.documents imports this).
            model = CertificationRequest._meta.get_field("agency_answers").related_model
        labels = []
        for name in self.changed_fields or []:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                labels.append(name.replace("_", " "))
            else:
                label = getattr(field, "verbose_name", None) or name.replace("_", " ")
                labels.append(str(label))
        return labels


class Message(models.Model):
    """A message between the advocate's organization and the agency about one request."""

    request = models.ForeignKey(
        CertificationRequest, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"message #{self.pk}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Random storage name: the original name (which may contain the victim's name) is kept
    # only in the database, never on disk or in a URL.
    return f"attachments/{uuid.uuid4().hex}"


class Attachment(models.Model):
    request = models.ForeignKey(
        CertificationRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    kind = models.CharField(max_length=30, choices=AttachmentKind.choices)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = EncryptedCharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"attachment #{self.pk}"
