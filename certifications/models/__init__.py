"""The certifications app's models, one module per subject; import them from here.

- requests: the request, its family members, events (its timeline), messages and attachments;
- notifications: the outbox rows and the bell;
- documents: the agency's answers on the draft form and the rendered drafts;
- casefile: the case's report numbers, archived records, the signed original's way back;
- editions: the editions of the official forms, their structure and field map;
- statistics: the snapshots of the statistics pages' figures;
- links: a request linked to the one it follows from (re-certification, reconsideration,
  another certifier, family, another agency).
- records: the agency's decision record kept after the purge, and withdrawals of a
  certification.
- releases: the victim's releases per agency, and a move waiting for one;
- statistics: the snapshots of the statistics pages' figures.
"""

from .casefile import ArchivedRecords, ReportNumber, ReturnMethod, SignedOriginal
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
from .links import LinkKind, RecertificationReason, RequestLink, RequestLinkQuerySet
from .notifications import Notification, NotificationKind
from .records import (
    CertificationWithdrawal,
    DecisionRecord,
    WithdrawalKind,
    decision_record_path,
)
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
    "ArchivedRecords",
    "Attachment",
    "CaseStatus",
    "CertificationRequest",
    "CertificationRequestQuerySet",
    "CertificationWithdrawal",
    "DecisionRecord",
    "DocumentKind",
    "FORM_FOR_TYPE",
    "FamilyMember",
    "FormEdition",
    "GeneratedDocument",
    "LinkKind",
    "Message",
    "Notification",
    "NotificationKind",
    "OfficialCapacity",
    "OfficialForm",
    "RecertificationReason",
    "PendingMove",
    "Release",
    "RequestEvent",
    "RequestLink",
    "RequestLinkQuerySet",
    "ReportNumber",
    "RequestEvent",
    "ReturnMethod",
    "SignedOriginal",
    "StatisticsSnapshot",
    "StatisticsSnapshotRow",
    "WithdrawalKind",
    "attachment_path",
    "decision_record_path",
    "generated_document_path",
    "official_pdf_path",
]
