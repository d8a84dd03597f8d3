"""Identity: users and their role, advocates' organizations, and the append-only audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADVOCATE = "advocate", _("Advocate")
    AGENCY_CONTACT = "agency_contact", _("Agency point of contact")
    COORDINATOR = "coordinator", _("Statewide coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")


# Every role signs in with a second factor: contacts and the coordinator handle
# criminal-justice information (FBI CJIS Security Policy 5.6.2.2, IA-2), and advocates see the
# most victim data of all (OWASP ASVS 2.x, level 2).
MFA_REQUIRED_ROLES = frozenset(Role)

# Roles that see victim data: an account of one of these roles (new, re-roled or moved to
# another organization or agency) is active for it only once someone other than the
# administrator who set it up approves (two-person rule, CJIS 5.5.2.1 least privilege and
# 5.5.1 account management; see accounts/approvals.py for who approves whom).
APPROVAL_REQUIRED_ROLES = frozenset({Role.ADVOCATE, Role.AGENCY_CONTACT, Role.COORDINATOR})


class OrganizationKind(models.TextChoices):
    DV_SA_PROGRAM = "dv_sa", _("Domestic-violence / sexual-assault program")
    LEGAL_AID = "legal_aid", _("Legal aid")
    IMMIGRANT_RIGHTS = "immigrant_rights", _("Immigrant-rights organization")
    OTHER = "other", _("Other")


class Organization(models.Model):
    """A nonprofit whose advocates file requests; they see only their organization's requests."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=OrganizationKind.choices)
    address = models.TextField(blank=True, help_text=_("Return address printed on cover letters."))
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.ADMINISTRATOR)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in. The e-mail address is the login; the role decides what they see.

    Advocates belong to one organization. Agency contacts and the statewide coordinator are
    linked from `agencies.PointOfContact.user`.
    """

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ADVOCATE)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="advocates",
    )
    is_organization_lead = models.BooleanField(
        _("organization lead"),
        default=False,
        help_text=_("Approves the accounts of the organization's advocates."),
    )
    # The role (and organization or agency) this account has was approved by another person;
    # empty while it waits. Reset by every change of role, organization or agency.
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    # The language chosen with the selector while signed in; empty: the browser's.
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, blank=True, default="", editable=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    objects = UserManager()

    class Meta:
        ordering = ["full_name"]
        constraints = [
            # An advocate without an organization could see nothing and file nothing.
            models.CheckConstraint(
                condition=~Q(role=Role.ADVOCATE) | Q(organization__isnull=False),
                name="advocate_has_organization",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        if self.role == Role.ADVOCATE and self.organization_id is None:
            raise ValidationError({"organization": "An advocate must belong to an organization."})

    @property
    def is_approved(self) -> bool:
        """The account may act in its role: approved, or of a role that sees no victim data.

        The one place an unapproved account is treated as not having its role: the role
        properties below and certifications/access.py ask this."""
        return self.approved_at is not None or self.role not in APPROVAL_REQUIRED_ROLES

    @property
    def has_role(self) -> bool:
        return self.is_active and self.is_approved

    @property
    def is_advocate(self) -> bool:
        return self.has_role and self.role == Role.ADVOCATE

    @property
    def is_organization_lead_active(self) -> bool:
        return self.is_advocate and self.is_organization_lead

    @property
    def is_agency_contact(self) -> bool:
        return self.has_role and self.role == Role.AGENCY_CONTACT

    @property
    def is_coordinator(self) -> bool:
        return self.has_role and self.role == Role.COORDINATOR

    @property
    def is_administrator(self) -> bool:
        # The role, not the superuser flag: administrators are staff with the administrators'
        # group (accounts/permissions.py); a superuser is a break-glass account from the shell.
        return self.is_active and self.role == Role.ADMINISTRATOR

    @property
    def requires_mfa(self) -> bool:
        return self.role in MFA_REQUIRED_ROLES or self.is_superuser


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Signed out")
    REQUEST_VIEW = "request_view", _("Viewed a request")
    ATTACHMENT_DOWNLOAD = "attachment_download", _("Downloaded an attachment")
    DOCUMENT_DOWNLOAD = "document_download", _("Downloaded a draft document")
    EXPORT = "export", _("Exported data")
    STATUS_CHANGE = "status_change", _("Changed a request's status")
    REQUEST_EDIT = "request_edit", _("Edited a request")
    DIRECTORY_CHANGE = "directory_change", _("Changed the directory")
    USER_CHANGE = "user_change", _("Changed a user account")
    PURGE = "purge", _("Purged victim data")
    STATISTICS_RECOMPUTE = "statistics_recompute", _("Recomputed the statistics")
    LIST_VIEW = "list_view", _("Viewed a list of requests")
    VICTIM_DATA_VIEW = "victim_data_view", _("Viewed victim data")
    MFA_FAILED = "mfa_failed", _("Wrong second-factor code")
    MFA_LOCKOUT = "mfa_lockout", _("Sign-in attempt ended after wrong codes")
    MFA_CHANGE = "mfa_change", _("Changed their second factor")
    MFA_RESET = "mfa_reset", _("Reset a user's second factor")
    ROLE_CHANGE = "role_change", _("Changed a user's role or organization")
    INVITATION = "invitation", _("Invited a user")
    ACCOUNT_APPROVAL = "account_approval", _("Approved or refused an account")
    UPLOAD_SCAN = "upload_scan", _("Scanned an upload")
    KEY_ROTATION = "key_rotation", _("Re-encrypted data with the current key")


class AuditEntry(models.Model):
    """One line of the append-only audit trail (CJIS 5.4: who, what, when, from where).

    `target` holds a model label and id or a reference number; never victim data.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices, db_index=True)
    target = models.CharField(max_length=120, blank=True, db_index=True)
    detail = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # What came of it: a view's HTTP status, a scan's verdict, "denied"...
    outcome = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user_label} {self.action} {self.target}"

    def save(self, *args, **kwargs) -> None:
        # Append-only: an existing row is never rewritten through the ORM.
        if self.pk is not None:
            raise ValidationError(_("Audit entries cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Audit entries cannot be deleted."))


class SessionRecord(models.Model):
    """Which sessions belong to whom, so that logout and deactivation can end all of a user's
    sessions on every device (CJIS 5.5.6, ASVS 3.3.1). Written at sign-in."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"session of user #{self.user_id}"


class Invitation(models.Model):
    """An administrator's invitation to one role; the only way an account is created.

    The link carries a random token (never stored in clear: only its SHA-256) and expires after
    INVITATION_VALID_DAYS. Advocates are invited to an organization, agency users to a
    point-of-contact record of the directory.
    """

    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    point_of_contact = models.ForeignKey(
        "agencies.PointOfContact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("point-of-contact record"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.ADVOCATE) | Q(organization__isnull=False),
                name="advocate_invitation_has_organization",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=[Role.AGENCY_CONTACT, Role.COORDINATOR])
                | Q(point_of_contact__isnull=False),
                name="agency_invitation_has_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"invitation #{self.pk} ({self.get_role_display()})"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now
