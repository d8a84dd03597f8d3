"""The directory: counties, cities, certifying agencies, their points of contact and training."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class County(models.Model):
    name = models.CharField(max_length=60, unique=True)
    fips = models.CharField(_("FIPS code"), max_length=5, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.display_name(self.name)

    @staticmethod
    def display_name(name: str) -> str:
        """ "Ramsey County", for lists that read names without building counties."""
        return f"{name} County"


class City(models.Model):
    name = models.CharField(max_length=80)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="cities")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("cities")
        constraints = [
            models.UniqueConstraint(fields=["name", "county"], name="unique_city_per_county")
        ]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    POLICE = "police", _("Police department")
    SHERIFF = "sheriff", _("Sheriff's office")
    STATE_PATROL = "state_patrol", _("State patrol")
    PROSECUTOR = "prosecutor", _("Prosecutor (county or city attorney)")
    COURT = "court", _("Court")
    LABOR = "labor", _("Labor / worksite safety")
    CIVIL_RIGHTS = "civil_rights", _("Civil rights")
    PROTECTION = "protection", _("Child or adult protection")
    HOUSING = "housing", _("Housing code enforcement")
    FEDERAL_LE = "federal_le", _("Federal law enforcement")
    STATE_COORDINATION = "state_coordination", _("Statewide coordination")
    OTHER = "other", _("Other")


class AgencyLevel(models.TextChoices):
    FEDERAL = "federal", _("Federal")
    STATE = "state", _("State")
    COUNTY = "county", _("County")
    MUNICIPAL = "municipal", _("Municipal")
    TRIBAL = "tribal", _("Tribal")


class StatuteCoverage(models.TextChoices):
    """Whether Minn. Stat. 611A.95 binds an agency (subd. 1: a "certifying entity" is a state or
    local law-enforcement agency). Undecided is treated as not bound until an administrator
    records a decision with its note (DOMAIN: "whether a county attorney, a court or a
    civil-rights agency is covered is for a lawyer: keep it a per-agency setting")."""

    COVERED = "covered", _("Covered: Minn. Stat. 611A.95 binds it")
    NOT_COVERED = "not_covered", _("Not covered: the statute does not bind it")
    UNDECIDED = "undecided", _("Not yet decided (treated as not bound)")


# Subd. 1's state and local law-enforcement agencies. The statewide coordinator is the
# Department of Public Safety, whose BCA and State Patrol are state law enforcement.
LAW_ENFORCEMENT_KINDS = frozenset(
    {
        AgencyKind.POLICE,
        AgencyKind.SHERIFF,
        AgencyKind.STATE_PATROL,
        AgencyKind.STATE_COORDINATION,
    }
)
STATE_AND_LOCAL_LEVELS = frozenset({AgencyLevel.STATE, AgencyLevel.COUNTY, AgencyLevel.MUNICIPAL})


def default_statute_coverage(*, kind: str, level: str) -> str:
    """The coverage an agency gets until an administrator decides otherwise.

    Federal agencies (FBI, HSI, U.S. Department of Labor) are not bound by a state deadline,
    nor are tribal agencies (sovereign; the statute names state and local agencies). State,
    county and municipal law enforcement is what subd. 1 names. Prosecutors, courts and civil
    agencies were dropped from the enacted text (HF2586 of 2019) but may still be argued to be
    covered: undecided.
    """
    if level in (AgencyLevel.FEDERAL, AgencyLevel.TRIBAL) or kind == AgencyKind.FEDERAL_LE:
        return StatuteCoverage.NOT_COVERED
    if kind in LAW_ENFORCEMENT_KINDS and level in STATE_AND_LOCAL_LEVELS:
        return StatuteCoverage.COVERED
    return StatuteCoverage.UNDECIDED


class AgencyQuerySet(models.QuerySet):
    def active(self) -> AgencyQuerySet:
        return self.filter(is_active=True)

    def covered(self) -> AgencyQuerySet:
        return self.filter(statute_coverage=StatuteCoverage.COVERED)


class Agency(models.Model):
    """A certifying agency (8 CFR 214.14(a)(2)) with its own response policy, if stricter."""

    name = models.CharField(max_length=200, db_index=True)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    level = models.CharField(max_length=20, choices=AgencyLevel.choices)
    counties = models.ManyToManyField(County, related_name="agencies", blank=True)
    cities = models.ManyToManyField(City, related_name="agencies", blank=True)
    street_address = models.CharField(max_length=200, blank=True)
    city_name = models.CharField(_("city"), max_length=80, blank=True)
    state = models.CharField(max_length=2, default="MN")
    postal_code = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    fax = models.CharField(max_length=40, blank=True)
    public_email = models.EmailField(blank=True)
    # Empty only until the first save, which fills in `default_statute_coverage`.
    statute_coverage = models.CharField(
        _("bound by Minn. Stat. 611A.95"),
        max_length=12,
        choices=StatuteCoverage.choices,
        blank=True,
        help_text=_("Leave empty for the default of its kind and level. A change needs a note."),
    )
    statute_coverage_note = models.TextField(
        _("why (coverage decision)"),
        blank=True,
        help_text=_("Who decided the coverage, when and on what basis (e.g. counsel's advice)."),
    )
    # Subd. 2(a): a covered entity "shall process" a request, U and T alike; only an agency the
    # statute does not bind may decline a form (`clean`, and the constraint below).
    accepts_u = models.BooleanField(_("accepts U-visa (I-918 Supp. B) requests"), default=True)
    accepts_t = models.BooleanField(_("accepts T-visa (I-914 Supp. B) requests"), default=True)
    # The agency's own published policy (e.g. Saint Paul Legislative Code 44.06: 30 days from
    # receipt by the city agency, 7 in removal proceedings): counted from the agency's receipt.
    policy_response_days = models.PositiveSmallIntegerField(null=True, blank=True)
    policy_expedited_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # Saint Paul and Minneapolis expedite when removal proceedings (of the victim or a
    # qualifying family member) are raised after the request, too; the statute's 14 days apply
    # only when raised with the request (subd. 2(b)).
    policy_expedite_after_submission = models.BooleanField(
        _("expedites removal proceedings raised after the request"),
        default=False,
        help_text=_("Its own expedited days then apply to a later raise; the statute's do not."),
    )
    policy_expedite_family = models.BooleanField(
        _("expedites a qualifying family member's removal proceedings"),
        default=False,
        help_text=_(
            "Its own expedited days apply when a qualifying family member, not only the "
            "victim, is in removal proceedings (the statute's 14 days are for the victim)."
        ),
    )
    # Empty means every qualifying crime; otherwise the crime codes this agency certifies
    # (Minneapolis splits certification between departments by crime type).
    certified_crimes = models.JSONField(default=list, blank=True)
    procedure = models.TextField(_("published procedure"), blank=True)
    is_active = models.BooleanField(default=True)
    is_statewide_coordinator = models.BooleanField(default=False)
    # The Department of Public Safety's own divisions (the BCA, the State Patrol): when one of
    # them detected, investigated or prosecuted the crime, the coordinator at DPS may decide
    # (8 CFR 214.14(a)(2): the certifying agency has responsibility for the case).
    is_dps_division = models.BooleanField(
        _("division of the Department of Public Safety"),
        default=False,
        help_text=_("E.g. the BCA or the State Patrol."),
    )
    merge_note = models.TextField(blank=True)
    is_demo = models.BooleanField(default=False, help_text=_("Fictional demo data."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgencyQuerySet.as_manager()
    # Every change to the directory keeps its history: who changed what, when.
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("agencies")
        constraints = [
            # DOMAIN: exactly one statewide point of contact, at the Department of Public Safety.
            models.UniqueConstraint(
                fields=["is_statewide_coordinator"],
                condition=Q(is_statewide_coordinator=True),
                name="single_statewide_coordinator",
            ),
            models.CheckConstraint(
                condition=Q(policy_response_days__isnull=True) | Q(policy_response_days__gt=0),
                name="policy_days_positive",
            ),
            models.CheckConstraint(
                condition=Q(policy_expedited_days__isnull=True) | Q(policy_expedited_days__gt=0),
                name="policy_expedited_days_positive",
            ),
            # Minn. Stat. 611A.95 subd. 2(a): a covered entity processes U and T requests.
            models.CheckConstraint(
                condition=~Q(statute_coverage=StatuteCoverage.COVERED)
                | Q(accepts_u=True, accepts_t=True),
                name="covered_agency_accepts_both_forms",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.statute_coverage:
            self.statute_coverage = default_statute_coverage(kind=self.kind, level=self.level)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        coverage = self.statute_coverage or default_statute_coverage(
            kind=self.kind, level=self.level
        )
        if coverage == StatuteCoverage.COVERED and not (self.accepts_u and self.accepts_t):
            message = (
                "Minn. Stat. 611A.95 binds this agency: it must process U and T requests "
                "(subd. 2(a)). Only an agency the statute does not bind may decline a form."
            )
            raise ValidationError(
                {field: message for field in ("accepts_u", "accepts_t") if not getattr(self, field)}
            )

    @property
    def is_covered(self) -> bool:
        """Minn. Stat. 611A.95 binds the agency (undecided counts as not bound)."""
        coverage = self.statute_coverage or default_statute_coverage(
            kind=self.kind, level=self.level
        )
        return coverage == StatuteCoverage.COVERED

    def accepts_form(self, form_type: str) -> bool:
        if self.is_covered:
            return True
        return self.accepts_u if form_type == "U" else self.accepts_t

    def certifies_crimes(self, crimes: list[str]) -> bool:
        return not self.certified_crimes or set(crimes) <= set(self.certified_crimes)

    @property
    def address_lines(self) -> list[str]:
        city_line = " ".join(
            p
            for p in [f"{self.city_name}," if self.city_name else "", self.state, self.postal_code]
            if p
        )
        return [line for line in [self.street_address, city_line] if line]


class ContactRole(models.TextChoices):
    CERTIFYING_OFFICIAL = "certifying_official", _("Certifying official")
    REVIEWER = "reviewer", _("Reviewer")


class PointOfContactQuerySet(models.QuerySet):
    def active(self) -> PointOfContactQuerySet:
        return self.filter(is_active=True)

    def training_lapsed(self, today: datetime.date | None = None) -> PointOfContactQuerySet:
        cutoff = training_cutoff(today)
        return self.filter(Q(last_training_date__isnull=True) | Q(last_training_date__lt=cutoff))


def training_cutoff(today: datetime.date | None = None) -> datetime.date:
    """Training older than this date has lapsed (TRAINING_VALID_MONTHS, default 12)."""
    today = today or timezone.localdate()
    return today - relativedelta(months=settings.TRAINING_VALID_MONTHS)


class PointOfContact(models.Model):
    """A named person who receives and decides requests for an agency."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="contacts")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="point_of_contact",
    )
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    division = models.CharField(_("division or office"), max_length=200, blank=True)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    role = models.CharField(
        max_length=30, choices=ContactRole.choices, default=ContactRole.CERTIFYING_OFFICIAL
    )
    is_primary = models.BooleanField(default=False)
    # Approves the portal accounts of this agency's contacts (two-person rule: an administrator
    # alone never gives anyone access to requests; accounts/approvals.py).
    is_agency_head = models.BooleanField(
        _("agency head or designated official"),
        default=False,
        help_text=_("Approves the portal accounts of this agency's contacts."),
    )
    is_active = models.BooleanField(default=True)
    last_training_date = models.DateField(null=True, blank=True)
    is_demo = models.BooleanField(default=False, help_text=_("Fictional demo data."))

    objects = PointOfContactQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name", "-is_primary", "name"]
        verbose_name = _("point of contact")
        verbose_name_plural = _("points of contact")
        constraints = [
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(is_primary=True, is_active=True),
                name="one_active_primary_contact_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"

    @property
    def training_lapsed(self) -> bool:
        return self.last_training_date is None or self.last_training_date < training_cutoff()


class TrainingRecord(models.Model):
    contact = models.ForeignKey(
        PointOfContact, on_delete=models.CASCADE, related_name="training_records"
    )
    date = models.DateField()
    topic = models.CharField(max_length=200)
    provider = models.CharField(max_length=200)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.topic}"


# Designations and delegations (8 CFR 214.14(a)(3)) live in their own module.

from .signing import CertifyingDesignation, Delegation  # noqa: E402, F401
