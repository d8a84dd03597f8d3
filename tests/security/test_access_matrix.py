"""The authorization matrix: every URL pattern of the project x every role x method.

A URL missing from MATRIX fails the test with the exact line to add. Canary values seeded in a
request of organization A routed to agency X must never reach anyone else's response.

Reading a row:  R("name", "METHOD", "anon advA advB conX conY coord admin deact", **kwargs)
- the eight codes are the expected HTTP statuses for the roles in ROLES, in that order;
- `*` means "anything but a server error" (used only where a page's own logic decides, e.g. the
  administrator inside Django's admin);
- kwargs name URL arguments; a value in OBJECTS' keys ("request", "attachment", "message",
  "invitation_token", ...) is replaced by the fixture object's id or value.
"""

from __future__ import annotations

import datetime
import fnmatch
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.invitations import invitation_create
from accounts.models import Role
from accounts.services import audit_log
from certifications.choices import Status
from certifications.models import (
    CertificationRequest,
    FormEdition,
    Notification,
    NotificationKind,
    OfficialForm,
)
from certifications.services.editions import official_form_load
from tests.certifications.official_pdf import official_pdf
from tests.factories import UserFactory, make_request, make_submitted_request

from .canary import CANARY_A_NUMBER, CANARY_FAMILY, CANARY_STRINGS, seed_canary_request

ROLES = (
    "anonymous",
    "advocate_a",
    "advocate_b",
    "contact_x",
    "contact_y",
    "coordinator",
    "admin",
    "deactivated",
)
# Who may see the canary request (org A, routed to agency X, on time): nobody else.
MAY_SEE_CANARY = {"advocate_a", "contact_x"}


@dataclass(frozen=True)
class R:
    name: str
    method: str
    expected: str
    kwargs: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)

    def __init__(self, name, method, expected, data=None, **kwargs):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "method", method)
        object.__setattr__(self, "expected", expected)
        object.__setattr__(self, "kwargs", kwargs)
        object.__setattr__(self, "data", data or {})
        assert len(expected.split()) == len(ROLES), f"{name}: {len(ROLES)} codes needed"


# A valid period for the statistics charts and export (they answer 400 without one).
PERIOD = {"start": "2025-01-01", "end": "2025-12-31"}

