"""Rules of the diagnostic territorial: statistical secrecy, campaign limits, reminders.

Every figure lives here, named, with its source.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

# Statistical secrecy (ARCHITECTURE.md "Protection of personal data"; DOMAIN.md "figures"): a published
# cell counting fewer people than the threshold is hidden, with whatever would let it be recomputed.
# 11 is the threshold of French fiscal and health data and of IOM's trafficking data collaborative;
# it applies to anything that leaves the département (the report page and its PDF). The secretariat's
# own working screens show exact figures. Dated setting: core.RuleSetting key below.
SECRECY_THRESHOLD = 11
SECRECY_THRESHOLD_SETTING = "diagnostic.secrecy_threshold"
# Source: Secret statistique : seuil de 11 (données fiscales et de santé ; IOM CTDC) — DOMAIN.md, choix
# Parcours à confirmer par la commission

# Estimates published in the report are rounded (an estimate is not a count; a precise-looking figure
# would overstate what the model knows).
PUBLISHED_ESTIMATE_ROUNDING = 10

# A structure's list: at most this many rows in one upload (a département's structures know at most a
# few hundred people each; the cap protects the server from an oversized payload).
MAX_LIST_ROWS = 5000

# A row of a keys file (LK2) carries at most this many keys: the scheme gives at most six per person (full
# name + date, the same with day and month swapped, each name + date, names + year, names + day and month;
# docs/diagnostic.md); the margin leaves room for names of several words. The cap bounds an upload's cost.
MAX_KEYS_PER_ROW = 16
# The count of rows set aside announced by a keys file cannot exceed what a browser accepts to read
# (static/parcours/diagnostic_list.js: 4 × MAX_LIST_ROWS lines).
MAX_SET_ASIDE_ROWS = 4 * MAX_LIST_ROWS

# Reminders: at most one per structure and per day (the idempotency key carries the date).
# The campaign's deadline must leave the structures time to answer.
MIN_DAYS_TO_ANSWER = 7

# Estimation needs at least two lists that were provided.
MIN_LISTS_FOR_ESTIMATE = 2

# Invitation links are credentials (whoever holds one answers for the structure): they expire.
# A link works until the end of the campaign's deadline day plus this grace period, in Europe/Paris time.
# Reason: late answers are common after the last reminder, and the secretariat closes the campaign by hand
# some days after the deadline; two weeks cover that without leaving links alive for months. A later
# deadline (the campaign's edit page) extends every link of the campaign.
INVITATION_GRACE_DAYS = 14
# Opening a link binds the browser's session to the invitation for this long (the token then leaves the
# address bar and never appears in another URL): enough to fill the questionnaire and prepare a list in one
# sitting; afterwards the structure opens its link again.
INVITATION_SESSION = timedelta(hours=2)


def invitation_expiry(deadline: date) -> datetime:
    """The moment the invitation links of a campaign with this deadline stop working."""
    last_day = deadline + timedelta(days=INVITATION_GRACE_DAYS)
    return timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))


def secrecy_threshold(day: date) -> int:
    """The threshold in force on `day` (a RuleSetting row overrides the default from its date)."""
    from parcours.core.models import RuleSetting

    row = RuleSetting.objects.in_force(SECRECY_THRESHOLD_SETTING, day)
    if row is None:
        return SECRECY_THRESHOLD
    value = row.value.get("threshold") if isinstance(row.value, dict) else row.value
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return SECRECY_THRESHOLD


# The frozen report of a closed campaign: the interval is the BCa bootstrap of SparseMSE's
# `estimatepopulation` with its default number of replications (docs/estimation.md), computed once, in the
# background, when the campaign closes.
FINAL_BOOTSTRAP = 1000
# The task saves its progress every this many replications (one UPDATE each).
FINAL_PROGRESS_STEP = 25
# A computation that has not moved for this long is taken as abandoned (worker stopped): the secretariat may
# start it again. The slowest measured run (5 lists) takes a few minutes; 30 leaves a wide margin.
REPORT_STALLED_AFTER = timedelta(minutes=30)


# How long the cells of an open campaign's live linkage, and the estimate made from them, stay in the cache
# (selectors.linkage_summary, selectors.estimate). Not a rule of law: their keys change with any change of the
# lists, this only bounds the memory they hold.
LINKAGE_CACHE_SECONDS = 60 * 60

# A report « en calcul » with no progress saved for this long was abandoned by a worker that died: it is
# claimed again (`manage.py requeue_stale_tasks`). Progress is saved every FINAL_PROGRESS_STEP replicates and
# the PDF takes seconds: fifteen minutes of silence is not a slow run. Operational choice (docs/taches.md).
REPORT_STALE_AFTER_MINUTES = 15
