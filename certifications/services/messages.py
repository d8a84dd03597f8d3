"""Messages with files, in both directions (the advocate's organization and the agency).

Every file is checked by `uploads.validate_upload` (type by content, active content, virus
scan with its verdict audited against the reference) before anything is written; the message
and its files are then stored in one transaction (`review.message_post`), each file an
Attachment linked to its message, downloaded through `access.attachment_access`.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Role, User

from ..choices import Status
from ..models import CertificationRequest, Message
from ..uploads import validate_uploads
from .releases import release_sharing_check
from .review import ReviewError, message_post


def message_with_files_send(
    *, cert_request: CertificationRequest, author: User, body: str, files: Sequence = ()
) -> Message:
    """Post a message with its files; a refused file raises ValidationError for `files`
    naming the file, and nothing is written. An advocate's message needs a current release
    (`release_sharing_check` raises ReleaseError)."""
    if cert_request.status == Status.DRAFT:
        raise ReviewError(_("This request is still a draft: nobody at an agency can read it."))
    if not (body or "").strip():
        raise ValidationError({"body": ["Write a message before sending it."]})
    if author.role == Role.ADVOCATE:
        # VAWA 34 U.S.C. 12291(b)(2): nothing new reaches the agency without a current release.
        release_sharing_check(cert_request=cert_request)
    cleaned = validate_uploads(files, target=cert_request.reference, user=author)
    return message_post(cert_request=cert_request, author=author, body=body, attachments=cleaned)
