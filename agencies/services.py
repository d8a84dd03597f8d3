"""Writes and decisions about the directory: routing a request to an agency and a person,
merging duplicate agencies, keeping training dates current. Every write is audit-logged."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditAction, User
from accounts.services import audit_log

from .models import Agency, ContactRole, PointOfContact


@dataclass(frozen=True)
class RoutingDecision:
    agency: Agency
    contact: PointOfContact | None
    reason: str
    # The request stays with an agency that has no active point of contact: escalate it to the
    # statewide coordinator at once, with this note, so the coordinator can reach the agency.
    escalation_note: str = ""


class RoutingError(Exception):
    """No agency can take the request, not even the statewide coordinator (misconfiguration)."""


def _active_contacts(agency: Agency) -> list[PointOfContact]:
    return list(agency.contacts.filter(is_active=True).order_by("-is_primary", "name", "pk"))


def _pick_contact(agency: Agency) -> PointOfContact | None:
    """Rule 4: the agency's active primary contact, else any active certifying official."""
    contacts = _active_contacts(agency)
    for contact in contacts:
        if contact.is_primary:
            return contact
    for contact in contacts:
        if contact.role == ContactRole.CERTIFYING_OFFICIAL:
            return contact
    return None


def _form_name(form_type: str) -> str:
    # No parentheses: the name sits inside routing sentences that may already name an agency
    # with its own (the directory's "... (statewide coordinator)").
    if form_type == "U":
        return "U visa requests on Form I-918 Supplement B"
    return "T visa requests on Form I-914 Supplement B"


def _why_agency_cannot_take(agency: Agency, form_type: str) -> str | None:
    """Why the request cannot stay with `agency`, or None.

    Minn. Stat. 611A.95 subd. 2(a): a covered agency "shall process" a request, U and T alike
    (`Agency.accepts_form`). An agency without an active contact keeps the request all the
    same (`route_request` escalates it): the agency that investigated owes the answer
    (8 CFR 214.14(a)(2)), and its own clock stays with it.
    """
    if not agency.is_active:
        return f"{agency.name} is no longer active in the directory"
    if not agency.accepts_form(form_type):
        return f"{agency.name} does not accept {_form_name(form_type)}"
    return None


def _sibling_certifying(agency: Agency, crimes: list[str], form_type: str) -> Agency | None:
    """Another active department of the same city that certifies every crime named.

    Only agencies with their own crime list count: a county attorney whose office happens to be
    in the city is not one of the city's departments, and sending a mixed request there would
    be a guess.
    """
    same_city = Q(city_name__iexact=agency.city_name) if agency.city_name else Q(pk__in=[])
    city_ids = list(agency.cities.values_list("pk", flat=True))
    if city_ids:
        same_city |= Q(cities__in=city_ids)
    candidates = (
        Agency.objects.active()
        .filter(same_city)
        .exclude(pk=agency.pk)
        .exclude(is_statewide_coordinator=True)
        .distinct()
        .order_by("name")
    )
    for candidate in candidates:
        if (
            candidate.certified_crimes
            and candidate.certifies_crimes(crimes)
            and _why_agency_cannot_take(candidate, form_type) is None
        ):
            return candidate
    return None


def _coordinator() -> Agency:
    coordinator = Agency.objects.filter(is_statewide_coordinator=True).first()
    if coordinator is None:
        raise RoutingError(_("No statewide coordinator agency is configured in the directory."))
    return coordinator


def _coordinator_words(coordinator: Agency) -> str:
    """ "the statewide coordinator, <name>", without doubling a name that already says so
    (the loader's "... (statewide coordinator)") or nesting parentheses."""
    if "coordinator" in coordinator.name.lower():
        return coordinator.name
    return f"the statewide coordinator, {coordinator.name}"


def reason_sentence(text: str) -> str:
    """A person's free-text reason as one sentence: trailing dots, commas, colons and
    semicolons dropped, one full stop added unless it ends with a question or exclamation
    mark, so routing texts never read ".." or ":." (nor end without punctuation)."""
    text = " ".join((text or "").split()).rstrip(" .,;:")
    return text if text.endswith(("?", "!")) else f"{text}."


def _apposition(words: str) -> str:
    """ "the statewide coordinator, DPS" closes its apposition with a comma mid-sentence."""
    return f"{words}," if ", " in words else words


