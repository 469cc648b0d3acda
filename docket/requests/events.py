"""Every kind of event a request's timeline or a campaign's activity log can hold: one list for the whole product.

Each is a named action (``approve``) or something that happened to a request on its way
(``letter_sent``), with the label the timeline shows. An event names its kind from this
list, never from free text, so the timeline, filters and reports can rely on it.
"""

from __future__ import annotations

from django.db import models


class EventKind(models.TextChoices):
    # The request's own lifecycle (requests.actions; see states.py for the moves).
    CREATE = "create", "Created"
    APPROVE = "approve", "Approved"
    RETURN_TO_DRAFT = "return_to_draft", "Returned to draft"
    QUEUE = "queue", "Queued for sending"
    MARK_SENT = "mark_sent", "Letter sent"
    MARK_UNDELIVERABLE = "mark_undeliverable", "Undeliverable"
    SEND_AGAIN = "send_again", "Letter sent again to a corrected address"
    RECORD_ACKNOWLEDGEMENT = "record_acknowledgement", "Acknowledgement recorded"
    ACKNOWLEDGEMENT_RECEIVED = "acknowledgement_received", "Acknowledgement received by mail"
    RECORD_REPLY = "record_reply", "Reply received"
    REPLY_RECEIVED = "reply_received", "Reply received after the request moved on"
    AUTO_REPLY = "auto_reply", "Automatic reply received"
    NOT_A_REPLY = "not_a_reply", "Message kept that is not a reply"
    # Mail filed by mistake, put right by a person (mail.actions); the state is re-derived.
    RECLASSIFY = "reclassify", "Message reclassified"
    MESSAGE_MOVED_OUT = "message_moved_out", "Message moved to another request"
    MESSAGE_MOVED_IN = "message_moved_in", "Message moved here from another request"
    MESSAGE_UNFILED = "message_unfiled", "Message returned to the holding pen"
    MARK_ITEM_RECEIVED = "mark_item_received", "Item received"
    # The evidence ledger: what the body did about one item (campaigns.actions.set_item_status).
    ITEM_PARTLY_RECEIVED = "item_partly_received", "Item partly received"
    ITEM_PUBLISHED_ONLINE = "item_published_online", "Item published online"
    ITEM_REFUSED = "item_refused", "Item refused"
    ITEM_NOT_HELD = "item_not_held", "Item not held"
    ITEM_NOT_APPLICABLE = "item_not_applicable", "Item not applicable"
    ITEM_ASKED = "item_asked", "Item asked for again"
    REFUSE = "refuse", "Refused"
    WITHDRAW = "withdraw", "Withdrawn"
    REOPEN = "reopen", "Reopened"
    EXTEND_DEADLINE = "extend_deadline", "Deadline extended"
    RESTART_DEADLINE = "restart_deadline", "Deadline restarted"
    CHASE = "chase", "Chaser queued"
    SET_CHASING = "set_chasing", "Chasing turned on or off"
    # The outbox (mail.outbox, mail.dispatch).
    LETTER_SENT = "letter_sent", "Letter went after the request was closed"
    LETTER_UNCERTAIN = "letter_uncertain", "Letter may not have gone"
    LETTER_FAILED = "letter_failed", "Letter could not be sent"
    LETTER_RESEND = "letter_resend", "Letter to be sent again"
    CHASER_SENT = "chaser_sent", "Chaser sent"
    CHASER_UNCERTAIN = "chaser_uncertain", "Chaser may not have gone"
    CHASER_FAILED = "chaser_failed", "Chaser could not be sent"
    CHASER_RESEND = "chaser_resend", "Chaser to be sent again"
    CHASER_CONFIRMED = "chaser_confirmed", "Chaser confirmed sent"
    BOUNCE = "bounce", "Bounce received"
    # Publication (publishing.actions).
    PUBLICATION_APPROVED = "publication_approved", "Approved for publication"
    PUBLICATION_PUBLISHED = "publication_published", "Published"
    PUBLICATION_MADE_PRIVATE = "publication_made_private", "Made private"
    PUBLICATION_EMBARGO = "publication_embargo", "Embargo set"
    PUBLICATION_CONSENT = "publication_consent", "Consent recorded"
    PUBLICATION_CHECKED_BY_EYE = "publication_checked_by_eye", "Document with no readable text checked by eye"
    # The office's redaction rules (publishing.actions), on the log of the campaign whose page changed them.
    REDACTION_RULE_ADDED = "redaction_rule_added", "Redaction rule added"
    REDACTION_RULE_SWITCHED_OFF = "redaction_rule_switched_off", "Redaction rule switched off"
    REDACTION_RULE_SWITCHED_ON = "redaction_rule_switched_on", "Redaction rule switched on"
    REDACTION_RULE_REMOVED = "redaction_rule_removed", "Redaction rule removed"
    # A campaign's setup (campaigns.actions); the campaign's activity log shows them, and a request's
    # timeline those about its recipient.
    CAMPAIGN_CREATED = "campaign_created", "Campaign created"
    TEMPLATE_SAVED = "template_saved", "Letter template saved"
    SETTINGS_CHANGED = "settings_changed", "Settings changed"
    REFERENCE_ADDED = "reference_added", "Reference added"
    REFERENCE_CHANGED = "reference_changed", "Reference changed"
    REFERENCE_REMOVED = "reference_removed", "Reference removed"
    ITEM_ADDED = "item_added", "Requested item added"
    ITEM_CHANGED = "item_changed", "Requested item changed"
    ITEM_REMOVED = "item_removed", "Requested item removed"
    ITEMS_REORDERED = "items_reordered", "Requested items reordered"
    RECIPIENT_ADDED = "recipient_added", "Recipient added"
    RECIPIENT_REMOVED = "recipient_removed", "Recipient removed"
    RECIPIENTS_IMPORTED = "recipients_imported", "Recipients imported"
    FIELDS_CHANGED = "fields_changed", "Letter fields changed"
    FIELD_ADDED = "field_added", "Field added for every recipient"
    FIELD_RENAMED = "field_renamed", "Field renamed"
    ITEM_STATES_CHANGED = "item_states_changed", "Items asked for changed"
    # Coding what replies say (evidence.actions): passages of a reply or a document tagged with themes.
    PASSAGE_CODED = "passage_coded", "Passage coded"
    PASSAGE_CHANGED = "passage_changed", "Coded passage changed"
    PASSAGE_REMOVED = "passage_removed", "Coded passage removed"
    SUGGESTION_ACCEPTED = "suggestion_accepted", "Suggested passage accepted"
    SUGGESTION_DISMISSED = "suggestion_dismissed", "Suggested passage dismissed"
    # The codebook (evidence.actions): on the campaign's activity log.
    THEME_ADDED = "theme_added", "Theme added to the codebook"
    THEME_CHANGED = "theme_changed", "Theme changed"
    THEME_REMOVED = "theme_removed", "Theme removed from the codebook"
    # The themes matrix (evidence.actions): an analyst's summary of what one body says about a theme.
    THEME_SUMMARY_SAVED = "theme_summary_saved", "Theme summary saved"
    # The campaign report (evidence.actions): a passage chosen (or no longer) as a quotation.
    PASSAGE_QUOTED = "passage_quoted", "Passage chosen for the report"


