"""The certifications app's models, one module per subject; import them from here.

- requests: the request, its family members, events (its timeline), messages and attachments;
- notifications: the outbox rows and the bell;
- documents: the agency's answers on the draft form and the rendered drafts;
- statistics: the snapshots of the statistics pages' figures.
"""

from .documents import (
    AgencyCategory,
    AgencyFormAnswers,
    AgencyType,
    CaseStatus,
    DocumentKind,
    GeneratedDocument,
    generated_document_path,
)
from .notifications import Notification, NotificationKind
from .requests import (
    Attachment,
    CertificationRequest,
    CertificationRequestQuerySet,
    FamilyMember,
    Message,
    RequestEvent,
    attachment_path,
)
from .statistics import StatisticsSnapshot, StatisticsSnapshotRow

__all__ = [
    "AgencyCategory",
    "AgencyFormAnswers",
    "AgencyType",
    "Attachment",
    "CaseStatus",
    "CertificationRequest",
    "CertificationRequestQuerySet",
    "DocumentKind",
    "FamilyMember",
    "GeneratedDocument",
    "Message",
    "Notification",
    "NotificationKind",
    "RequestEvent",
    "StatisticsSnapshot",
    "StatisticsSnapshotRow",
    "attachment_path",
    "generated_document_path",
]
