"""Writes for accounts: the audit trail, sessions, the second factor's attempt limit, role
changes, approvals, second-factor reset."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mass_mail
from django.db import transaction
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .approvals import account_pending_get_for_approver, approvers_of
from .models import APPROVAL_REQUIRED_ROLES, AuditAction, AuditEntry, SessionRecord, User
from .permissions import administrator_access_set
from .security import client_ip

# No one changes their own role, organization or access (CJIS 5.5.2.1; ASVS 4.1.3 least
# privilege): with these an administrator could make themselves an advocate and read requests.
SELF_PROTECTED_FIELDS = frozenset(
    {
        "role",
        "organization",
        "is_organization_lead",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
    }
)
# Only a superuser (a break-glass account created on the server) changes these. The admin site
# flag and the group follow the role (accounts/permissions.py). The sign-in address is here
# because the password reset goes to it: whoever changes it can take the account over.
SUPERUSER_ONLY_FIELDS = frozenset(
    {"is_staff", "is_superuser", "groups", "user_permissions", "email", "password"}
)


def audit_log(
    *,
    action: AuditAction | str,
    user: User | None = None,
    request: HttpRequest | None = None,
    target: str = "",
    detail: str = "",
    outcome: str = "",
) -> AuditEntry:
    """Append one audit entry. `target` and `detail` must not contain victim data."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    return AuditEntry.objects.create(
        user=user if user is not None and user.pk else None,
        user_label=(user.email if user is not None else ""),
        action=action,
        target=target[:120],
        detail=detail[:500],
        outcome=str(outcome)[:40],
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
    )


def user_sessions_end(*, user: User) -> None:
    """End every session of `user`, on every device (CJIS 5.5.6; ASVS 3.3.1)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    records = SessionRecord.objects.filter(user_id=user.pk)
    for key in records.values_list("session_key", flat=True):
        store().delete(key)
    records.delete()


def session_record(*, user: User, request: HttpRequest) -> None:
    """Remember that this session belongs to `user` (called at sign-in)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    SessionRecord.objects.update_or_create(
        session_key=session.session_key, defaults={"user_id": user.pk}
    )


def user_language_set(*, user: User, language: str) -> None:
    """Remember the language chosen with the selector on the account (empty: the browser's)."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValueError(f"Not one of the portal's languages: {language!r}")
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


def user_deactivate(*, user: User, actor: User | None, request: HttpRequest | None = None) -> User:
    """Deactivate an account and end all its sessions; audited."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    user_sessions_end(user=user)
    audit_log(
        action=AuditAction.USER_CHANGE,
        user=actor,
        request=request,
        target=f"accounts.user:{user.pk}",
        detail="deactivated; all sessions ended",
    )
    return user


def _mfa_failures_key(user: User) -> str:
    return f"portal-mfa-code-failures:{user.pk}"


def mfa_code_failed(*, request: HttpRequest, user: User, reauthentication: bool) -> bool:
    """Record one wrong second-factor code; True when the attempt must end.

    OWASP ASVS 2.8.x / CJIS 5.5.3: a code of 6 digits only resists guessing with a limit.
    1. Audit the wrong code (ids and address only).
    2. Count it per account, in the shared cache, until a code is accepted: typing the
       password again after a few wrong codes starts a new attempt but not a new count, and
       several attempts open in parallel share it.
    3. At MFA_CODE_ATTEMPTS: forget the count, audit the ended attempt and report one failed
       sign-in to django-axes, so the account's lockout counts it like a wrong password.
    """
    target = f"accounts.user:{user.pk}"
    detail = "re-authentication" if reauthentication else "sign-in"
    audit_log(
        action=AuditAction.MFA_FAILED, user=user, request=request, target=target, detail=detail
    )
    key = _mfa_failures_key(user)
    timeout = int(settings.AXES_COOLOFF_TIME.total_seconds())
    cache.add(key, 0, timeout=timeout)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        failures = 1
    if failures < settings.MFA_CODE_ATTEMPTS:
        return False
    cache.delete(key)
    audit_log(
        action=AuditAction.MFA_LOCKOUT,
        user=user,
        request=request,
        target=target,
        detail=f"{detail}: {failures} wrong codes",
    )
    AxesProxyHandler.user_login_failed(
        sender=mfa_code_failed, credentials={"email": user.email}, request=request
    )
    return True


