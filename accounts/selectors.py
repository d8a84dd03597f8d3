"""Reads of accounts: the audit trail search."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from .models import AuditEntry


def audit_entries_search(
    *,
    q: str = "",
    action: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    if q:
        entries = entries.filter(Q(user_label__icontains=q) | Q(target__icontains=q))
    if action:
        entries = entries.filter(action=action)
    if date_from:
        entries = entries.filter(created_at__date__gte=date_from)
    if date_to:
        entries = entries.filter(created_at__date__lte=date_to)
    return entries.order_by("-created_at", "-id")
