from django.urls import path  # noqa: F401 - each section below adds its patterns

from .views import (
    advocate,
    agency,
    agency_actions,
    autosave,
    casefile,
    detail,
    documents,
    editions,
    expedite,
    links,
    other_agency,
    outbox,
    releases,
    review,
    victim_letter,
)
from .views import notifications as notification_views

app_name = "certifications"

urlpatterns: list = [
    # Advocates: intake and dashboard (certifications.views.advocate)
    path("", advocate.dashboard, name="dashboard"),
    path("new/", advocate.request_new, name="new"),
    path("<int:pk>/", detail.request_detail, name="detail"),
    path("<int:pk>/edit/<slug:step>/", advocate.request_edit, name="edit"),
    path("<int:pk>/autosave/<slug:step>/", autosave.request_autosave, name="autosave"),
    path("<int:pk>/submit/", advocate.request_submit, name="submit"),
    path("<int:pk>/withdraw/", advocate.request_withdraw, name="withdraw"),
    path("<int:pk>/delete/", advocate.request_delete_draft, name="delete_draft"),
    path("<int:pk>/respond/", advocate.request_provide_info, name="respond"),
    path("<int:pk>/expedite/", expedite.request_raise_expedite, name="raise_expedite"),
    path("attachments/<int:pk>/", detail.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", advocate.attachment_delete, name="attachment_delete"),
    # The victim's releases and the request's dated record (certifications.views.releases)
    path("<int:pk>/releases/new/", releases.release_new, name="release_new"),
    path("<int:pk>/record.pdf", releases.request_record, name="request_record"),
    path("agency-suggestions/", advocate.agency_suggestions_json, name="agency_suggestions"),
    # Agencies: queue and coordinator (views.agency), review page (views.review), decisions
    # (views.agency_actions)
    path("queue/", agency.queue, name="queue"),
    path("statewide/", agency.coordinator, name="coordinator"),
    path("<int:pk>/review/", review.review, name="review"),
    path("<int:pk>/review/start/", agency_actions.start_review, name="start_review"),
    path("<int:pk>/review/request-info/", agency_actions.request_info, name="request_info"),
    path("<int:pk>/review/certify/", agency_actions.certify, name="certify"),
    path("<int:pk>/review/deny/", agency_actions.deny, name="deny"),
    path("<int:pk>/review/transfer/", agency_actions.transfer, name="transfer"),
    path("<int:pk>/review/reroute/", agency_actions.reroute, name="reroute"),
    path("<int:pk>/review/message/", agency_actions.message, name="message"),
    path("<int:pk>/review/assign/", agency_actions.assign, name="assign"),
    path("<int:pk>/review/recommend/", agency_actions.recommend, name="recommend"),
    path("<int:pk>/review/coordinate/", agency_actions.coordinate, name="coordinate"),
    # Requests that follow from another (certifications.views.links)
    path("<int:pk>/new-signature/", links.new_signature, name="new_signature"),
    path("<int:pk>/correct/", links.correct, name="correct"),
    path("<int:pk>/reconsideration/", links.reconsideration, name="reconsideration"),
    path("<int:pk>/another-certifier/", links.another_certifier, name="another_certifier"),
    path("<int:pk>/other-agency/", other_agency.other_agency, name="other_agency"),
    path("<int:pk>/family/", links.family, name="family"),
    path("<int:pk>/family/link/", links.family_link_view, name="family_link"),
    path(
        "<int:pk>/family/another-victim/",
        links.family_another_victim,
        name="family_another_victim",
    ),
    # The case file: archived records, the signed original's way back and its receipt, the
    # advocate's messages with files (certifications.views.casefile)
    path(
        "<int:pk>/review/records-archived/",
        casefile.records_archived,
        name="records_archived",
    ),
    path(
        "<int:pk>/review/original-returned/",
        casefile.original_returned,
        name="original_returned",
    ),
    path("<int:pk>/original-received/", casefile.original_received, name="original_received"),
    path("<int:pk>/message/", casefile.advocate_message, name="advocate_message"),
    path(
        "<int:pk>/review/withdraw-certification/",
        agency_actions.withdraw_certification,
        name="withdraw_certification",
    ),
    # Draft documents (certifications.views.documents)
    # Notifications: the bell and "petition filed" (certifications.views.notifications)
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/read",
        notification_views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all",
        notification_views.notifications_read_all,
        name="notifications_read_all",
    ),
    path("<int:pk>/petition-filed", notification_views.petition_filed, name="petition_filed"),
    # The administrators' outbox: e-mails given up on, and retrying them (views.outbox)
    path("outbox/dead/", outbox.dead_list, name="outbox_dead"),
    path("outbox/dead/<int:pk>/retry", outbox.dead_retry, name="outbox_retry"),
    path("outbox/dead/retry-all", outbox.dead_retry_all, name="outbox_retry_all"),
    # USCIS's official form pre-filled, and the move to its current edition
    # (certifications.views.editions); before the drafts' "<slug>.pdf", which would match it.
    path(
        "<int:pk>/documents/official-form.pdf",
        documents.official_form_download,
        name="official_form_download",
    ),
    path("<int:pk>/edition/move/", editions.edition_move, name="edition_move"),
    path("<int:pk>/documents/", documents.documents_page, name="documents"),
    path(
        "<int:pk>/documents/<slug:kind>.pdf",
        documents.document_download,
        name="document_download",
    ),
    path(
        "<int:pk>/documents/agency-answers/",
        documents.agency_answers_edit,
        name="document_agency_answers",
    ),
    path(
        "<int:pk>/documents/agency-answers/save/",
        documents.agency_answers_save,
        name="document_agency_answers_save",
    ),
    # The letter to the victim, advocates only (certifications.views.victim_letter)
    path("<int:pk>/victim-letter/", victim_letter.victim_letter_page, name="victim_letter"),
    path(
        "<int:pk>/victim-letter/letter.pdf",
        victim_letter.victim_letter_download,
        name="victim_letter_download",
    ),
]