def route_request(
    *, agency: Agency, crimes: list[str], form_type: str, county=None, chosen_by: str = ""
) -> RoutingDecision:
    """Decide where a request goes and say why, in words shown to the advocate and the agency.

    1. The agency the advocate named (the one that detected, investigated or prosecuted).
    2. If it certifies only some crimes and another agency of the same city certifies the ones
       named, route there, saying so (Minneapolis splits certification by crime type and returns
       requests sent to the wrong department).
    3. An active agency without an active point of contact keeps the request, and it is
       escalated at once to the statewide coordinator, who contacts the agency: for an agency
       Minn. Stat. 611A.95 binds, the contact is the designated agent the statute requires.
    4. If the agency is inactive, or the statute does not bind it and it does not accept the
       form type, route to the statewide coordinator at DPS, saying why (the coordinator
       re-routes it).
    5. Assign the agency's primary contact, else any active certifying official.

    `chosen_by` names who chose the agency when it is not the advocate's request (a transfer or
    a re-route: "Dana Lee of Ramsey County Sheriff"), so the text stays true after a move.
    """
    if chosen_by:
        reason = f"Routed to {agency.name}, the agency {chosen_by} chose."
    else:
        reason = f"Routed to {agency.name}, the agency named in the request."
    target = agency
    if agency.certified_crimes and not agency.certifies_crimes(crimes):
        sibling = _sibling_certifying(agency, crimes, form_type)
        if sibling is not None:
            target = sibling
            reason = (
                f"{agency.name} does not certify the crimes named; in the same city "
                f"{sibling.name} certifies them, so the request was routed there."
            )
        else:
            reason += (
                f" {agency.name} lists only some crimes and no other agency in its city "
                "certifies the ones named, so it decides."
            )
    problem = _why_agency_cannot_take(target, form_type)
    if problem is not None:
        coordinator = _coordinator()
        return RoutingDecision(
            agency=coordinator,
            contact=_pick_contact(coordinator),
            reason=f"Routed to {_apposition(_coordinator_words(coordinator))} because {problem}.",
        )
    if not _active_contacts(target):
        coordinator = _coordinator()
        if target.is_covered:
            missing = (
                f"{target.name} has no active point of contact, the designated agent "
                "Minn. Stat. 611A.95 requires"
            )
            keeps = f" Minn. Stat. 611A.95 binds {target.name}, so it keeps the request."
        else:
            missing = f"{target.name} has no active point of contact in the portal"
            keeps = f" The request stays with {target.name}, which owes the answer."
        note = (
            f"{missing}: the request was escalated at once to "
            f"{_coordinator_words(coordinator)}, who will contact the agency."
        )
        return RoutingDecision(
            agency=target, contact=None, reason=f"{reason}{keeps} {note}", escalation_note=note
        )
    contact = _pick_contact(target)
    if contact is None:
        # Only reviewers are active: the request waits in the agency's queue for one of them.
        reason += " It has no primary contact or certifying official, so nobody is assigned yet."
    else:
        reason += f" Assigned to {contact.name}" + (
            ", the primary point of contact."
            if contact.is_primary
            else ", a certifying official, as the agency has no active primary contact."
        )
    return RoutingDecision(agency=target, contact=contact, reason=reason)


# --- Audit -----------------------------------------------------------------------------------


def directory_audit(
    *,
    actor: User | None,
    obj: models.Model,
    detail: str,
    request: HttpRequest | None = None,
) -> None:
    """One DIRECTORY_CHANGE audit line; the directory holds no victim data."""
    audit_log(
        action=AuditAction.DIRECTORY_CHANGE,
        user=actor,
        request=request,
        target=f"{obj._meta.label}:{obj.pk}",
        detail=detail,
    )


# --- Training --------------------------------------------------------------------------------


def contact_training_sync(*, contact: PointOfContact) -> PointOfContact:
    """Set the contact's last training date from its training records (the latest wins).

    A date typed on the contact that is later than every record is kept: some trainings are
    recorded only as a date.
    """
    latest = contact.training_records.aggregate(latest=Max("date"))["latest"]
    if latest is not None and (
        contact.last_training_date is None or latest > contact.last_training_date
    ):
        PointOfContact.objects.filter(pk=contact.pk).update(last_training_date=latest)
        contact.last_training_date = latest
    return contact


