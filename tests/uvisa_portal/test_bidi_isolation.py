"""Mixed and right-to-left text outside the browser: text boxes type in either direction, the
request's record (PDF) isolates what people typed, e-mails and flash messages carry no
bidirectional controls (Unicode Standard Annex #9; the "Trojan Source" reordering,
CVE-2021-42574)."""

from __future__ import annotations

import datetime
import re

import pytest
from django import forms
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message as FlashMessage
from django.template import Context, Template
from django.urls import reverse

from certifications.documents.record import request_record_context
from certifications.models import Notification, RequestEvent
from certifications.services.notifications import email_render
from tests.bidi_support import AGENCY, CITY, FAMILY, ORGANIZATION, RLO, seed
from tests.certifications.documents_helpers import flat, pdf_text

pytestmark = pytest.mark.django_db
_BDI = re.compile(r"<bdi>.*?</bdi>", re.S)


class _Form(forms.Form):
    name = forms.CharField()
    story = forms.CharField(widget=forms.Textarea)
    code = forms.CharField(widget=forms.TextInput(attrs={"dir": "ltr"}))
    email = forms.EmailField()


def test_every_text_box_and_textarea_runs_in_the_direction_of_what_is_typed():
    html = str(_Form())
    assert re.search(r'<input type="text" name="name" dir="auto"', html)
    assert re.search(r'<textarea name="story" dir="auto"', html)
    # A widget that says its direction keeps it, once.
    assert html.count('dir="ltr"') == 1 and 'name="code" dir="auto"' not in html
    assert 'type="email" name="email" dir' not in html


def test_the_intake_pages_boxes_are_dir_auto(client, personas):
    client.force_login(personas.advocate_a)
    html = client.get(reverse("certifications:new")).content.decode()
    boxes = re.findall(r'<input type="text"[^>]*>', html)
    assert boxes
    assert all('dir="auto"' in box for box in boxes), boxes


def test_the_request_record_isolates_every_typed_value(personas):
    from django.template.loader import render_to_string

    cert_request = seed(personas)
    RequestEvent.objects.filter(request=cert_request).update(note=f"Sent by {RLO}fax")
    context = request_record_context(
        cert_request=cert_request, include_victim_name=True, today=datetime.date(2026, 3, 2)
    )
    html = render_to_string("documents/request_record.html", context)
    for value in (ORGANIZATION, AGENCY, FAMILY, f"{RLO}fax"):
        assert re.search(f"<bdi>[^<]*{re.escape(value)}", html), value
    # Outside the <bdi> elements (the portal's own sentences: the deadline's basis names
    # the agency) no control is left.
    assert RLO not in _BDI.sub("", html)


def test_the_request_records_own_words_keep_their_order(personas):
    from certifications.documents.record import request_record_pdf

    cert_request = seed(personas)
    text = flat(pdf_text(request_record_pdf(cert_request=cert_request, include_victim_name=True)))
    for words in ("Filed by", "Agency asked", "Now with", "Status", "Every event"):
        assert words in text, text


def test_an_agency_name_reaches_no_email_with_a_bidi_control(personas):
    seed(personas)
    notices = list(Notification.objects.all())
    assert notices
    for notice in notices:
        subject, text, html = email_render(kind=notice.kind, context=notice.context)
        for part in (subject, text, html):
            assert RLO not in part
        if notice.context.get("agency"):
            assert "Agency: Agency X Police\n" in text


def test_a_flash_message_naming_an_agency_shows_without_the_control():
    template = Template("{% load bidi %}<div>{{ message|without_bidi_controls }}</div>")
    message = FlashMessage(constants.SUCCESS, f"{AGENCY} decides its own requests again.")
    html = template.render(Context({"message": message}))
    assert html == "<div>Agency X Police decides its own requests again.</div>"
    # Escaped like any value.
    assert "&lt;b&gt;" in template.render(Context({"message": "<b>"}))


def test_pages_render_the_city_inside_a_bdi(client, personas):
    cert_request = seed(personas)
    client.force_login(personas.advocate_a)
    html = client.get(reverse("certifications:detail", args=[cert_request.pk])).content.decode()
    assert f"<bdi>{CITY}</bdi>" in html