def mfa_code_failures_clear(*, user: User) -> None:
    """A code was accepted: the count of wrong ones starts again."""
    cache.delete(_mfa_failures_key(user))


def mfa_signin_locked(*, request: HttpRequest, user: User) -> bool:
    """Whether django-axes holds this account locked for this client, so that sign-in
    attempts opened before the lock cannot go on guessing codes."""
    return not AxesProxyHandler.is_allowed(request, credentials={"email": user.email})


def user_change_check(*, actor: User, user: User, changed: Iterable[str]) -> None:
    """Refuse (403) a change `actor` may not make to `user`, whatever form it came from."""
    changed = set(changed)
    if actor.pk == user.pk and changed & SELF_PROTECTED_FIELDS:
        raise PermissionDenied(
            _("You cannot change your own role, organization or access: ask another administrator.")
        )
    if not actor.is_superuser and changed & SUPERUSER_ONLY_FIELDS:
        raise PermissionDenied(_("Only the portal's operators can change sign-in or access flags."))


def _org_label(organization_id: int | None) -> str:
    return f"accounts.organization:{organization_id}" if organization_id else "none"


def user_save_by_admin(
    *,
    actor: User,
    user: User,
    changed: Iterable[str],
    request: HttpRequest | None = None,
) -> User:
    """Save `user` as edited by `actor` in the admin.

    1. Refuse what `actor` may not change (`user_change_check`).
    2. A change of role or organization makes the account wait for approval again (for the
       roles that see victim data) and writes ROLE_CHANGE; the admin site access follows the
       role. A change of the lead flag writes ROLE_CHANGE too.
    3. Deactivation ends every session at once (CJIS 5.5.6).
    """
    changed = set(changed)
    user_change_check(actor=actor, user=user, changed=changed)
    previous = User.objects.filter(pk=user.pk).values("role", "organization_id").first()
    with transaction.atomic():
        user.save()
        if previous and {"role", "organization"} & changed:
            user_role_changed(
                user=user,
                actor=actor,
                previous_role=previous["role"],
                previous_organization_id=previous["organization_id"],
                request=request,
            )
        if "is_organization_lead" in changed:
            audit_log(
                action=AuditAction.ROLE_CHANGE,
                user=actor,
                request=request,
                target=f"accounts.user:{user.pk}",
                detail=f"organization lead: {'yes' if user.is_organization_lead else 'no'}",
            )
    if "is_active" in changed and not user.is_active:
        user_sessions_end(user=user)
    return user


def user_role_changed(
    *,
    user: User,
    actor: User | None,
    previous_role: str,
    previous_organization_id: int | None,
    request: HttpRequest | None = None,
) -> None:
    """After a change of `user`'s role or organization (saved already): audit it, put the
    account back to waiting for approval, and make the admin site access follow the role."""
    if previous_role == user.role and previous_organization_id == user.organization_id:
        return
    waits = user.role in APPROVAL_REQUIRED_ROLES
    if waits:
        User.objects.filter(pk=user.pk).update(approved_at=None, approved_by=None)
        user.approved_at = user.approved_by = None
    administrator_access_set(user=user)
    # Ids and role names only: never a name or anything of a request.
    audit_log(
        action=AuditAction.ROLE_CHANGE,
        user=actor,
        request=request,
        target=f"accounts.user:{user.pk}",
        detail=(
            f"role {previous_role} -> {user.role}; organization "
            f"{_org_label(previous_organization_id)} -> {_org_label(user.organization_id)}"
            + ("; waits for approval" if waits else "")
        ),
    )
    if waits:
        # Whatever the account could see in its old role ends with its sessions.
        user_sessions_end(user=user)
        transaction.on_commit(lambda: account_approval_notify(user=user))