# fmt: off
MATRIX: list[R] = [
    #  name                                    method  anon advA advB conX conY coord admin deact
    R("home",                                   "GET",  "302  200  200  200  200  200  200  302"),
    R("healthz",                                "GET",  "200  200  200  200  200  200  200  200"),
    # --- sign-in pages (allauth) ---
    R("account_login",                          "GET",  "200  302  302  302  302  302  302  200"),
    R("account_login",                          "POST", "200  302  302  302  302  302  302  200"),
    R("account_logout",                         "GET",  "302  200  200  200  200  200  200  302"),
    R("account_logout",                         "POST", "302  302  302  302  302  302  302  302"),
    R("account_inactive",                       "GET",  "200  200  200  200  200  200  200  200"),
    R("account_signup",                         "GET",  "200  302  302  302  302  302  302  200"),
    R("account_signup",                         "POST", "200  302  302  302  302  302  302  200"),
    R("account_reauthenticate",                 "GET",  "302  302  302  302  302  302  302  302"),
    R("account_email",                          "GET",  "302  200  200  200  200  200  200  302"),
    R("account_email_verification_sent",        "GET",  "200  200  200  200  200  200  200  200"),
    R("account_change_password",                "GET",  "302  200  200  200  200  200  200  302"),
    R("account_set_password",                   "GET",  "302  302  302  302  302  302  302  302"),
    R("account_reset_password",                 "GET",  "200  200  200  200  200  200  200  200"),
    R("account_reset_password",                 "POST", "200  200  200  200  200  200  200  200"),
    R("account_confirm_login_code",             "GET",  "302  302  302  302  302  302  302  302"),
    R("account_confirm_email",                  "GET",  "200  200  200  200  200  200  200  200", key="bogus-key"),  # noqa: E501
    R("account_reset_password_from_key_done",   "GET",  "200  200  200  200  200  200  200  200"),
    R("account_reset_password_from_key",        "GET",  "200  200  200  200  200  200  200  200", uidb36="1", key="bogus-key"),  # noqa: E501
    R("account_reset_password_done",            "GET",  "200  200  200  200  200  200  200  200"),
    # --- second factor (allauth.mfa) ---
    R("mfa_index",                              "GET",  "302  200  200  200  200  200  200  302"),
    R("mfa_authenticate",                       "GET",  "302  302  302  302  302  302  302  302"),
    R("mfa_reauthenticate",                     "GET",  "302  200  200  200  200  200  200  302"),
    R("mfa_activate_totp",                      "GET",  "302  302  302  302  302  302  302  302"),
    R("mfa_deactivate_totp",                    "GET",  "302  302  302  302  302  302  302  302"),
    R("mfa_view_recovery_codes",                "GET",  "302  404  404  404  404  404  404  302"),
    R("mfa_generate_recovery_codes",            "GET",  "302  302  302  302  302  302  302  302"),
    R("mfa_download_recovery_codes",            "GET",  "302  404  404  404  404  404  404  302"),
    # --- accounts: invitations and the audit trail (administrators only) ---
    R("accounts:invitation_new",                "GET",  "302  404  404  404  404  404  200  302"),
    R("accounts:invitation_new",                "POST", "302  404  404  404  404  404  200  302"),
    R("accounts:invitation_accept",             "GET",  "200  200  200  200  200  200  200  200", token="invitation_token"),  # noqa: E501
    R("accounts:invitation_accept",             "GET",  "404  404  404  404  404  404  404  404", token="not-a-token"),  # noqa: E501
    R("accounts:invitation_accept",             "POST", "200  200  200  200  200  200  200  200", token="invitation_token"),  # noqa: E501
    R("accounts:audit_list",                    "GET",  "302  404  404  404  404  404  200  302"),
    R("accounts:audit_export",                  "GET",  "302  404  404  404  404  404  200  302"),
    # --- accounts: approval (an approved account is sent home from the waiting page; the
    # coordinator approves org B's advocates, org B having no lead) ---
    R("accounts:approval_pending",              "GET",  "302  302  302  302  302  302  302  302"),
    R("accounts:approval_list",                 "GET",  "302  404  404  404  404  200  404  302"),
    R("accounts:approval_approve",              "GET",  "302  404  404  404  404  405  404  302", pk="pending_approve"),  # noqa: E501
    R("accounts:approval_approve",              "POST", "302  404  404  404  404  302  404  302", pk="pending_approve"),  # noqa: E501
    R("accounts:approval_refuse",               "POST", "302  404  404  404  404  302  404  302", pk="pending_refuse"),  # noqa: E501
    # --- Django admin: every page; only administrators get past the admin login ---
    R("admin:login",                            "GET",  "302  403  403  403  403  403  302  302"),
    R("admin:logout",                           "GET",  "302  302  302  302  302  302  405  302"),
    R("admin:*",                                "GET",  "302  302  302  302  302  302  *    302"),
    # --- certifications: the advocate's pages ---
    # Objects: `request` is the canary request (org A, routed to agency X, submitted, on time,
    # not escalated); `draft` is a draft of org A (agencies never see drafts: nothing was shared
    # yet); `info_requested` is org A's request waiting on the advocate at agency X; `overdue`
    # is org B's request at agency Y, past its due date (the coordinator's to re-route).
    # Intake pages are for advocates; a request and its files for its organization and agency.
    R("certifications:dashboard",               "GET",  "302  200  200  404  404  404  404  302"),
    R("certifications:new",                     "GET",  "302  200  200  404  404  404  404  302"),
    R("certifications:new",                     "POST", "302  200  200  404  404  404  404  302"),
    R("certifications:agency_suggestions",      "GET",  "302  200  200  404  404  404  404  302"),
    R("certifications:detail",                  "GET",  "302  200  404  200  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:detail",                  "GET",  "302  200  404  404  404  404  404  302", pk="draft"),  # noqa: E501
    R("certifications:detail",                  "GET",  "302  404  200  404  200  200  404  302", pk="overdue"),  # noqa: E501
    # A submitted request can no longer be edited: its organization is sent to its page (302).
    R("certifications:edit",                    "GET",  "302  302  404  404  404  404  404  302", pk="request", step="victim"),  # noqa: E501
    R("certifications:edit",                    "POST", "302  302  404  404  404  404  404  302", pk="request", step="victim"),  # noqa: E501
    R("certifications:edit",                    "GET",  "302  200  404  404  404  404  404  302", pk="draft", step="victim"),  # noqa: E501
    # The review step renders the draft whatever the method: a POST there writes nothing.
    R("certifications:edit",                    "POST", "302  200  404  404  404  404  404  302", pk="draft", step="review"),  # noqa: E501
    R("certifications:edit",                    "GET",  "302  404  404  404  404  404  404  302", pk="draft", step="no-such-step"),  # noqa: E501
    # The steps' autosave: drafts of the advocate's organization only, typed steps only.
    R("certifications:autosave",                "GET",  "302  405  405  405  405  405  405  302", pk="draft", step="victim"),  # noqa: E501
    R("certifications:autosave",                "POST", "302  200  404  404  404  404  404  302", pk="draft", step="victim"),  # noqa: E501
    R("certifications:autosave",                "POST", "302  404  404  404  404  404  404  302", pk="request", step="victim"),  # noqa: E501
    R("certifications:autosave",                "POST", "302  404  404  404  404  404  404  302", pk="draft", step="attachments"),  # noqa: E501
    R("certifications:submit",                  "GET",  "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    # Already submitted: the organization's advocate is told so on the request page (302).
    R("certifications:submit",                  "POST", "302  302  404  404  404  404  404  302", pk="request"),  # noqa: E501
    # Deleting a draft: its organization only; a submitted request is not deleted (redirect).
    # The POST row deletes the spare draft as advocate_a (every other role gets 404 first).
    R("certifications:delete_draft",            "GET",  "302  200  404  404  404  404  404  302", pk="draft"),  # noqa: E501
    R("certifications:delete_draft",            "GET",  "302  302  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:delete_draft",            "POST", "302  302  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:delete_draft",            "POST", "302  302  404  404  404  404  404  302", pk="spare_draft"),  # noqa: E501
    R("certifications:withdraw",                "GET",  "302  200  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:withdraw",                "POST", "302  200  404  404  404  404  404  302", pk="request"),  # noqa: E501
    # Removal proceedings raised after the request: its organization only; a POST without the
    # proof is refused beside the field (400); a draft is sent to its page (302).
    R("certifications:raise_expedite",          "GET",  "302  200  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:raise_expedite",          "POST", "302  400  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:raise_expedite",          "GET",  "302  302  404  404  404  404  404  302", pk="draft"),  # noqa: E501
    # Not waiting for information: the advocate is sent to the request page (302).
    R("certifications:respond",                 "GET",  "302  302  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:respond",                 "POST", "302  302  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:respond",                 "GET",  "302  200  404  404  404  404  404  302", pk="info_requested"),  # noqa: E501
    R("certifications:respond",                 "POST", "302  200  404  404  404  404  404  302", pk="info_requested"),  # noqa: E501
    # The victim's releases and the dated record: the organization's advocates only. An
    # empty release form is refused (400); a draft's release is its intake step (302).
    R("certifications:release_new",             "GET",  "302  200  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:release_new",             "POST", "302  400  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:release_new",             "GET",  "302  302  404  404  404  404  404  302", pk="draft"),  # noqa: E501
    R("certifications:edit",                    "GET",  "302  200  404  404  404  404  404  302", pk="draft", step="consent"),  # noqa: E501
    R("certifications:edit",                    "POST", "302  400  404  404  404  404  404  302", pk="draft", step="consent"),  # noqa: E501
    R("certifications:request_record",          "GET",  "302  200  404  404  404  404  404  302", pk="request"),  # noqa: E501
    # A draft was never sent: it has no record.
    R("certifications:request_record",          "GET",  "302  404  404  404  404  404  404  302", pk="draft"),  # noqa: E501
    R("certifications:attachment_download",     "GET",  "302  200  404  200  404  404  404  302", pk="attachment"),  # noqa: E501
    R("certifications:attachment_delete",       "GET",  "302  405  405  405  405  405  405  302", pk="attachment"),  # noqa: E501
    # Only a draft's files can be removed: the organization's advocate is told so (302).
    R("certifications:attachment_delete",       "POST", "302  302  404  404  404  404  404  302", pk="attachment"),  # noqa: E501
    R("certifications:petition_filed",          "GET",  "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    # An empty form: 400 for the organization's advocate, 404 for everyone else.
    R("certifications:petition_filed",          "POST", "302  400  404  404  404  404  404  302", pk="request"),  # noqa: E501
    # --- certifications: requests that follow from another (views.links); `request` is
    # submitted, so the advocate's "ask again" pages send it back to the request page ---
    R("certifications:new_signature",           "GET",  "302  302  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:new_signature",           "POST", "302  302  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:correct",                 "GET",  "302  302  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:correct",                 "POST", "302  302  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:reconsideration",         "GET",  "302  302  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:reconsideration",         "POST", "302  302  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:another_certifier",       "GET",  "302  302  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:another_certifier",       "POST", "302  302  404  404  404  404  404  302", pk="request"),  # noqa: E501
    # "Also request from another agency": the organization's advocate only; an empty POST is
    # refused beside its fields (400).
    R("certifications:other_agency",            "GET",  "302  200  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:other_agency",            "POST", "302  400  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:family",                  "GET",  "302  200  404  200  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:family",                  "GET",  "302  404  200  404  200  200  404  302", pk="overdue"),  # noqa: E501
    R("certifications:family",                  "GET",  "302  200  404  404  404  404  404  302", pk="draft"),  # noqa: E501
    R("certifications:family_link",             "GET",  "302  200  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:family_link",             "POST", "302  400  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:family_another_victim",   "GET",  "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    R("certifications:family_another_victim",   "POST", "302  302  404  404  404  404  404  302", pk="request"),  # noqa: E501
    # --- certifications: the agency's pages ---
    # The coordinator is the point of contact of DPS: its queue lists what was routed to DPS
    # (the canary request is not there; the canary scan checks it).
    R("certifications:queue",                   "GET",  "302  404  404  200  200  200  404  302"),
    R("certifications:coordinator",             "GET",  "302  404  404  404  404  200  404  302"),
    R("certifications:review",                  "GET",  "302  404  404  200  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:review",                  "GET",  "302  404  404  404  200  200  404  302", pk="overdue"),  # noqa: E501
    R("certifications:review",                  "GET",  "302  404  404  404  404  404  404  302", pk="draft"),  # noqa: E501
    # One POST URL per action; a GET is 405 for everyone signed in (it says nothing about the
    # request). Empty forms: 400 for who may act; start_review has no form and succeeds (302).
    R("certifications:start_review",            "GET",  "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    R("certifications:start_review",            "POST", "302  404  404  302  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:request_info",            "GET",  "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    R("certifications:request_info",            "POST", "302  404  404  400  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:certify",                 "GET",  "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    R("certifications:certify",                 "POST", "302  404  404  400  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:deny",                    "GET",  "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    R("certifications:deny",                    "POST", "302  404  404  400  404  404  404  302", pk="request"),  # noqa: E501
    # A recommendation: any contact of the request's agency (empty form: 400); coordinating:
    # the coordinator, on another agency's escalated or overdue request only.
    R("certifications:recommend",               "GET",  "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    R("certifications:recommend",               "POST", "302  404  404  400  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:recommend",               "POST", "302  404  404  404  400  404  404  302", pk="overdue"),  # noqa: E501
    R("certifications:coordinate",              "GET",  "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    R("certifications:coordinate",              "POST", "302  404  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:coordinate",              "POST", "302  404  404  404  404  400  404  302", pk="overdue"),  # noqa: E501
    R("certifications:transfer",                "GET",  "302  404  404  200  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:transfer",                "GET",  "302  404  404  404  200  404  404  302", pk="overdue"),  # noqa: E501
    R("certifications:transfer",                "POST", "302  404  404  400  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:transfer",                "POST", "302  404  404  404  400  404  404  302", pk="overdue"),  # noqa: E501
    # Re-routing is the statewide coordinator's action (selectors.COORDINATOR_*_ACTIONS); a
    # local agency transfers instead. The stricter reading: 404 for contact_x here too.
    R("certifications:reroute",                 "GET",  "302  404  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:reroute",                 "GET",  "302  404  404  404  404  200  404  302", pk="overdue"),  # noqa: E501
    R("certifications:reroute",                 "POST", "302  404  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:reroute",                 "POST", "302  404  404  404  404  400  404  302", pk="overdue"),  # noqa: E501
    R("certifications:message",                 "GET",  "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    R("certifications:message",                 "POST", "302  404  404  400  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:assign",                  "GET",  "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    R("certifications:assign",                  "POST", "302  404  404  400  404  404  404  302", pk="request"),  # noqa: E501
    # --- certifications: the case file (views.casefile). The archived-records note is
    # optional: an empty POST by the request's agency marks it (302); the coordinator may only
    # re-route another agency's overdue request. The signed original's way back needs a
    # method and a date (400 for the request's agency); its receipt and the advocate's
    # message are the organization's (400 for an empty form).
    R("certifications:records_archived",        "GET",  "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    R("certifications:records_archived",        "POST", "302  404  404  302  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:records_archived",        "POST", "302  404  404  404  302  404  404  302", pk="overdue"),  # noqa: E501
    R("certifications:original_returned",       "GET",  "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    R("certifications:original_returned",       "POST", "302  404  404  400  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:original_returned",       "POST", "302  404  404  404  400  404  404  302", pk="overdue"),  # noqa: E501
    R("certifications:original_received",       "GET",  "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    R("certifications:original_received",       "POST", "302  400  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:original_received",       "POST", "302  400  404  404  404  404  404  302", pk="draft"),  # noqa: E501
    R("certifications:advocate_message",        "GET",  "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    R("certifications:advocate_message",        "POST", "302  400  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:advocate_message",        "POST", "302  404  400  404  404  404  404  302", pk="overdue"),  # noqa: E501
    # 8 CFR 214.14(h)(2): the certifying agency withdraws or disavows a certification; the
    # canary request is not certified, so its agency is sent back to its page (302).
    R("certifications:withdraw_certification",  "GET",  "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    R("certifications:withdraw_certification",  "POST", "302  404  404  302  404  404  404  302", pk="request"),  # noqa: E501
    # --- certifications: draft documents (the request's own: its organization and agency) ---
    R("certifications:documents",               "GET",  "302  200  404  200  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:documents",               "GET",  "302  200  404  404  404  404  404  302", pk="draft"),  # noqa: E501
    R("certifications:document_download",       "GET",  "302  200  404  200  404  404  404  302", pk="request", kind="supplement-b"),  # noqa: E501
    R("certifications:document_download",       "GET",  "302  200  404  200  404  404  404  302", pk="request", kind="cover-letter"),  # noqa: E501
    R("certifications:document_download",       "GET",  "302  200  404  404  404  404  404  302", pk="draft", kind="supplement-b"),  # noqa: E501
    R("certifications:document_download",       "GET",  "302  404  404  404  404  404  404  302", pk="request", kind="no-such-document"),  # noqa: E501
    # The letter to the victim: the request's advocates only, never the agency; none for a draft.
    R("certifications:victim_letter",           "GET",  "302  200  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:victim_letter",           "POST", "302  200  404  404  404  404  404  302", pk="request", data={"language": "so"}),  # noqa: E501
    R("certifications:victim_letter",           "GET",  "302  404  404  404  404  404  404  302", pk="draft"),  # noqa: E501
    R("certifications:victim_letter_download",  "GET",  "302  200  404  404  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:victim_letter_download",  "POST", "302  200  404  404  404  404  404  302", pk="request", data={"language": "vi"}),  # noqa: E501
    R("certifications:victim_letter_download",  "POST", "302  404  404  404  404  404  404  302", pk="draft", data={"language": "vi"}),  # noqa: E501
    # USCIS's official form pre-filled (its PDF is loaded below): whoever may see the request.
    R("certifications:official_form_download", "GET",  "302  200  404  200  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:official_form_download", "GET",  "302  200  404  404  404  404  404  302", pk="draft"),  # noqa: E501
    R("certifications:official_form_download", "GET",  "302  404  200  404  200  200  404  302", pk="overdue"),  # noqa: E501
    # Moving to the current edition: the request's advocates and its certifying agency; on
    # another agency's overdue request the coordinator may only re-route.
    R("certifications:edition_move",            "GET",  "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    R("certifications:edition_move",            "POST", "302  302  404  302  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:edition_move",            "POST", "302  404  302  404  302  404  404  302", pk="overdue"),  # noqa: E501
    # The agency's answers on the draft form: the certifying agency's contacts only. On another
    # agency's overdue request the coordinator may only re-route, so the stricter reading: 404.
    R("certifications:document_agency_answers", "GET",  "302  404  404  200  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:document_agency_answers", "GET",  "302  404  404  404  200  404  404  302", pk="overdue"),  # noqa: E501
    R("certifications:document_agency_answers", "GET",  "302  404  404  404  404  404  404  302", pk="draft"),  # noqa: E501
    R("certifications:document_agency_answers_save", "GET", "302  405  405  405  405  405  405  302", pk="request"),  # noqa: E501
    R("certifications:document_agency_answers_save", "POST", "302  404  404  302  404  404  404  302", pk="request"),  # noqa: E501
    R("certifications:document_agency_answers_save", "POST", "302  404  404  404  302  404  404  302", pk="overdue"),  # noqa: E501
    # --- certifications: notifications (each user's own; `notification` is advocate_a's) ---
    R("certifications:notifications",           "GET",  "302  200  200  200  200  200  200  302"),
    R("certifications:notification_read",       "GET",  "302  405  405  405  405  405  405  302", pk="notification"),  # noqa: E501
    # Another user's id changes nothing and says nothing: the same redirect for everyone.
    R("certifications:notification_read",       "POST", "302  302  302  302  302  302  302  302", pk="notification"),  # noqa: E501
    R("certifications:notifications_read_all",  "GET",  "302  405  405  405  405  405  405  302"),
    R("certifications:notifications_read_all",  "POST", "302  302  302  302  302  302  302  302"),
    # The outbox's dead notices: administrators only (ids, kinds, roles, server replies).
    R("certifications:outbox_dead",             "GET",  "302  404  404  404  404  404  200  302"),
    R("certifications:outbox_retry",            "GET",  "302  405  405  405  405  405  405  302", pk="1"),  # noqa: E501
    R("certifications:outbox_retry",            "POST", "302  404  404  404  404  404  302  302", pk="1"),  # noqa: E501
    R("certifications:outbox_retry_all",        "GET",  "302  405  405  405  405  405  405  302"),
    R("certifications:outbox_retry_all",        "POST", "302  404  404  404  404  404  302  302"),
    # --- agencies: the directory (not victim data) for everyone signed in ---
    R("agencies:directory",                     "GET",  "302  200  200  200  200  200  200  302"),
    R("agencies:detail",                        "GET",  "302  200  200  200  200  200  200  302", pk="agency"),  # noqa: E501
    # Directory maintenance is for administrators. Others get 403, not 404: these pages hold
    # directory data only (agencies and their published contacts, never a request), and the
    # pages' existence is no secret, so a 403 reveals nothing that a 404 would hide.
    R("agencies:health",                        "GET",  "302  403  403  403  403  403  200  302"),
    R("agencies:export",                        "GET",  "302  403  403  403  403  403  200  302"),
    R("agencies:import",                        "GET",  "302  403  403  403  403  403  200  302"),
    R("agencies:import",                        "POST", "302  403  403  403  403  403  200  302"),
    R("agencies:import_apply",                  "GET",  "302  403  403  403  403  403  405  302"),
    # An empty confirmation: the administrator is sent back to the upload step (302).
    R("agencies:import_apply",                  "POST", "302  403  403  403  403  403  302  302"),
    R("agencies:merge",                         "GET",  "302  403  403  403  403  403  200  302"),
    R("agencies:merge",                         "POST", "302  403  403  403  403  403  400  302"),
    # Who signs (8 CFR 214.14(a)(3)): the head's page only (no persona is a head: 404 for all).
    R("agencies:signers",                       "GET",  "302  404  404  404  404  404  404  302"),
    R("agencies:signers",                       "POST", "302  404  404  404  404  404  404  302"),
    R("agencies:designation_revoke",            "GET",  "302  405  405  405  405  405  405  302", pk="designation"),  # noqa: E501
    R("agencies:designation_revoke",            "POST", "302  404  404  404  404  404  404  302", pk="designation"),  # noqa: E501
    # A designation letter of agency X: its contacts, the coordinator, administrators.
    R("agencies:designation_letter",            "GET",  "302  404  404  200  404  200  200  302", pk="designation"),  # noqa: E501
    # The coordinator's pages: delegations (one of agency Z here) and the training statewide.
    R("agencies:delegations",                   "GET",  "302  404  404  404  404  200  404  302"),
    R("agencies:delegations",                   "POST", "302  404  404  404  404  400  404  302"),
    R("agencies:delegation_document",           "GET",  "302  404  404  404  404  200  200  302", pk="delegation"),  # noqa: E501
    R("agencies:delegation_revoke",             "GET",  "302  405  405  405  405  405  405  302", pk="delegation"),  # noqa: E501
    R("agencies:delegation_revoke",             "POST", "302  404  404  404  404  302  404  302", pk="delegation"),  # noqa: E501
    R("agencies:training",                      "GET",  "302  404  404  404  404  200  404  302"),
    R("agencies:training",                      "POST", "302  404  404  404  404  400  404  302"),
    # --- the language selector: anyone, signed in or not; it holds no victim data ---
    R("set_language",                           "GET",  "405  405  405  405  405  405  405  405"),
    R("set_language",                           "POST", "302  302  302  302  302  302  302  302", data={"language": "es", "next": "/"}),  # noqa: E501
    # --- statistics: public figures for everyone; full figures for coordinator and admin ---
    R("statistics:public",                      "GET",  "200  200  200  200  200  200  200  200"),
    R("statistics:public_chart",                "GET",  "200  200  200  200  200  200  200  200", data=PERIOD, kind="months"),  # noqa: E501
    R("statistics:public_chart",                "GET",  "200  200  200  200  200  200  200  200", data=PERIOD, kind="agencies"),  # noqa: E501
    R("statistics:public_chart",                "GET",  "404  404  404  404  404  404  404  404", data=PERIOD, kind="no-such-chart"),  # noqa: E501
    R("statistics:figures",                     "GET",  "302  404  404  404  404  200  200  302"),
    R("statistics:chart",                       "GET",  "302  404  404  404  404  200  200  302", data=PERIOD, kind="months"),  # noqa: E501
    R("statistics:chart",                       "GET",  "302  404  404  404  404  200  200  302", data=PERIOD, kind="agencies"),  # noqa: E501
    R("statistics:export_csv",                  "GET",  "302  404  404  404  404  200  200  302", data=PERIOD),  # noqa: E501
    R("statistics:recompute",                   "POST", "302  404  404  404  404  302  302  302", data=PERIOD),  # noqa: E501
    R("statistics:recompute",                   "GET",  "302  405  405  405  405  405  405  302", data=PERIOD),  # noqa: E501
    R("statistics:annual_report",               "GET",  "302  404  404  404  404  200  200  302"),
]
# fmt: on


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                # Unnamed patterns are listed by route, under their namespace.
                name = f"{namespace}:<{route}>" if namespace else f"<{route}>"
            yield name, route, pattern


def project_urls() -> dict[str, tuple[str, URLPattern]]:
    return {name: (route, p) for name, route, p in _walk(get_resolver().url_patterns)}


def rows_for(name: str) -> list[R]:
    exact = [row for row in MATRIX if row.name == name]
    if exact:
        return exact
    return [row for row in MATRIX if "*" in row.name and fnmatch.fnmatch(name, row.name)]


def _admin_object_id(name: str, objects: dict) -> str:
    """`admin:agencies_agency_change` -> the id of a fixture object of that model."""
    from django.apps import apps

    label = name.split(":", 1)[1]
    for model in apps.get_models():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if label.startswith(prefix):
            obj = model._default_manager.order_by("pk").first()
            return str(obj.pk) if obj is not None else "999999"
    return "999999"


def _url(row: R, name: str, route: str, pattern: URLPattern, objects: dict) -> str:
    kwargs = {k: objects.get(v, v) for k, v in row.kwargs.items()}
    if name.startswith("admin:<"):
        # Unnamed admin redirects (`<path:object_id>/` -> change page).
        path = "/" + route.replace("<path:object_id>", _admin_object_id("admin:x", objects))
        return path.replace("(?P<url>.*)$", "no-such-page/")
    if name.startswith("admin:") and not kwargs:
        params = set(pattern.pattern.converters) | set(
            getattr(getattr(pattern.pattern, "regex", None), "groupindex", {})
        )
        for converter in sorted(params):
            if converter in ("object_id", "id"):
                kwargs[converter] = _admin_object_id(name, objects)
            elif converter == "app_label":
                kwargs[converter] = "accounts"
            elif converter == "content_type_id":
                kwargs[converter] = objects["content_type_id"]
        if "(?P<url>" in route:
            return "/admin/no-such-page/"
        regex = getattr(pattern.pattern, "regex", None)
        if regex is not None and regex.groups > len(regex.groupindex):
            # simple-history's unnamed groups: the object, then one of its versions.
            return reverse(name, args=[_admin_object_id(name, objects), "999999"])
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def matrix_objects(personas, media_root):
    from django.contrib.contenttypes.models import ContentType

    request, attachment, message = seed_canary_request(personas)
    _, token = invitation_create(
        email="invitee@example.org",
        full_name="Invitee",
        role=Role.ADVOCATE,
        organization=personas.org_b,
        invited_by=personas.admin,
    )
    audit_log(action="login", user=personas.advocate_a)
    pending_approve, pending_refuse = (
        UserFactory(email=f"pending.{n}@example.org", organization=personas.org_b, approved_at=None)
        for n in (1, 2)
    )
    # A second draft for the one row that deletes a draft (the rows run in name order).
    spare_draft = make_request(
        organization=personas.org_a, created_by=personas.advocate_a, victim_family_name="Spare"
    )
    draft = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        victim_family_name=CANARY_FAMILY,
        victim_a_number=CANARY_A_NUMBER,
        requested_agency=personas.agency_x,
    )
    info_requested = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        status=Status.INFO_REQUESTED,
        actor=personas.contact_x,
        victim_family_name=CANARY_FAMILY,
    )
    overdue = make_submitted_request(
        organization=personas.org_b,
        created_by=personas.advocate_b,
        agency=personas.agency_y,
    )
    CertificationRequest.objects.filter(pk=overdue.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    edition = FormEdition.objects.get(form=OfficialForm.I918B, is_current=True)
    official_form_load(edition=edition, content=official_pdf())
    designation, delegation = _signing_records(personas)
    notification = Notification.objects.create(
        key=f"matrix:{request.pk}:advocate_a",
        kind=NotificationKind.REQUEST_UPDATE,
        user=personas.advocate_a,
        request=request,
        subject=f"Update on {request.reference}",
    )
    return {
        "request": request.pk,
        "draft": draft.pk,
        "spare_draft": spare_draft.pk,
        "info_requested": info_requested.pk,
        "overdue": overdue.pk,
        "notification": notification.pk,
        "attachment": attachment.pk,
        "message": message.pk,
        "agency": personas.agency_x.pk,
        "contact": personas.contact_x.point_of_contact.pk,
        "organization": personas.org_a.pk,
        "user": personas.advocate_a.pk,
        "invitation_token": token,
        "pending_approve": pending_approve.pk,
        "pending_refuse": pending_refuse.pk,
        "content_type_id": ContentType.objects.get_for_model(request).pk,
        "designation": designation.pk,
        "delegation": delegation.pk,
    }


def _signing_records(personas):
    """A designation letter of agency X, and a delegation of a third agency (Z) to the
    coordinator: Z's, so the coordinator's actions on X's and Y's requests stay as above."""
    from django.core.files.base import ContentFile

    from agencies.models import CertifyingDesignation, Delegation
    from tests.factories import AgencyFactory, PointOfContactFactory

    lieutenant = PointOfContactFactory(agency=personas.agency_x, name="Lieutenant X")
    designation = CertifyingDesignation(contact=lieutenant, designated_on=timezone.localdate())
    designation.letter.save("letter.pdf", ContentFile(b"%PDF-1.4 letter"), save=False)
    designation.letter_content_type = "application/pdf"
    designation.save()
    delegation = Delegation(
        agency=AgencyFactory(name="Agency Z Police Department"),
        signed_on=timezone.localdate(),
        signed_by="Chief Z",
        document_content_type="application/pdf",
    )
    delegation.document.save("delegation.pdf", ContentFile(b"%PDF-1.4 delegation"), save=False)
    delegation.save()
    return designation, delegation


def _matches(expected: str, status: int) -> bool:
    if expected == "*":
        return status < 500
    return int(expected) == status


def test_every_url_is_in_the_matrix_and_answers_as_expected(personas, matrix_objects):
    urls = project_urls()
    missing = [name for name in urls if not rows_for(name)]
    assert not missing, (
        "These URL patterns are not in tests/security/test_access_matrix.py MATRIX. Add one "
        "line per URL and method, with the status each role must get, e.g.:\n"
        + "\n".join(
            f'    R("{name}", "GET", "302  200  404  200  404  404  404  302"),  # {urls[name][0]}'
            for name in missing
        )
    )
    stale = [row.name for row in MATRIX if "*" not in row.name and row.name not in urls]
    assert not stale, f"MATRIX rows for URLs that no longer exist: {stale}"

    users = personas.all_users()
    clients: dict[str, Client] = {}

    def client_for(role: str, fresh: bool) -> Client:
        # One signed-in client per role, renewed after anything that may end its session.
        if fresh or role not in clients:
            clients[role] = Client()
            if role != "anonymous":
                clients[role].force_login(users[role])
        return clients[role]

    failures: list[str] = []
    leaks: list[str] = []
    checks = 0
    methods: set[str] = set()
    for name, (route, pattern) in sorted(urls.items()):
        for row in rows_for(name):
            url = _url(row, name, route, pattern, matrix_objects)
            methods.add(row.method)
            for role, expected in zip(ROLES, row.expected.split(), strict=True):
                cache.clear()  # allauth's rate limits are not what this test is about
                client = client_for(role, fresh=row.method != "GET" or "logout" in name)
                call = client.get if row.method == "GET" else client.post
                response = call(url, row.data)
                checks += 1
                if not _matches(expected, response.status_code):
                    failures.append(
                        f"{row.method} {url} ({name}) as {role}: "
                        f"expected {expected}, got {response.status_code}"
                    )
                if role not in MAY_SEE_CANARY and not response.streaming:
                    body = response.content.decode(errors="replace")
                    for canary in CANARY_STRINGS:
                        if canary in body:
                            leaks.append(f"{row.method} {url} as {role} shows {canary!r}")
    print(
        f"\nAuthorization matrix: {len(urls)} URL patterns x {len(ROLES)} roles, "
        f"{len(MATRIX)} rows, methods {sorted(methods)}: {checks} requests checked, "
        f"{len(leaks)} canary leaks."
    )
    assert not failures, "\n".join(failures)
    assert not leaks, "\n".join(leaks)


def test_the_missing_url_message_names_the_url_and_the_line_to_add(monkeypatch):
    """The guard itself can fail: a URL without a row is reported by name."""
    import tests.security.test_access_matrix as module

    monkeypatch.setattr(module, "MATRIX", [row for row in MATRIX if row.name != "healthz"])
    urls = project_urls()
    missing = [name for name in urls if not module.rows_for(name)]
    assert missing == ["healthz"]
