"""What each persona sees on each page, recorded so two versions of the code can be compared.

    python tests/pages_snapshot.py snapshot OUT.json
    python tests/pages_snapshot.py diff BEFORE.json AFTER.json

`snapshot` imports the portal from the current directory and never touches its database:

1. Point Django at a fresh SQLite file in a temporary directory of its own (with an in-memory
   broker and cache), DEBUG on as the demo loaders require, and migrate.
2. Freeze the clock at INSTANT (time-machine, not ticking) and load the demo directory,
   accounts and requests, then a few dozen more requests through the test factories and the
   portal's own forms (an agency queue with a second page, a request routed to the statewide
   coordinator, overdue and escalated ones, a denial). Ids follow from the fixed order.
3. For each persona (advocates of organizations A and B, contacts of agencies X and Y, the
   coordinator, an administrator, anonymous), inside a transaction rolled back afterwards so
   one persona's visits (audit rows, sessions) never show on another's pages: sign in with
   `force_login`, fetch the explicit pages (each sample request's pages under every access
   rule, the draft steps, the queue's filters and second page, a directory search, the
   statistics), then crawl the internal GET links breadth first, up to MAX_PAGES.
4. Record per page its status; for HTML the visible text (text nodes outside script and style,
   one line per block, whitespace collapsed, dates and times in ISO form, "Counted at" and
   "Figures as of" stamps dropped), the link targets (query parameters sorted) and the forms
   (action, method, each field's name, type, value, checked or selected options); for JSON
   the parsed body; for files (PDF, CSV, attachments) only the status and content type.

`diff` prints, page by page, what differs (text lines added and removed, links, forms) and
exits 1 when anything does. Text is compared word by word, so a change of markup that only
moves line breaks is not a difference.

When the visible text of a page changes on purpose, regenerate the recorded "before":
`python tests/pages_snapshot.py snapshot tests/data/pages_before.json`.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import io
import json
import os
import re
import shutil
import sys
import tempfile
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

# Monday 2 March 2026, 9:00 in Minnesota: a working day, so due dates and "today" are ordinary.
INSTANT = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)
# Pages the crawl adds to the explicit ones, per persona (a bound never reached today).
MAX_PAGES = 150
# Pages of one shape (the path with its ids as N, and the names of its query parameters) that
# the crawl follows beyond the explicit pages: the others share their template and access
# rule (a queue's 28 requests, an admin list's change forms).
MAX_PER_SHAPE = 2
# Files rendered or read for a download (drafts' PDFs, exports) fetched per shape.
MAX_DOWNLOADS_PER_SHAPE = 1
SNAPSHOT_FORMAT = 1

PERSONAS = {
    "advocate_a": "advocate@demo.example",
    "advocate_b": "advocate2@demo.example",
    "contact_x": "contact@stpaul.demo.example",
    "contact_y": "contact@minneapolis.demo.example",
    "coordinator": "coordinator@dps.demo.example",
    "admin": "admin@demo.example",
    "anonymous": None,
}
AGENCY_X = "Saint Paul Police Department"
AGENCY_Y = "Minneapolis Police Department"
NO_CONTACT_AGENCY = "Brooklyn Center Police Department"
ORG_A = "Demo Advocacy Center (fictional)"
ORG_B = "Demo Legal Aid (fictional)"

DRAFT_STEPS = ("victim", "expedite", "crime", "narrative", "consent", "attachments", "review")
# Per sample request: the pages each persona asks for, whatever the links offer.
REQUEST_PAGES = (
    "/requests/{pk}/",
    "/requests/{pk}/review/",
    "/requests/{pk}/documents/",
    "/requests/{pk}/documents/agency-answers/",
    "/requests/{pk}/respond/",
    "/requests/{pk}/withdraw/",
)
FIXED_PAGES = (
    "/",
    "/requests/",
    "/requests/?status=submitted",
    "/requests/?due=overdue",
    "/requests/?reference=UV",
    "/requests/?page=2",
    "/requests/new/",
    "/requests/queue/",
    "/requests/queue/?page=2",
    "/requests/queue/?status=all",
    "/requests/queue/?status=all&page=2",
    "/requests/queue/?status=closed",
    "/requests/queue/?status=info_requested",
    "/requests/queue/?due=overdue",
    "/requests/queue/?due=7",
    "/requests/queue/?assigned=me",
    "/requests/queue/?assigned=none",
    "/requests/queue/?form_type=T",
    "/requests/queue/?q=UV-2026",
    "/requests/statewide/",
    "/requests/statewide/?page=2",
    "/requests/statewide/?agencies=all",
    "/requests/notifications/",
    "/requests/agency-suggestions/?q=saint",
    "/directory/",
    "/directory/?q=saint",
    "/directory/?q=police&page=2",
    "/directory/health/",
    "/directory/import/",
    "/directory/merge/",
    "/directory/export.csv",
    "/statistics/",
    "/statistics/figures/",
    "/statistics/figures/export.csv",
    "/statistics/figures/annual-report.csv",
    "/people/invitations/new/",
    "/people/audit/",
    "/people/audit/export.csv",
    "/accounts/login/",
    "/admin/",
)

# Never fetched: they end the session, act, or show a new secret on every view.
SKIP = re.compile(
    r"/logout/?$|/admin/.*/delete/$|/read(-all)?$|/submit/$|/start/$|/certify/$|/deny/$"
    r"|/message/$|/assign/$|/petition-filed$|/import/apply/$|/recompute/$|/save/$"
    r"|^/people/invitations/(?!new/)|/2fa/totp/activate|/recovery-codes|/password/reset/key/"
    r"|/confirm-email/|^/admin/r/|/jsi18n/"
)
# The admin of the portal's own models, each list, add form, change form and history once;
# Django's and other packages' models, filter and pop-up variants of the lists are skipped.
ADMIN_OWN = re.compile(r"^/admin/((accounts|agencies|certifications)/.*)?$")
# Fetched for their status and content type only.
DOWNLOAD = re.compile(r"\.(pdf|csv|svg|png|zip)$|^/requests/attachments/\d+/$")


# --- Normalising text -----------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_WEEKDAY = (
    r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
    r"|Mon|Tue|Tues|Wed|Thu|Thurs|Fri|Sat|Sun)\.?,?\s+)?"
)
_ORD = r"(?:st|nd|rd|th)?"
_DIGIT = re.compile(r"\d")
_ISO_DATETIME = re.compile(
    r"\b(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}}){_ORD},?\s+(?P<year>\d{{4}})\b"
)
_DAY_MONTH_YEAR = re.compile(
    rf"\b{_WEEKDAY}(?P<day>\d{{1,2}}){_ORD}\s+{_MONTH},?\s+(?P<year>\d{{4}})\b"
)
_US_NUMERIC = re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})\b")
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+(?P<year>\d{{4}})\b")
_MONTH_DAY = re.compile(rf"\b{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}}){_ORD}\b(?!:)")
_DAY_MONTH = re.compile(rf"\b{_WEEKDAY}(?P<day>\d{{1,2}}){_ORD}\s+{_MONTH}(?=\W|$)")
_TIME_12 = re.compile(r"\b(\d{1,2})(?::(\d{2}))?(?::\d{2})?\s*([ap])\.?\s?m\b\.?", re.IGNORECASE)
_TIME_WORDS = re.compile(r"\b(noon|midnight)\b")
_TIME_24 = re.compile(r"(?<![\d:.])(\d{1,2}):(\d{2})(?::\d{2})?(?![\d:])")
_DATE_TIME_JOIN = re.compile(r"(\d{4}-\d{2}-\d{2}),?\s+(?:at\s+)?(\d{2}:\d{2})")
_TIME_ZONE = re.compile(r"(\d{2}:\d{2})\s+(?:CST|CDT|UTC|GMT|Central Time)\b")
_STAMP = re.compile(
    r"(?i)\b(counted at|counted on|computed at|computed on|figures as of|as of)\s+"
    r"(?:\d{4}-\d{2}(?:-\d{2})?)?[ ,]*(?:\d{2}:\d{2})?(?:\s+[A-Z]{2,5}\b)?"
)


def _month(name: str) -> int:
    return _MONTHS[name[:3].lower()]


@functools.cache
def normalise_dates(text: str) -> str:
    """Dates in ISO form (YYYY-MM-DD, MM-DD without a year, YYYY-MM without a day), times as
    24-hour HH:MM, so a change of date format is not a change of what the page says."""
    if not _DIGIT.search(text):
        return _TIME_WORDS.sub(lambda m: "12:00" if m[1] == "noon" else "00:00", text)
    text = _ISO_DATETIME.sub(lambda m: f"{m[1]} {m[2]}:{m[3]}", text)

    def ymd(m: re.Match) -> str:
        return f"{int(m['year']):04d}-{_month(m['mon']):02d}-{int(m['day']):02d}"

    text = _MONTH_DAY_YEAR.sub(ymd, text)
    text = _DAY_MONTH_YEAR.sub(ymd, text)
    text = _US_NUMERIC.sub(lambda m: f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}", text)
    text = _MONTH_YEAR.sub(lambda m: f"{m['year']}-{_month(m['mon']):02d}", text)
    text = _MONTH_DAY.sub(lambda m: f"{_month(m['mon']):02d}-{int(m['day']):02d}", text)
    text = _DAY_MONTH.sub(lambda m: f"{_month(m['mon']):02d}-{int(m['day']):02d}", text)

    def twelve(m: re.Match) -> str:
        hour = int(m[1]) % 12 + (12 if m[3].lower() == "p" else 0)
        return f"{hour:02d}:{m[2] or '00'}"

    text = _TIME_12.sub(twelve, text)
    text = _TIME_WORDS.sub(lambda m: "12:00" if m[1] == "noon" else "00:00", text)
    text = _TIME_24.sub(lambda m: f"{int(m[1]):02d}:{m[2]}", text)
    text = _DATE_TIME_JOIN.sub(r"\1 \2", text)
    return _TIME_ZONE.sub(r"\1", text)


@functools.cache
def normalise_text(text: str) -> str:
    text = normalise_dates(" ".join(text.split()))
    return _STAMP.sub(lambda m: f"{m[1]} <time>", text)


def normalise_url(href: str, base: str) -> str:
    """Internal links as path and sorted query (empty parameters and `page=1` dropped: they
    ask for the same page); other schemes and hosts as written."""
    href = href.strip()
    if href.startswith(("mailto:", "tel:", "javascript:")):
        return href
    parts = urlsplit(urljoin(f"http://testserver{base}", href))
    if parts.netloc != "testserver":
        return parts.geturl()
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if v and (k, v) != ("page", "1")
    )
    url = parts.path + (f"?{urlencode(query)}" if query else "")
    return url + (f"#{parts.fragment}" if parts.fragment else "")


# --- Reading a page -------------------------------------------------------------------------

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "br", "button", "caption", "dd",
    "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "label", "legend", "li",
    "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
    "th", "thead", "title", "tr", "ul",
}  # fmt: skip
SKIP_TEXT = {"script", "style", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class PageReader(HTMLParser):
    """Visible text in blocks, link targets and forms of one HTML page."""

    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.lines: list[str] = []
        self.links: set[str] = set()
        self.forms: list[dict] = []
        self._text: list[str] = []
        self._skip = 0
        self._form: dict | None = None
        self._loose = {"action": "(no form)", "method": "", "fields": []}
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    # Text
    def _flush(self) -> None:
        line = normalise_text("".join(self._text))
        if line:
            self.lines.append(line)
        self._text = []

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._option is not None:
            self._option["label"] += data
        elif self._textarea is not None:
            self._textarea["value"] += data
        else:
            self._text.append(data)

    # Tags
    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag in SKIP_TEXT:
            self._skip += 1
            return
        if tag in BLOCK_TAGS:
            self._flush()
        if tag in ("a", "area") and "href" in a:
            self.links.add(normalise_url(a["href"], self.path))
        elif tag == "form":
            action = normalise_url(a.get("action") or self.path, self.path)
            self._form = {"action": action, "method": (a.get("method") or "get").lower()}
            self._form["fields"] = []
            self.forms.append(self._form)
        elif tag == "input":
            self._input(a)
        elif tag == "button":
            if a.get("name") or a.get("formaction"):
                self._field(
                    {
                        "name": a.get("name", ""),
                        "type": f"button:{a.get('type') or 'submit'}",
                        "value": a.get("value", ""),
                        **self._formaction(a),
                    }
                )
        elif tag == "select":
            self._select = {
                "name": a.get("name", ""),
                "type": "select",
                "multiple": "multiple" in a,
                "options": [],
            }
            self._field(self._select)
        elif tag == "option" and self._select is not None:
            # An option's end tag may be omitted: the next one closes it.
            self._close_option()
            self._option = {"value": a.get("value"), "label": "", "selected": "selected" in a}
        elif tag == "textarea":
            self._textarea = {"name": a.get("name", ""), "type": "textarea", "value": ""}
            self._field(self._textarea)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TEXT:
            self._skip = max(0, self._skip - 1)
            return
        if tag in BLOCK_TAGS:
            self._flush()
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None:
            self._close_option()
        elif tag == "select" and self._select is not None:
            self._close_option()
            self._close_select()
        elif tag == "textarea" and self._textarea is not None:
            value = self._textarea["value"]
            self._textarea["value"] = normalise_dates(
                value[1:] if value.startswith("\n") else value
            )
            self._textarea = None

    def close(self) -> None:
        super().close()
        self._close_option()
        self._close_select()
        self._flush()
        if self._loose["fields"]:
            self.forms.append(self._loose)

    # Forms
    def _formaction(self, a: dict) -> dict:
        return (
            {"formaction": normalise_url(a["formaction"], self.path)} if a.get("formaction") else {}
        )

    def _field(self, field: dict) -> None:
        (self._form or self._loose)["fields"].append(field)

    def _input(self, a: dict) -> None:
        kind = (a.get("type") or "text").lower()
        name = a.get("name", "")
        if not name and kind not in ("submit", "image"):
            return
        value = a.get("value", "")
        if name == "csrfmiddlewaretoken":
            value = "<csrf token>"
        field = {"name": name, "type": kind, "value": normalise_dates(value)}
        if kind in ("checkbox", "radio"):
            field["value"] = value or "on"
            field["checked"] = "checked" in a
        self._field({**field, **self._formaction(a)})

    def _close_option(self) -> None:
        if self._option is None or self._select is None:
            self._option = None
            return
        label = normalise_text(self._option["label"])
        value = self._option["value"]
        self._select["options"].append(
            {
                "value": label if value is None else value,
                "label": label,
                "selected": self._option["selected"],
            }
        )
        self._option = None

    def _close_select(self) -> None:
        select = self._select
        if select is None:
            return
        options = select.pop("options")
        selected = [o["value"] for o in options if o["selected"]]
        if not selected and options and not select["multiple"]:
            # What a browser submits for a single select with nothing marked: the first option.
            selected = [options[0]["value"]]
        if not select["multiple"]:
            selected = selected[-1:]
        select["options"] = [[o["value"], o["label"]] for o in options]
        select["selected"] = selected
        self._select = None

    def result(self) -> dict:
        forms = [{**f, "fields": sorted(f["fields"], key=_field_key)} for f in self.forms]
        return {
            "text": self.lines,
            "links": sorted(self.links),
            "forms": sorted(forms, key=lambda f: json.dumps(f, sort_keys=True)),
        }


def _field_key(field: dict) -> str:
    return json.dumps(field, sort_keys=True)


def read_html(html: str, path: str) -> dict:
    reader = PageReader(path)
    reader.feed(html)
    reader.close()
    return reader.result()


# --- snapshot -------------------------------------------------------------------------------


def _prepare_environment(var_dir: Path) -> None:
    root = Path.cwd()
    sys.path.insert(0, str(root))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "uvisa_portal.settings",
            "VAR_DIR": str(var_dir),
            "DEBUG": "1",
            "SECRET_KEY": "pages-snapshot-only-not-a-secret-0123456789abcdefghijklmnop",
            "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
            "CELERY_BROKER_URL": "memory://",
            "CELERY_RESULT_BACKEND": "cache+memory://",
            "CACHE_URL": "locmemcache://",
            "STATIC_MANIFEST": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "MEDIA_ROOT": str(var_dir / "media"),
            "STATIC_ROOT": str(var_dir / "static"),
            "SITE_URL": "http://testserver",
            # The test client's host. Django's test environment (which would allow it) is not
            # set up: it keeps a copy of the context of every template rendered.
            "ALLOWED_HOSTS": "testserver",
        }
    )


def _setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _post(client, path: str, data: dict) -> None:
    response = client.post(path, data)
    if response.status_code not in (200, 302):
        raise RuntimeError(f"POST {path} answered {response.status_code}")
    if response.status_code == 200:
        raise RuntimeError(f"POST {path} was refused: {read_html(response.text, path)['text']}")


def _load_data() -> None:
    """The demo directory, accounts and requests, then more requests at fixed past instants."""
    import time_machine
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import Organization, User
    from agencies.models import Agency, County
    from certifications.choices import Crime, FormType, Gender, Status
    from certifications.models import CertificationRequest
    from tests.factories import make_request, make_submitted_request
    from uvisa_portal.celery import app

    for command in ("load_minnesota_directory", "load_demo_accounts", "load_demo_requests"):
        call_command(command, stdout=io.StringIO())
    org_a = Organization.objects.get(name=ORG_A)
    org_b = Organization.objects.get(name=ORG_B)
    advocate_a = User.objects.get(email=PERSONAS["advocate_a"])
    advocate_b = User.objects.get(email=PERSONAS["advocate_b"])
    contact_x = User.objects.get(email=PERSONAS["contact_x"])
    contact_y = User.objects.get(email=PERSONAS["contact_y"])
    agency_x = Agency.objects.get(name=AGENCY_X)
    agency_y = Agency.objects.get(name=AGENCY_Y)
    family = ["Alvarez", "Bah", "Chen", "Diallo", "Espinoza", "Farah", "García", "Hassan"]
    statuses = [None, Status.IN_REVIEW, Status.INFO_REQUESTED]
    # Agency Y's queue: 28 requests from organization B over six weeks, two pages of 25.
    for n in range(28):
        submitted = INSTANT - datetime.timedelta(days=1 + n * 3 // 2, hours=n % 5)
        with time_machine.travel(submitted, tick=False):
            make_submitted_request(
                organization=org_b,
                created_by=advocate_b,
                agency=agency_y,
                submitted_at=submitted,
                status=statuses[n % 3],
                actor=contact_y,
                form_type=FormType.T if n % 7 == 3 else FormType.U,
                in_removal_proceedings=n % 6 == 1,
                victim_family_name=family[n % len(family)],
                victim_given_name=f"Demo {n}",
                crimes=[] if n % 7 == 3 else [Crime.DOMESTIC_VIOLENCE.value],
                case_number=f"MPD-DEMO-{2000 + n}",
                requested_agency=agency_y,
            )
    # Agency X: a few more from organization A, one long overdue.
    for n, days in enumerate((10, 45, 130)):
        submitted = INSTANT - datetime.timedelta(days=days)
        with time_machine.travel(submitted, tick=False):
            make_submitted_request(
                organization=org_a,
                created_by=advocate_a,
                agency=agency_x,
                submitted_at=submitted,
                status=Status.IN_REVIEW if n else None,
                actor=contact_x,
                victim_family_name=family[n + 3],
                victim_given_name=f"Demo X{n}",
                case_number=f"SP-DEMO-{3000 + n}",
                requested_agency=agency_x,
            )
    with time_machine.travel(INSTANT - datetime.timedelta(days=1), tick=False):
        # Two drafts of organization B, one with the agency chosen.
        make_request(organization=org_b, created_by=advocate_b, victim_family_name="Ibrahim")
        make_request(
            organization=org_b,
            created_by=advocate_b,
            victim_family_name="Jiménez",
            requested_agency=agency_y,
            case_number="MPD-DEMO-3100",
        )
        # Submitted through the portal's own form: a named agency with no contact keeps the
        # request, escalated to the statewide coordinator at once.
        routed = make_request(
            organization=org_a,
            created_by=advocate_a,
            victim_family_name="Kone",
            requested_agency=Agency.objects.get(name=NO_CONTACT_AGENCY),
            case_number="BC-DEMO-4000",
            victim_gender=Gender.FEMALE,
            crime_county=County.objects.get(name="Hennepin"),
        )
        client = Client()
        client.force_login(advocate_a)
        _post(client, f"/requests/{routed.pk}/submit/", {})
        # A denial by agency Y, through its review page's forms.
        denied = (
            CertificationRequest.objects.filter(organization=org_b, status=Status.SUBMITTED)
            .order_by("pk")
            .first()
        )
        client = Client()
        client.force_login(contact_y)
        _post(client, f"/requests/{denied.pk}/review/start/", {})
        _post(
            client,
            f"/requests/{denied.pk}/review/deny/",
            {
                "reason": "other",
                "explanation": "No report of the crime was found.",
                "no_charge_basis": "on",
                # One of agency Y's designated officials signs (8 CFR 214.14(a)(3)).
                "signer": contact_y.point_of_contact.pk,
            },
        )
    # The morning sweep escalates what is overdue; beat's statistics snapshot is computed.
    app.loader.import_default_modules()
    app.tasks["certifications.tasks.requests_escalate_overdue"].apply(throw=True)
    app.tasks["certifications.tasks.statistics_snapshot_refresh"].apply(throw=True)


def _sample_requests() -> list[int]:
    """The requests whose pages every persona asks for: the first of each status, escalated
    or not, and the first at each agency (drafts apart: their steps are asked for)."""
    from certifications.choices import Status
    from certifications.models import CertificationRequest

    chosen: dict[tuple, int] = {}
    rows = (
        CertificationRequest.objects.exclude(status=Status.DRAFT)
        .order_by("pk")
        .values_list("pk", "status", "agency_id", "escalated_at")
    )
    for pk, status, agency, escalated in rows:
        chosen.setdefault((status, escalated is None), pk)
        chosen.setdefault(("agency", agency), pk)
    return sorted(set(chosen.values()))


def _explicit_pages() -> list[str]:
    from certifications.choices import Status
    from certifications.models import CertificationRequest

    pages = list(FIXED_PAGES)
    for pk in _sample_requests():
        pages += [p.format(pk=pk) for p in REQUEST_PAGES]
    drafts = CertificationRequest.objects.filter(status=Status.DRAFT).order_by("pk")
    organizations = set()
    for pk, organization in drafts.values_list("pk", "organization_id"):
        # Every step of each organization's first draft; the first and last of the others.
        steps = DRAFT_STEPS if organization not in organizations else DRAFT_STEPS[::6]
        organizations.add(organization)
        pages += [f"/requests/{pk}/", f"/requests/{pk}/delete/"]
        pages += [f"/requests/{pk}/edit/{step}/" for step in steps]
    return pages


def _record(response, path: str) -> tuple[dict, list[str]]:
    """What the page shows and the links to follow from it."""
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    entry: dict = {"status": response.status_code}
    if content_type:
        entry["content_type"] = content_type
    if response.status_code in (301, 302, 303, 307, 308):
        location = normalise_url(response["Location"], path)
        entry["location"] = location
        return entry, [location]
    if response.status_code != 200 or DOWNLOAD.search(urlsplit(path).path):
        return entry, []
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type == "application/json":
        entry["json"] = json.loads(body)
        return entry, []
    if content_type != "text/html":
        return entry, []
    page = read_html(body.decode(response.charset or "utf-8"), path)
    entry.update(page)
    return entry, page["links"]


def shape(url: str) -> str:
    """`/requests/12/?act=deny` -> `/requests/N/?act`; `/requests/12/documents/x.pdf` ->
    `/requests/N/documents/*.pdf`."""
    parts = urlsplit(url)
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    # A request's drafts (Supplement B, cover letter) are rendered alike: one stands for all.
    path = re.sub(r"[^/]+\.pdf$", "*.pdf", re.sub(r"\d+", "N", parts.path))
    return path + (f"?{'&'.join(keys)}" if keys else "")


def _follow(url: str, seen: set[str], shapes: dict[str, int]) -> bool:
    if not url.startswith("/") or url in seen:
        return False
    path = urlsplit(url).path
    if path.startswith(("/static/", "/media/")) or SKIP.search(path):
        return False
    admin = path.startswith("/admin/")
    if admin and (urlsplit(url).query or not ADMIN_OWN.match(path) or "/password/" in path):
        return False
    key = shape(url)
    limit = MAX_DOWNLOADS_PER_SHAPE if DOWNLOAD.search(path) else MAX_PER_SHAPE
    limit = 1 if admin else limit
    if shapes.get(key, 0) >= limit:
        return False
    shapes[key] = shapes.get(key, 0) + 1
    return True


def _crawl(client, explicit: list[str]) -> dict[str, dict]:
    pages: dict[str, dict] = {}
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    queue: deque[str] = deque()
    for url in explicit:
        url = normalise_url(url, "/")
        if url not in seen:
            seen.add(url)
            queue.append(url)
    while queue and len(pages) < MAX_PAGES + len(explicit):
        url = queue.popleft()
        # A fragment names a place on a page already fetched.
        url = url.split("#")[0]
        if url in pages:
            continue
        response = client.get(url)
        pages[url], links = _record(response, url)
        for link in sorted({link.split("#")[0] for link in links}):
            if _follow(link, seen, shapes):
                seen.add(link)
                queue.append(link)
    return pages


def snapshot(out: Path) -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="pages-snapshot-"))
    try:
        _prepare_environment(var_dir)
        import time_machine

        with time_machine.travel(INSTANT, tick=False):
            _setup_django()
            from django.core.cache import cache
            from django.db import transaction
            from django.test import Client, override_settings

            from accounts.models import User

            # The demo accounts' passwords are not under comparison: a cheap hasher.
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
            ):
                _load_data()
            explicit = _explicit_pages()
            result: dict[str, dict] = {}
            # Pages as production serves them (DEBUG off: the portal's own error pages).
            with override_settings(DEBUG=False):
                for persona, email in PERSONAS.items():
                    cache.clear()
                    with transaction.atomic():
                        client = Client(raise_request_exception=False)
                        if email:
                            client.force_login(User.objects.get(email=email))
                        result[persona] = _crawl(client, explicit)
                        transaction.set_rollback(True)
        data = {"format": SNAPSHOT_FORMAT, "instant": INSTANT.isoformat(), "pages": result}
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(dump(data) + "\n")
        counts = ", ".join(f"{p} {len(v)}" for p, v in result.items())
        print(f"{out}: pages per persona: {counts}")
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def dump(value, indent: str = "") -> str:
    """JSON with sorted keys, one line per text line, link and form field, so a regenerated
    snapshot reads as a short diff in review."""
    if isinstance(value, dict) and not {"name", "type"} <= value.keys():
        inner = indent + " "
        items = [f"{inner}{json.dumps(k)}: {dump(value[k], inner)}" for k in sorted(value)]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}" if items else "{}"
    if isinstance(value, list) and value and isinstance(value[0], dict | list | str):
        inner = indent + " "
        items = [f"{inner}{dump(v, inner)}" for v in value]
        return "[\n" + ",\n".join(items) + f"\n{indent}]"
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# --- diff -----------------------------------------------------------------------------------


def _words(lines: list[str]) -> list[str]:
    return " ".join(lines).split()


def _text(page: dict) -> list[str]:
    """The page's text normalised again, so a record made before the normaliser learnt a date
    format compares equal to one made after."""
    return [normalise_text(line) for line in page.get("text", [])]


def _form_label(form: dict) -> str:
    return f"{form['method'].upper()} {form['action']}"


def diff_page(before: dict, after: dict) -> list[str]:
    """What differs on one page, as lines to print (empty when nothing does)."""
    out: list[str] = []
    for key in ("status", "content_type", "location"):
        if before.get(key) != after.get(key):
            out.append(f"  {key}: {before.get(key)!r} -> {after.get(key)!r}")
    if before.get("json") != after.get("json"):
        out.append(f"  json: {before.get('json')!r} -> {after.get('json')!r}")
    old_text, new_text = _text(before), _text(after)
    if _words(old_text) != _words(new_text):
        for line in difflib.unified_diff(old_text, new_text, lineterm="", n=1):
            if not line.startswith(("---", "+++")):
                out.append(f"  text {line}")
    old_links, new_links = set(before.get("links", [])), set(after.get("links", []))
    out += [f"  link - {link}" for link in sorted(old_links - new_links)]
    out += [f"  link + {link}" for link in sorted(new_links - old_links)]
    old_forms = [json.dumps(f, sort_keys=True) for f in before.get("forms", [])]
    new_forms = [json.dumps(f, sort_keys=True) for f in after.get("forms", [])]
    if old_forms != new_forms:
        out += _diff_forms(before.get("forms", []), after.get("forms", []))
    return out


def _field_id(field: dict, seen: dict) -> tuple:
    """Fields matched across snapshots by name and type (and value, for a checkbox or radio
    button); a repeated name by its rank."""
    key = (field["name"], field["type"])
    if field["type"] in ("checkbox", "radio"):
        key += (field["value"],)
    seen[key] = seen.get(key, 0) + 1
    return (*key, seen[key])


def _diff_fields(label: str, old: list[dict], new: list[dict]) -> list[str]:
    seen_old: dict = {}
    seen_new: dict = {}
    a = {_field_id(f, seen_old): f for f in old}
    b = {_field_id(f, seen_new): f for f in new}
    out: list[str] = []
    for key in sorted(a.keys() | b.keys(), key=repr):
        name = f"{key[0] or '(unnamed)'} ({key[1]})"
        if key not in b:
            out.append(f"  form {label} field - {name}: {json.dumps(a[key], ensure_ascii=False)}")
        elif key not in a:
            out.append(f"  form {label} field + {name}: {json.dumps(b[key], ensure_ascii=False)}")
        else:
            for attr in sorted(a[key].keys() | b[key].keys()):
                if a[key].get(attr) != b[key].get(attr):
                    change = f"{a[key].get(attr)!r} -> {b[key].get(attr)!r}"
                    out.append(f"  form {label} field {name} {attr}: {change}")
    return out


def _diff_forms(old: list[dict], new: list[dict]) -> list[str]:
    out: list[str] = []
    old_by: dict[str, list[dict]] = {}
    for form in old:
        old_by.setdefault(_form_label(form), []).append(form)
    new_by: dict[str, list[dict]] = {}
    for form in new:
        new_by.setdefault(_form_label(form), []).append(form)
    for label in sorted(old_by.keys() | new_by.keys()):
        a, b = old_by.get(label, []), new_by.get(label, [])
        if len(a) != len(b):
            out.append(f"  form {label}: {len(a)} -> {len(b)} forms")
        for fa, fb in zip(a, b, strict=False):
            out += _diff_fields(label, fa["fields"], fb["fields"])
    return out


def diff_snapshots(before: dict, after: dict) -> list[str]:
    """Every difference between two snapshots, persona by persona and page by page."""
    out: list[str] = []
    old_pages, new_pages = before["pages"], after["pages"]
    for persona in sorted(old_pages.keys() | new_pages.keys()):
        a, b = old_pages.get(persona, {}), new_pages.get(persona, {})
        for path in sorted(a.keys() | b.keys()):
            if path not in b:
                out.append(f"{persona} {path}: only before (status {a[path]['status']})")
            elif path not in a:
                out.append(f"{persona} {path}: only after (status {b[path]['status']})")
            else:
                lines = diff_page(a[path], b[path])
                if lines:
                    out.append(f"{persona} {path}:")
                    out += lines
    return out


def _load(path: str) -> dict:
    return json.loads(Path(path).read_text())


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "snapshot":
        snapshot(Path(argv[1]).resolve())
        return 0
    if len(argv) == 3 and argv[0] == "diff":
        lines = diff_snapshots(_load(argv[1]), _load(argv[2]))
        print("\n".join(lines) if lines else "No differences.")
        return 1 if lines else 0
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