def account_approval_reset(
    *, user: User, actor: User | None, reason: str, request: HttpRequest | None = None
) -> None:
    """The account now acts for another agency (its directory entry changed): it waits for
    that agency's approver. Audited as ROLE_CHANGE; its sessions end."""
    if user.role not in APPROVAL_REQUIRED_ROLES:
        return
    User.objects.filter(pk=user.pk).update(approved_at=None, approved_by=None)
    user.approved_at = user.approved_by = None
    audit_log(
        action=AuditAction.ROLE_CHANGE,
        user=actor,
        request=request,
        target=f"accounts.user:{user.pk}",
        detail=f"{reason}; waits for approval"[:500],
    )
    user_sessions_end(user=user)
    transaction.on_commit(lambda: account_approval_notify(user=user))


def account_approval_notify(*, user: User) -> int:
    """E-mail each approver of `user` (one message each, so no one sees the others' addresses)
    that an account waits: the role and a link to the approvals page; no victim data, no name."""
    if user.is_approved:
        return 0
    link = settings.SITE_URL + reverse("accounts:approval_list")
    body = (
        f"An account ({user.get_role_display().lower()}) is waiting for your approval on the "
        f"Minnesota U/T visa certification portal. Approve or refuse it here:\n{link}\n"
    )
    subject = "An account is waiting for your approval"
    messages = [
        (subject, body, None, [email])
        for email in approvers_of(user=user).values_list("email", flat=True)
    ]
    return send_mass_mail(messages) if messages else 0


def account_approve(*, approver: User, pk: int, request: HttpRequest | None = None) -> User:
    """Approve a pending account `approver` may decide (404 otherwise). Claimed with a
    conditional update, so a second approver's click changes nothing."""
    user = account_pending_get_for_approver(approver=approver, pk=pk)
    if user is None:
        raise Http404(_("No such account waiting for you."))
    now = timezone.now()
    with transaction.atomic():
        claimed = User.objects.filter(pk=user.pk, approved_at__isnull=True).update(
            approved_at=now, approved_by=approver
        )
        if claimed:
            audit_log(
                action=AuditAction.ACCOUNT_APPROVAL,
                user=approver,
                request=request,
                target=f"accounts.user:{user.pk}",
                detail=f"approved as {user.role}",
                outcome="approved",
            )
    return user


def account_refuse(*, approver: User, pk: int, request: HttpRequest | None = None) -> User:
    """Refuse a pending account: it is deactivated and its sessions end (an administrator
    may correct it, and it waits again)."""
    user = account_pending_get_for_approver(approver=approver, pk=pk)
    if user is None:
        raise Http404(_("No such account waiting for you."))
    with transaction.atomic():
        User.objects.filter(pk=user.pk, approved_at__isnull=True).update(is_active=False)
        audit_log(
            action=AuditAction.ACCOUNT_APPROVAL,
            user=approver,
            request=request,
            target=f"accounts.user:{user.pk}",
            detail=f"refused as {user.role}; account deactivated",
            outcome="refused",
        )
    user_sessions_end(user=user)
    return user


def account_approve_by_operator(*, user: User) -> bool:
    """Approve from the server (`manage.py approve_account`): for the first statewide
    coordinator, whom no one in the portal can approve. Audited; True when it changed."""
    claimed = User.objects.filter(pk=user.pk, approved_at__isnull=True).update(
        approved_at=timezone.now()
    )
    if claimed:
        audit_log(
            action=AuditAction.ACCOUNT_APPROVAL,
            user=None,
            target=f"accounts.user:{user.pk}",
            detail=f"approved as {user.role} by the operators (manage.py approve_account)",
            outcome="approved",
        )
    return bool(claimed)


def user_mfa_reset(*, user: User, actor: User, request: HttpRequest | None = None) -> None:
    """Delete every authenticator of `user` (TOTP, recovery codes, security keys) and end
    their sessions: at the next sign-in they must enrol again (RequireMFAMiddleware). Nobody
    reads or sets a secret here (CJIS 5.6.2.2; ASVS 2.8)."""
    from allauth.mfa.models import Authenticator

    with transaction.atomic():
        deleted = Authenticator.objects.filter(user_id=user.pk).delete()[0]
        audit_log(
            action=AuditAction.MFA_RESET,
            user=actor,
            request=request,
            target=f"accounts.user:{user.pk}",
            detail=f"{deleted} authenticator(s) deleted; sessions ended",
        )
    user_sessions_end(user=user)
