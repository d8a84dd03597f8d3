"""The certifications app's models, one module per subject; import them from here.

- requests: the request, its family members, events (its timeline), messages and attachments;
- notifications: the outbox rows and the bell;
- documents: the agency's answers on the draft form and the rendered drafts;
- editions: the editions of the official forms, their structure and field map;
- releases: the victim's releases per agency, and a move waiting for one;
- statistics: the snapshots of the statistics pages' figures.
"""

from .documents import (
    FAMILY_ROWS,
    FAMILY_SUBFIELDS,
    AgencyCategory,
    AgencyFormAnswers,
    AgencyType,
    CaseStatus,
    DocumentKind,
    GeneratedDocument,
    OfficialCapacity,
    generated_document_path,
)
from .editions import FORM_FOR_TYPE, FormEdition, OfficialForm, official_pdf_path
from .notifications import Notification, NotificationKind
from .releases import PendingMove, Release
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
    "FAMILY_ROWS",
    "FAMILY_SUBFIELDS",
    "AgencyCategory",
    "AgencyFormAnswers",
    "AgencyType",
    "Attachment",
    "CaseStatus",
    "CertificationRequest",
    "CertificationRequestQuerySet",
    "DocumentKind",
    "FORM_FOR_TYPE",
    "FamilyMember",
    "FormEdition",
    "GeneratedDocument",
    "Message",
    "Notification",
    "NotificationKind",
    "OfficialCapacity",
    "OfficialForm",
    "PendingMove",
    "Release",
    "RequestEvent",
    "StatisticsSnapshot",
    "StatisticsSnapshotRow",
    "attachment_path",
    "generated_document_path",
    "official_pdf_path",
]
