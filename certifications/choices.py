"""Closed vocabularies of the request: form types, crimes, statuses and the transition table."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def english(label) -> str:
    """A label in the portal's own language (`LANGUAGE_CODE`), for text that is stored or goes
    to an agency (history notes, exports, e-mails): the same whatever language its writer reads
    the portal in."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


class FormType(models.TextChoices):
    U = "U", _("U visa: Form I-918 Supplement B")
    T = "T", _("T visa: Form I-914 Supplement B")


class Crime(models.TextChoices):
    """Qualifying criminal activity, 8 U.S.C. 1101(a)(15)(U)(iii); Form I-918 Supp. B Part 3.1."""

    ABDUCTION = "abduction", _("Abduction")
    ABUSIVE_SEXUAL_CONTACT = "abusive_sexual_contact", _("Abusive sexual contact")
    BLACKMAIL = "blackmail", _("Blackmail")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic violence")
    EXTORTION = "extortion", _("Extortion")
    FALSE_IMPRISONMENT = "false_imprisonment", _("False imprisonment")
    FGM = "female_genital_mutilation", _("Female genital mutilation")
    FELONIOUS_ASSAULT = "felonious_assault", _("Felonious assault")
    FOREIGN_LABOR_FRAUD = "fraud_foreign_labor", _("Fraud in foreign labor contracting")
    HOSTAGE = "hostage", _("Being held hostage")
    INCEST = "incest", _("Incest")
    INVOLUNTARY_SERVITUDE = "involuntary_servitude", _("Involuntary servitude")
    KIDNAPPING = "kidnapping", _("Kidnapping")
    MANSLAUGHTER = "manslaughter", _("Manslaughter")
    MURDER = "murder", _("Murder")
    OBSTRUCTION = "obstruction_of_justice", _("Obstruction of justice")
    PEONAGE = "peonage", _("Peonage")
    PERJURY = "perjury", _("Perjury")
    PROSTITUTION = "prostitution", _("Prostitution")
    RAPE = "rape", _("Rape")
    SEXUAL_ASSAULT = "sexual_assault", _("Sexual assault")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Sexual exploitation")
    SLAVE_TRADE = "slave_trade", _("Slave trade")
    STALKING = "stalking", _("Stalking")
    TORTURE = "torture", _("Torture")
    TRAFFICKING = "trafficking", _("Trafficking")
    UNLAWFUL_RESTRAINT = "unlawful_criminal_restraint", _("Unlawful criminal restraint")
    WITNESS_TAMPERING = "witness_tampering", _("Witness tampering")
    ATTEMPT = "attempt", _("Attempt to commit any of the named crimes")
    CONSPIRACY = "conspiracy", _("Conspiracy to commit any of the named crimes")
    SOLICITATION = "solicitation", _("Solicitation to commit any of the named crimes")
    SIMILAR_ACTIVITY = "similar_activity", _("Other: any similar activity (describe)")


# The modifiers only make sense beside a named crime (attempt *of* something).
CRIME_MODIFIERS = frozenset({Crime.ATTEMPT, Crime.CONSPIRACY, Crime.SOLICITATION})


class TraffickingType(models.TextChoices):
    """Form I-914 Supplement B: severe form of trafficking in persons (22 U.S.C. 7102)."""

    SEX_FORCE_FRAUD_COERCION = "sex_force", _("Sex trafficking by force, fraud or coercion")
    SEX_MINOR = "sex_minor", _("Sex trafficking of a person under 18")
    LABOR_INVOLUNTARY_SERVITUDE = "labor_servitude", _("Labor trafficking: involuntary servitude")
    LABOR_PEONAGE = "labor_peonage", _("Labor trafficking: peonage")
    LABOR_DEBT_BONDAGE = "labor_debt_bondage", _("Labor trafficking: debt bondage")
    LABOR_SLAVERY = "labor_slavery", _("Labor trafficking: slavery")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class RemovalOf(models.TextChoices):
    """Whose removal proceedings expedite a request: the statute's 14 days are for the victim's
    own (Minn. Stat. 611A.95 subd. 2(b)); Saint Paul (Legislative Code 44.06) and Minneapolis
    also expedite for a qualifying family member."""

    VICTIM = "victim", _("The victim")
    FAMILY_MEMBER = "family_member", _("A qualifying family member")


