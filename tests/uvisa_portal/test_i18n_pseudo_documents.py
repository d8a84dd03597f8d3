"""E-mails and the portal's own documents: every text marked for translation (pseudo-locale),
each e-mail in its recipient's language, the request record in its reader's."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from certifications.choices import Action, Status
from certifications.documents.record import request_record_context
from certifications.models import Notification, NotificationKind, RequestEvent
from certifications.services import certification_request_transition
from certifications.services import notifications as svc
from certifications.services.notices import notification_rows, notifications_save, user_recipient
from certifications.services.reminders import agency_digests_create
from certifications.services.subjects import SUBJECTS
from tests.factories import make_submitted_request

from .test_i18n_pseudo import pseudo, unmarked_texts  # noqa: F401 - pseudo is a fixture

pytestmark = pytest.mark.django_db

SITE = "https://portal.example.gov"
REFERENCE = "UV-2026-00042"
AGENCY = "Agency X Police Department"
CONTACT = "Contact X"
VICTIM = "Zyxwanda Qorblatt"

# Every value any subject takes, as the services store them (ISO dates, counts).
SUBJECT_VALUES = {
    "ref": REFERENCE,
    "agency": AGENCY,
    "contact_name": CONTACT,
    "open": 4,
    "overdue": 1,
    "days": 7,
    "day": "2026-04-15",
    "filing_deadline": "2026-07-15",
    "release_expires_on": "2026-05-01",
    "lapses_on": "2026-06-30",
}

# The body's optional lines, all at once, so every sentence of the template is rendered.
FULL_CONTEXT = {
    "reference": REFERENCE,
    "agency": AGENCY,
    "status": "Submitted",
    "status_code": Status.SUBMITTED,
    "due_date": "2026-05-20",
    "filing_deadline": "2026-07-15",
    "filing_window_months": 6,
    "asked_on": "2026-04-01",
    "lapses_on": "2026-06-30",
    "link": f"{SITE}/requests/1/",
}

DIGEST_CONTEXT = {
    "agency": AGENCY,
    "date": "2026-04-15",
    "counts": {
        "open": 5,
        "new": 1,
        "due_soon": 1,
        "due_today": 1,
        "overdue": 1,
        "past_requested": 1,
    },
    "sections": {
        name: [{"reference": REFERENCE, "due_date": "2026-04-14"}]
        for name in ("new", "due_soon", "due_today", "overdue", "past_requested")
    },
    "link": f"{SITE}/requests/",
}

# The request statuses' and events' labels are the choices' (certifications/choices.py),
# translated with them: listed here so this file checks its own texts only.
CHOICE_LABELS = [str(label) for label in (*Status.labels, *Action.labels)]
USER_DATA = [f"{SITE}/requests/1/", f"{SITE}/requests/", REFERENCE, AGENCY, CONTACT]
USER_DATA = sorted({*USER_DATA, *CHOICE_LABELS}, key=len, reverse=True)


def _assert_marked(*parts: str) -> None:
    for part in parts:
        assert "⟦" in part
        assert unmarked_texts(part, USER_DATA) == [], part


NOTICE_KINDS = sorted(set(NotificationKind.values) - {NotificationKind.AGENCY_DIGEST})


@pytest.mark.parametrize("kind", NOTICE_KINDS)
def test_every_notice_kinds_body_is_marked(pseudo, kind):  # noqa: F811
    context = {**FULL_CONTEXT, "subject_key": "submit", "subject_values": SUBJECT_VALUES}
    subject, text, html = svc.email_render(kind=kind, context=context)
    _assert_marked(subject, text, html)


@pytest.mark.parametrize("key", sorted(SUBJECTS))
def test_every_subject_is_marked(pseudo, key):  # noqa: F811
    subject, _text, _html = svc.email_render(
        kind=NOTICE_KINDS[0], context={"subject_key": key, "subject_values": SUBJECT_VALUES}
    )
    _assert_marked(subject)


def test_the_agency_digest_is_marked(pseudo):  # noqa: F811
    context = {
        **DIGEST_CONTEXT,
        "subject_key": "agency_digest",
        "subject_values": SUBJECT_VALUES,
    }
    subject, text, html = svc.email_render(kind=NotificationKind.AGENCY_DIGEST, context=context)
    _assert_marked(subject, text, html)


def test_a_notice_stored_before_subjects_had_keys_still_renders(db):
    subject, text, _html = svc.email_render(
        kind=NotificationKind.TRAINING_LAPSE, context={"subject": "Training lapses"}
    )
    assert subject == "Training lapses"
    assert text.startswith("Training lapses")


def test_the_notices_the_services_create_are_marked(personas, pseudo, settings):  # noqa: F811
    settings.SITE_URL = SITE
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    certification_request_transition(
        cert_request=request, action=Action.START_REVIEW, actor=personas.contact_x
    )
    certification_request_transition(
        cert_request=request, action=Action.REQUEST_INFO, actor=personas.contact_x, updates={}
    )
    agency_digests_create()
    svc.notifications_send_pending()
    assert len(mail.outbox) >= 3
    link = f"{SITE}/requests/{request.pk}/"
    bell = SITE + reverse("certifications:notifications")
    data = [link, bell, request.reference, personas.agency_x.name, *CHOICE_LABELS]
    for message in mail.outbox:
        html = message.alternatives[0][0]
        for part in (message.subject, message.body, html):
            assert unmarked_texts(part, data) == [], part


# --- Each e-mail in its recipient's language ----------------------------------------------


def _notice_to(users: list[User], personas) -> None:
    rows = notification_rows(
        kind=NotificationKind.EXPIRY_REMINDER,
        recipients=[user_recipient(u) for u in users],
        window="d30",
        subject_key="expiry_reminder",
        subject_values={"ref": REFERENCE, "filing_deadline": "2026-07-15"},
        context={
            "reference": REFERENCE,
            "agency": personas.agency_x.name,
            "status": "Certified",
            "status_code": Status.CERTIFIED,
            "filing_deadline": "2026-07-15",
            "filing_window_months": 6,
        },
        agency_id=personas.agency_x.pk,
    )
    assert notifications_save(rows) == len(users)


def test_each_email_is_in_its_recipients_language(personas):
    User.objects.filter(pk=personas.advocate_a.pk).update(language="es")
    User.objects.filter(pk=personas.advocate_b.pk).update(language="")
    _notice_to([personas.advocate_a, personas.advocate_b], personas)
    # Whatever language the sender runs in (here the one of a Spanish-speaking actor).
    with translation.override("es"):
        assert svc.notifications_send_pending().sent == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    spanish = by_to[personas.advocate_a.email]
    english = by_to[personas.advocate_b.email]
    assert spanish.subject == (
        f"La certificación {REFERENCE} vence el 15 de julio de 2026: presente la petición o "
        "márquela como presentada"
    )
    assert "Fecha límite para presentar la petición: 15 de julio de 2026" in spanish.body
    assert "Nunca enviamos por correo electrónico datos sobre la víctima" in spanish.body
    assert '<html lang="es">' in spanish.alternatives[0][0]
    assert english.subject == (
        f"Certification {REFERENCE} expires on July 15, 2026: file the petition or mark it as filed"
    )
    assert "File the petition by: July 15, 2026 (6 months after the signature)" in english.body
    assert '<html lang="en">' in english.alternatives[0][0]
    # The record keeps the English subject whoever reads the e-mail.
    assert set(Notification.objects.values_list("subject", flat=True)) == {english.subject}


def test_a_notice_created_by_a_spanish_speaking_actor_is_stored_in_english(personas):
    with translation.override("es"):
        request = make_submitted_request(
            organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
        )
    notice = Notification.objects.get(request=request)
    assert notice.subject == f"New request {request.reference} for {personas.agency_x.name}"
    assert notice.context["status"] == "Submitted"


# --- The request record -------------------------------------------------------------------


def _record_request(personas):
    request = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        victim_given_name="Zyxwanda",
        victim_family_name="Qorblatt",
    )
    certification_request_transition(
        cert_request=request, action=Action.START_REVIEW, actor=personas.contact_x
    )
    RequestEvent.objects.filter(request=request).update(note="Sent by fax.")
    request.refresh_from_db()
    return request


@pytest.mark.parametrize("include_victim_name", [True, False])
def test_the_request_record_is_marked(personas, pseudo, include_victim_name):  # noqa: F811
    request = _record_request(personas)
    context = request_record_context(
        cert_request=request,
        include_victim_name=include_victim_name,
        today=request.due_date + datetime.timedelta(days=3),
    )
    html = render_to_string("documents/request_record.html", context)
    data = [
        request.reference,
        personas.org_a.name,
        personas.agency_x.name,
        # Who acted, as the record names them (the name, else the e-mail address).
        personas.advocate_a.get_full_name() or personas.advocate_a.email,
        personas.contact_x.get_full_name() or personas.contact_x.email,
        context["victim_name"],
        str(request.get_form_type_display()),
        *CHOICE_LABELS,
    ]
    data = sorted({d for d in data if d}, key=len, reverse=True)
    assert unmarked_texts(html, data) == []


def test_the_request_record_is_in_spanish_for_a_spanish_reader(personas):
    request = _record_request(personas)
    with translation.override("es"):
        context = request_record_context(
            cert_request=request,
            include_victim_name=False,
            today=request.due_date + datetime.timedelta(days=3),
        )
        html = render_to_string("documents/request_record.html", context)
    assert '<html lang="es">' in html
    assert f"Registro de la solicitud de certificación {request.reference}" in html
    assert "El plazo venció sin respuesta hace 3 días." in html
    assert "Este registro no incluye el nombre de la víctima" in html


# --- The draft documents pages ------------------------------------------------------------


def test_the_draft_documents_pages_have_marked_headings(client, personas, pseudo):  # noqa: F811
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    client.force_login(personas.contact_x)
    for name in ("certifications:documents", "certifications:document_agency_answers"):
        html = client.get(reverse(name, args=[request.pk])).content.decode()
        heading = html[html.index("<h1") : html.index("</h1>") + 5]
        assert unmarked_texts(heading, [request.reference]) == []
        title = html[html.index("<title>") : html.index("</title>") + 8]
        assert "⟦" in title


def test_the_draft_documents_page_in_spanish(client, personas):
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    client.force_login(personas.contact_x)
    html = client.get(
        reverse("certifications:documents", args=[request.pk]), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert f"Borradores de la solicitud {request.reference}" in html