def outbox_kind(message_kind: str, what: str) -> EventKind:
    """The event for a letter's or a chaser's outcome: ``outbox_kind("chaser", "sent")`` is CHASER_SENT."""
    return EventKind(f"{message_kind}_{what}")


# The kinds of a campaign's setup, as against a request's own lifecycle (the activity log can show them alone).
SETUP_KINDS = frozenset(
    {
        EventKind.CAMPAIGN_CREATED,
        EventKind.TEMPLATE_SAVED,
        EventKind.SETTINGS_CHANGED,
        EventKind.REFERENCE_ADDED,
        EventKind.REFERENCE_CHANGED,
        EventKind.REFERENCE_REMOVED,
        EventKind.ITEM_ADDED,
        EventKind.ITEM_CHANGED,
        EventKind.ITEM_REMOVED,
        EventKind.ITEMS_REORDERED,
        EventKind.RECIPIENT_ADDED,
        EventKind.RECIPIENT_REMOVED,
        EventKind.RECIPIENTS_IMPORTED,
        EventKind.FIELDS_CHANGED,
        EventKind.FIELD_ADDED,
        EventKind.FIELD_RENAMED,
        EventKind.ITEM_STATES_CHANGED,
        EventKind.THEME_ADDED,
        EventKind.THEME_CHANGED,
        EventKind.THEME_REMOVED,
        EventKind.REDACTION_RULE_ADDED,
        EventKind.REDACTION_RULE_SWITCHED_OFF,
        EventKind.REDACTION_RULE_SWITCHED_ON,
        EventKind.REDACTION_RULE_REMOVED,
    }
)