class DeadlineSource(models.TextChoices):
    """The rule that set a request's due date (`certifications.deadlines`)."""

    STATUTE = "statute", _("Minn. Stat. 611A.95")
    POLICY = "policy", _("The agency's own published policy")
    REQUESTED = "requested", _("Requested response date (no deadline binds the agency)")


class Urgency(models.TextChoices):
    """Why the advocate asks for a decision by a date. Only the date reaches the agency
    (`access.agency_view_of`): the reason is immigration detail (8 U.S.C. 1367)."""

    DETENTION = "detention", _("Detention")
    AGING_OUT = "aging_out", _("A family member ages out (turns 21)")


class PetitionerKind(models.TextChoices):
    """Who petitions, and whose helpfulness the certification attests (8 CFR 214.14(a)(14),
    (b)(2)-(3))."""

    DIRECT = "direct", _("The direct victim")
    INDIRECT = (
        "indirect",
        _("An indirect victim: a family member of a victim who was killed or cannot petition"),
    )
    NEXT_FRIEND = (
        "next_friend",
        _("A victim under 16 or incapacitated, helped by a parent, guardian or next friend"),
    )
    BYSTANDER = "bystander", _("A bystander who suffered harm witnessing the crime")


class IndirectRelationship(models.TextChoices):
    """8 CFR 214.14(a)(14)(i): the family members who may petition as indirect victims."""

    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child under 21")
    PARENT = "parent", _("Parent (the direct victim was under 21)")
    SIBLING = "sibling", _("Unmarried sibling under 18 (the direct victim was under 21)")


class DirectVictimUnable(models.TextChoices):
    """Why the direct victim cannot petition (8 CFR 214.14(a)(14)(i))."""

    KILLED = "killed", _("Killed (murder or manslaughter)")
    INCAPACITATED = "incapacitated", _("Incapacitated")
    INCOMPETENT = "incompetent", _("Incompetent")


class NextFriendReason(models.TextChoices):
    """8 CFR 214.14(b)(2)-(3): the helpfulness of a victim under 16 or incapacitated may be
    that of a parent, guardian or next friend."""

    UNDER_16 = "under_16", _("The victim is under 16")
    INCAPACITATED = "incapacitated", _("The victim is incapacitated or incompetent")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    ANOTHER = "another", _("Another gender")
    UNKNOWN = "unknown", _("Not stated")


