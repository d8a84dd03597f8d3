"""The Django side of `make bench`, run by bench/run.py once per data set before and after the
HTTP measurements (`python -m bench.prepare targets|cleanup --out FILE`).

`targets`:
1. The personas (bench/seed.py) signed in: a TOTP authenticator for each (every role needs a
   second factor), as if they had enrolled, and a session each, stored as Django's login stores
   it. The portal's middleware then treats them as any enrolled, signed-in user.
2. What the pages name: requests each persona may see (by the rows' organization or agency:
   the model layer, not the portal's selectors), its agency.
3. Complete drafts for the submission (--drafts N), and the data set's size.

`cleanup`: the requests the run filed deleted (--since).

Nothing here times anything: every figure is measured over HTTP by bench/run.py.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import secrets
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uvisa_portal.settings")

import django  # noqa: E402

django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.utils import encrypt  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Organization, User  # noqa: E402
from agencies.models import Agency, PointOfContact  # noqa: E402
from bench.bulk import Table, reset_sequences  # noqa: E402
from bench.seed import PERSONA_EMAILS  # noqa: E402
from certifications.access import certification_requests_visible_to  # noqa: E402
from certifications.choices import OPEN_STATUSES, FormType, Status  # noqa: E402
from certifications.models import (  # noqa: E402
    Attachment,
    CertificationRequest,
    Message,
    Release,
    RequestEvent,
)
from certifications.services.core import reference_for  # noqa: E402

# A valid unmasked CSRF secret: the cookie and the header of every POST.
CSRF_TOKEN = "benchcsrftokenbenchcsrftoken0123"  # noqa: S105 - bench sessions only
# Requests per persona the mix chooses from.
TARGETS_PER_PERSONA = 100
# The personas signed in with a second factor (the portal requires it of these roles).
# Every role signs in with a second factor (accounts.models.MFA_REQUIRED_ROLES).
MFA_PERSONAS = ("advocate", "contact", "coordinator", "admin")


def personas() -> dict[str, User]:
    found = {u.email: u for u in User.objects.filter(email__in=PERSONA_EMAILS.values())}
    missing = [p for p, email in PERSONA_EMAILS.items() if email not in found]
    if missing:
        raise SystemExit(f"bench: personas missing from the data set: {missing}")
    return {persona: found[email] for persona, email in PERSONA_EMAILS.items()}


def enrol_totp(user: User) -> None:
    Authenticator.objects.get_or_create(
        user=user,
        type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": encrypt(secrets.token_hex(10))}},
    )


def session_for(user: User) -> str:
    """A signed-in session for `user`, as `django.contrib.auth.login` stores it."""
    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def request_pks(requests) -> list[int]:
    """The most recent requests first, one just submitted leading: its page's queries depend on
    its status (the actions it offers), and the growth check must compare like with like."""
    first = requests.filter(status=Status.SUBMITTED).order_by("-id").values_list("pk", flat=True)
    lead = list(first[:1])
    rest = requests.exclude(pk__in=lead).order_by("-id").values_list("pk", flat=True)
    return lead + list(rest[: TARGETS_PER_PERSONA - len(lead)])


def targets(people: dict[str, User]) -> dict[str, dict]:
    contact_agency = PointOfContact.objects.get(email=PERSONA_EMAILS["contact"]).agency_id
    requests = CertificationRequest.objects.all()
    advocate = people["advocate"]
    found = {
        "advocate": requests.filter(organization_id=advocate.organization_id).exclude(
            status=Status.DRAFT
        ),
        "contact": requests.filter(agency_id=contact_agency, status__in=OPEN_STATUSES),
        # What the coordinator works: DPS's own open requests and the escalated or overdue
        # ones of other agencies, which stay with those agencies (certifications.access).
        "coordinator": certification_requests_visible_to(
            user=people["coordinator"], queryset=requests.filter(status__in=OPEN_STATUSES)
        ),
        "admin": requests.none(),
    }
    return {
        persona: {"request_pks": request_pks(found[persona]), "agency_pk": contact_agency}
        for persona in PERSONA_EMAILS
    }


def complete_drafts(advocate: User, count: int) -> list[int]:
    """`count` complete drafts of the advocate persona, ready to submit: the program's latest
    submitted U requests (not purged) as they were before submission, with the victim's
    consent and without removal proceedings (which would also need a Notice to Appear)."""
    copied = [
        "victim_family_name",
        "victim_given_name",
        "victim_date_of_birth",
        "victim_gender",
        "victim_a_number",
        "victim_preferred_language",
        "victim_preferred_language_other",
        "victim_name_order",
        "victim_interpreter_needed",
        "crimes",
        "crime_date_from",
        "crime_city",
        "crime_county_id",
        "case_number",
        "requested_agency_id",
        "narrative",
        "known_injuries",
        "helpfulness",
    ]
    sources = (
        CertificationRequest.objects.filter(
            organization_id=advocate.organization_id, form_type=FormType.U, purged_at=None
        )
        .exclude(status=Status.DRAFT)
        .order_by("-id")
        .values(*copied)[:count]
    )
    now = timezone.now()
    drafts = Table(CertificationRequest)
    ids = []
    with transaction.atomic():
        for source in sources:
            reference = reference_for(form_type=FormType.U, year=now.year, pk=drafts.next_id)
            ids.append(
                drafts.add(
                    **source,
                    form_type=FormType.U,
                    organization_id=advocate.organization_id,
                    created_by_id=advocate.pk,
                    status=Status.DRAFT,
                    agency_id=source["requested_agency_id"],
                    consent_given=True,
                    consent_by="The victim",
                    consent_date=timezone.localdate(now),
                    created_at=now,
                    updated_at=now,
                    reference=reference,
                )
            )
        drafts.flush()
        reset_sequences([CertificationRequest])
        # Each draft carries the victim's release naming its agency (VAWA 34 U.S.C.
        # 12291(b)(2)): submission needs it.
        releases = Release.objects.bulk_create(
            [
                Release(request_id=pk, signed_on=timezone.localdate(now), given_by="The victim")
                for pk in ids
            ]
        )
        agency_of = dict(
            CertificationRequest.objects.filter(pk__in=ids).values_list("pk", "agency_id")
        )
        Release.agencies.through.objects.bulk_create(
            [
                Release.agencies.through(release_id=r.pk, agency_id=agency_of[r.request_id])
                for r in releases
                if agency_of[r.request_id]
            ]
        )
    return ids


def remove_filed_since(started: datetime.datetime) -> int:
    """Delete the requests the benchmark itself filed since `started` (its drafts, new or
    submitted, with what their submission wrote), so the data set stays as seeded from run to
    run. Seeded requests are older than the run. Audit entries stay: the trail is append-only,
    and they name requests by reference only."""
    advocate = User.objects.get(email=PERSONA_EMAILS["advocate"])
    filed = CertificationRequest.objects.filter(created_by=advocate, created_at__gte=started)
    with transaction.atomic():
        removed = filed.count()
        filed.delete()
    return removed


def dataset() -> dict[str, int]:
    requests = CertificationRequest.objects
    return {
        "agencies": Agency.objects.count(),
        "points_of_contact": PointOfContact.objects.count(),
        "organizations": Organization.objects.count(),
        "users": User.objects.count(),
        "requests": requests.count(),
        "open_requests": requests.filter(status__in=OPEN_STATUSES).count(),
        "events": RequestEvent.objects.count(),
        "messages": Message.objects.count(),
        "attachments": Attachment.objects.count(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["targets", "cleanup"])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--drafts", type=int, default=0)
    parser.add_argument("--since", type=datetime.datetime.fromisoformat)
    args = parser.parse_args(argv)
    if args.action == "cleanup":
        args.out.write_text(json.dumps({"removed": remove_filed_since(args.since)}))
        return
    people = personas()
    for persona in MFA_PERSONAS:
        enrol_totp(people[persona])
    out = {
        "dataset": dataset(),
        "cookies": {persona: session_for(user) for persona, user in people.items()},
        "csrf_token": CSRF_TOKEN,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "targets": targets(people),
        "drafts": complete_drafts(people["advocate"], args.drafts) if args.drafts else [],
    }
    args.out.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
