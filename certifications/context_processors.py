"""The bell's unread count, computed lazily (only on pages that show it) and kept in the session
for up to NOTIFICATIONS_BADGE_MAX_AGE_SECONDS, so moving from page to page costs no query."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .services.notifications import notifications_unread_count

# [count, when it was counted (seconds since the epoch)]; a count, never a notification's text.
UNREAD_SESSION_KEY = "portal_unread_notifications"


def unread_count_forget(request: HttpRequest) -> None:
    """Count again on the next page: the user just read notifications, or opened the list."""
    request.session.pop(UNREAD_SESSION_KEY, None)


def notifications(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        now = time.time()
        kept = request.session.get(UNREAD_SESSION_KEY)
        # A badge that is a minute late is harmless (reminders come days ahead), and the
        # session is saved on every request anyway (SESSION_SAVE_EVERY_REQUEST): no count
        # query on every page.
        if kept and 0 <= now - kept[1] < settings.NOTIFICATIONS_BADGE_MAX_AGE_SECONDS:
            return kept[0]
        value = notifications_unread_count(user=user)
        request.session[UNREAD_SESSION_KEY] = [value, now]
        return value

    return {"unread_notifications": SimpleLazyObject(count)}