class Status(models.TextChoices):
    # One request's status ("Certified" also heads the statistics' columns of many).
    DRAFT = "draft", pgettext_lazy("one request", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("one request", "Submitted")
    IN_REVIEW = "in_review", pgettext_lazy("one request", "In review")
    INFO_REQUESTED = "info_requested", pgettext_lazy("one request", "Information requested")
    CERTIFIED = "certified", pgettext_lazy("one request", "Certified")
    DENIED = "denied", pgettext_lazy("one request", "Denied")
    WITHDRAWN = "withdrawn", pgettext_lazy("one request", "Withdrawn")


FINAL_STATUSES = frozenset({Status.CERTIFIED, Status.DENIED, Status.WITHDRAWN})
# Open = the agency's clock is running. A tuple in a fixed (sorted) order, not a set: queries
# write it as `status IN (...)` in this order, and SQLite uses the partial indexes on open
# requests (models: req_open_urgency) only when the query's list matches the index's.
OPEN_STATUSES = (Status.IN_REVIEW, Status.INFO_REQUESTED, Status.SUBMITTED)


class Action(models.TextChoices):
    """Every kind of event on a request's timeline (`RequestEvent.action`).

    The first nine are what a person does to the status: each has one row in TRANSITIONS. The
    others are recorded beside the status, which they leave alone.
    """

    SUBMIT = "submit", pgettext_lazy("one request", "Submitted")
    START_REVIEW = "start_review", _("Review started")
    REQUEST_INFO = "request_info", _("Information requested")
    PROVIDE_INFO = "provide_info", _("Information provided")
    CERTIFY = "certify", pgettext_lazy("one request", "Certified")
    DENY = "deny", pgettext_lazy("one request", "Denied")
    TRANSFER = "transfer", _("Transferred")
    REROUTE = "reroute", _("Re-routed by the statewide coordinator")
    WITHDRAW = "withdraw", pgettext_lazy("one request", "Withdrawn")
    EDITED = "edited", _("Edited")
    ASSIGNED = "assigned", _("Assigned")
    MESSAGE = "message", _("Message")
    ESCALATED = "escalated", _("Escalated")
    PETITION_FILED = "petition_filed", _("Petition filed")
    DOCUMENT_GENERATED = "document_generated", _("Document generated")
    AGENCY_ANSWERS_EDITED = "agency_answers_edited", _("Agency answers edited")
    RECOMMENDED = "recommended", _("Recommendation")
    COORDINATED = "coordinated", _("Coordinator's action")
    LINKED = "linked", _("Linked to another request")
    CORRECTED = "corrected", _("Corrected (not on the signed form)")
    RECORDS_ARCHIVED = "records_archived", _("Records archived off-site")
    ORIGINAL_RETURNED = "original_returned", _("Signed original sent back")
    ORIGINAL_RECEIVED = "original_received", _("Signed original received")
    # 8 CFR 214.14(h)(2): the certifier tells USCIS when it no longer stands by a certification.
    CERTIFICATION_WITHDRAWN = "certification_withdrawn", _("Certification withdrawn or disavowed")
    RELEASE_ADDED = "release_added", _("Release attached")
    MOVE_WAITING = "move_waiting", _("Waiting for a release")
    EXPEDITE_RAISED = "expedite_raised", _("Removal proceedings raised")
    PAST_REQUESTED_DATE = "past_requested_date", _("Past the requested date")


# The actions recorded on the timeline that leave the status alone (no row in TRANSITIONS).
RECORDED_ONLY_ACTIONS = frozenset(
    {
        Action.EDITED,
        Action.ASSIGNED,
        Action.MESSAGE,
        Action.ESCALATED,
        Action.PETITION_FILED,
        Action.DOCUMENT_GENERATED,
        Action.AGENCY_ANSWERS_EDITED,
        Action.RECOMMENDED,
        Action.COORDINATED,
        Action.LINKED,
        Action.CORRECTED,
        Action.RECORDS_ARCHIVED,
        Action.ORIGINAL_RETURNED,
        Action.ORIGINAL_RECEIVED,
        Action.CERTIFICATION_WITHDRAWN,
        Action.RELEASE_ADDED,
        Action.MOVE_WAITING,
        Action.EXPEDITE_RAISED,
        Action.PAST_REQUESTED_DATE,
    }
)

# The agency's own deliberation (a reviewer's recommendation, the coordinator's notes on what
# was done): on the agency's timeline, never on the advocate's, whose request is decided by
# the certification or the denial alone.
AGENCY_INTERNAL_ACTIONS = frozenset({Action.RECOMMENDED, Action.COORDINATED})


class Recommendation(models.TextChoices):
    """What a contact who may not sign recommends to the agency's head or designated official
    (8 CFR 214.14(a)(3): only they sign)."""

    CERTIFY = "certify", _("Certify")
    DENY = "deny", _("Deny")


class DecisionBasis(models.TextChoices):
    """Why the statewide coordinator, rather than the responsible agency, decided a request."""

    DPS_RESPONSIBILITY = (
        "dps_responsibility",
        _("DPS or one of its divisions detected, investigated or prosecuted the crime"),
    )
    DELEGATION = "delegation", _("The agency's head delegated its certifications in writing")


class CoordinationKind(models.TextChoices):
    """What the coordinator did on a request it coordinates (and does not decide)."""

    CONTACTED_HEAD = "contacted_head", _("Contacted the agency's head")
    ESCALATED = "escalated", _("Escalated within the agency")
    SUPPORT = "support", _("Supported the agency's contact")
    OTHER = "other", _("Other")


# The explicit table of allowed transitions: action -> (statuses it may start from, result).
# A transfer restarts nothing the statute does not restart: the request goes back to
# "submitted" at the new agency with its original submission date (Minn. Stat. 611A.95 subd. 2
# counts from the request).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    Action.SUBMIT: (frozenset({Status.DRAFT}), Status.SUBMITTED),
    Action.START_REVIEW: (frozenset({Status.SUBMITTED}), Status.IN_REVIEW),
    Action.REQUEST_INFO: (frozenset({Status.SUBMITTED, Status.IN_REVIEW}), Status.INFO_REQUESTED),
    Action.PROVIDE_INFO: (frozenset({Status.INFO_REQUESTED}), Status.IN_REVIEW),
    Action.CERTIFY: (frozenset({Status.SUBMITTED, Status.IN_REVIEW}), Status.CERTIFIED),
    Action.DENY: (frozenset({Status.SUBMITTED, Status.IN_REVIEW}), Status.DENIED),
    Action.TRANSFER: (frozenset(OPEN_STATUSES), Status.SUBMITTED),
    Action.REROUTE: (frozenset(OPEN_STATUSES), Status.SUBMITTED),
    Action.WITHDRAW: (
        frozenset({Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED}),
        Status.WITHDRAWN,
    ),
}


