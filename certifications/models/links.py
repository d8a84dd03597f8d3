"""Links between requests: one mechanism for every request that follows from another.

A re-certification, a reconsideration, a request to another certifier, the requests of one
family (several victims of one incident at one agency) and the same incident sent to another
agency are each a request of their own (its own data, clock, access and decision: 8 CFR
214.14(c)(2)(i) counts the six months from each signature, Minn. Stat. 611A.95 subd. 2 the
days from each request), tied to the request it follows from by one `RequestLink` row that
names the kind of tie. A link holds no victim data: ids, a kind, a reason from a closed list.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .requests import CertificationRequest


class LinkKind(models.TextChoices):
    # A new signature on the facts of a certified request (DHS U and T Visa Law Enforcement
    # Resource Guide: an agency may sign a new Supplement B at any time).
    RECERTIFICATION = "recertification", _("Re-certification")
    # The same agency asked again after a denial, with new information.
    RECONSIDERATION = "reconsideration", _("Reconsideration")
    # The same facts to another certifying agency (prosecutor, court...): 8 CFR 214.14(a)(2).
    ANOTHER_CERTIFIER = "another_certifier", _("Another certifier")
    # Several victims of one incident at one agency, reviewed together, decided one by one.
    FAMILY = "family", _("Same incident, another victim")
    # The same incident sent to another agency as well.
    OTHER_AGENCY = "other_agency", _("Same incident at another agency")


class RecertificationReason(models.TextChoices):
    """Why the advocate asks for a new signature (8 CFR 214.14(c)(2)(i): the petition must be
    filed within six months of the signature)."""

    WINDOW_EXPIRED = "window_expired", _("The six months passed before the petition was filed")
    USCIS_REQUEST = "uscis_request", _("USCIS asked for a new form")
    CORRECTION = "correction", _("Something the signed form states must be corrected")
    ADDED_CRIME = "added_crime", _("A crime is to be added")
    T_DECLARATION = "t_declaration", _("A T-visa declaration (I-914 Supp. B) on the same facts")


class RequestLinkQuerySet(models.QuerySet):
    def touching(self, request_id: int) -> RequestLinkQuerySet:
        """The links from or to the request."""
        return self.filter(Q(earlier_id=request_id) | Q(later_id=request_id))


class RequestLink(models.Model):
    """`later` follows from `earlier` with this `kind`. For a family the earlier request is
    the group's first one: every member links to it, so a group is one request and the
    requests linked to it by FAMILY."""

    earlier = models.ForeignKey(
        CertificationRequest, on_delete=models.CASCADE, related_name="links_to_later"
    )
    later = models.ForeignKey(
        CertificationRequest, on_delete=models.CASCADE, related_name="links_to_earlier"
    )
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    reason = models.CharField(
        max_length=20, choices=RecertificationReason.choices, blank=True, default=""
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = RequestLinkQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["earlier", "later"], name="link_once"),
            models.CheckConstraint(condition=~Q(earlier=F("later")), name="link_not_to_itself"),
            models.CheckConstraint(
                condition=Q(kind="recertification") | Q(reason=""),
                name="link_reason_only_for_recertification",
            ),
        ]
        indexes = [models.Index(fields=["later", "kind"], name="link_later_kind")]

    def __str__(self) -> str:
        return f"{self.kind} link #{self.pk}"