# --- Merging duplicates ----------------------------------------------------------------------


class MergeError(Exception):
    """The merge cannot be done; the message says why in plain words."""


@dataclass(frozen=True)
class MergeResult:
    survivor: Agency
    moved: dict[str, int]
    note: str


def _reverse_relations() -> list[models.ForeignObjectRel]:
    """Every relation pointing at Agency, hidden ones included (`related_name="+"`, e.g. a
    request's `requested_agency`), except the automatic tables of Agency's own many-to-many
    fields (counties, cities), which are merged separately."""
    return [
        f
        for f in Agency._meta.get_fields(include_hidden=True)
        if isinstance(f, models.ForeignObjectRel) and not f.related_model._meta.auto_created
    ]


def agency_merge(
    *,
    survivor: Agency,
    duplicate: Agency,
    actor: User | None,
    note: str = "",
    request: HttpRequest | None = None,
) -> MergeResult:
    """Fold `duplicate` into `survivor` and delete it.

    1. Refuse to merge an agency into itself or to merge the statewide coordinator away.
    2. Move the duplicate's contacts; a second active primary is demoted to an ordinary
       contact (the database allows one active primary per agency).
    3. Move every other row that points at the duplicate (requests by `agency` and
       `requested_agency`, and any later foreign key), found through the model's relations so
       a new one cannot be forgotten.
    4. Add the duplicate's counties and cities to the survivor, note the merge on the survivor,
       delete the duplicate, and audit-log it. All in one transaction.
    """
    if survivor.pk == duplicate.pk:
        raise MergeError(_("Choose two different agencies."))
    if duplicate.is_statewide_coordinator:
        raise MergeError(
            _(
                "The statewide coordinator cannot be merged into another agency; merge the other "
                "agency into it instead."
            )
        )
    moved: dict[str, int] = {}
    with transaction.atomic():
        survivor = Agency.objects.select_for_update().get(pk=survivor.pk)
        duplicate = Agency.objects.select_for_update().get(pk=duplicate.pk)
        has_primary = survivor.contacts.filter(is_primary=True, is_active=True).exists()
        if has_primary:
            duplicate.contacts.filter(is_primary=True).update(is_primary=False)
        moved["contacts"] = duplicate.contacts.update(agency=survivor)
        for relation in _reverse_relations():
            if relation.related_model is PointOfContact or relation.many_to_many:
                continue
            name = relation.field.name
            count = relation.related_model._default_manager.filter(**{name: duplicate}).update(
                **{name: survivor}
            )
            if count:
                label = f"{relation.related_model._meta.verbose_name_plural} ({name})"
                moved[label] = moved.get(label, 0) + count
        for relation in _reverse_relations():
            if relation.many_to_many and relation.related_name != "+":
                accessor = relation.get_accessor_name()
                rows = list(getattr(duplicate, accessor).all())
                getattr(survivor, accessor).add(*rows)
        survivor.counties.add(*duplicate.counties.all())
        survivor.cities.add(*duplicate.cities.all())
        summary = ", ".join(f"{n} {label}" for label, n in moved.items() if n) or "nothing"
        stamp = timezone.localdate().isoformat()
        who = actor.email if actor is not None else "system"
        line = f"{stamp}: merged '{duplicate.name}' (#{duplicate.pk}) into this agency by {who}"
        line += f"; moved {summary}."
        if note.strip():
            line += f" Note: {note.strip()}"
        survivor.merge_note = f"{survivor.merge_note}\n{line}".strip()
        if duplicate.is_active and not survivor.is_active:
            survivor.is_active = True
        survivor.save(update_fields=["merge_note", "is_active", "updated_at"])
        duplicate_pk = duplicate.pk
        try:
            with transaction.atomic():
                duplicate.delete()
        except (IntegrityError, models.ProtectedError) as exc:
            raise MergeError(
                _(
                    "The duplicate is still referenced by records that cannot be moved; nothing "
                    "was changed."
                )
            ) from exc
        directory_audit(
            actor=actor,
            obj=survivor,
            request=request,
            detail=f"merged agency #{duplicate_pk} into #{survivor.pk}; moved {summary}",
        )
    return MergeResult(survivor=survivor, moved=moved, note=line)