class DenialReason(models.TextChoices):
    """The reasons an agency may deny, one per legal element of the certification: a qualifying
    crime (8 U.S.C. 1101(a)(15)(U)(iii); for T, a severe form of trafficking, 22 U.S.C. 7102),
    the agency's responsibility for its detection, investigation or prosecution (8 CFR
    214.14(a)(2)), the victim's information about it and helpfulness (8 CFR 214.14(b)(2)-(3)),
    or a refusal of assistance reasonably requested (8 CFR 214.14(b)(3); for T, an
    unreasonable refusal, 8 CFR 214.11(h)). Anything else is "another reason", explained.
    None of them is the absence of a charge, a conviction or an open investigation: Minn.
    Stat. 611A.95 subd. 2(c) does not require them (the deny form asks the reviewer to confirm).
    """

    NOT_QUALIFYING_CRIME = "not_qualifying_crime", _("Not a qualifying crime")
    NO_RESPONSIBILITY = (
        "no_responsibility",
        _("Agency not responsible for detecting, investigating or prosecuting the crime"),
    )
    NO_INFORMATION = "no_information", _("Victim does not possess information about the crime")
    NOT_HELPFUL = (
        "not_helpful",
        _("Victim has not been, is not being and is not likely to be helpful"),
    )
    REFUSED_ASSISTANCE = (
        "refused_assistance",
        _("Victim refused or failed to provide assistance reasonably requested"),
    )
    OTHER = "other", _("Another reason (explained)")


# Where the T form's element is worded differently (8 CFR 214.11(h): an *unreasonable* refusal
# of a reasonable request; the crime is a severe form of trafficking in persons).
DENIAL_REASON_T_LABELS = {
    DenialReason.NOT_QUALIFYING_CRIME: _("Not a severe form of trafficking in persons"),
    DenialReason.REFUSED_ASSISTANCE: _(
        "Victim unreasonably refused to comply with a reasonable request for assistance"
    ),
}


def denial_reason_label(reason: str, form_type: str) -> str:
    if not reason:
        return ""
    if form_type == FormType.T and reason in DENIAL_REASON_T_LABELS:
        return DENIAL_REASON_T_LABELS[reason]
    return DenialReason(reason).label


def denial_reason_choices(form_type: str) -> list[tuple[str, str]]:
    return [(value, denial_reason_label(value, form_type)) for value in DenialReason.values]


class AttachmentKind(models.TextChoices):
    POLICE_REPORT = "police_report", _("Police report")
    NOTICE_TO_APPEAR = "notice_to_appear", _("Notice to Appear / proof of removal proceedings")
    DECLARATION = "declaration", _("Victim declaration")
    RELEASE = "release", _("Release of information")
    SIGNED_FORM = "signed_form", _("Signed certification form")
    OTHER = "other", _("Other")
