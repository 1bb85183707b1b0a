"""Rules of the partner dashboards (docs/tableaux-de-bord.md).

The secrecy threshold is not here: it is the dated setting the diagnostic already uses
(`parcours.diagnostic.rules.secrecy_threshold`, RuleSetting « diagnostic.secrecy_threshold », 11 by default).
"""

# The first year a dashboard offers: the loi n° 2016-444 du 13 avril 2016 created the commissions and the PSP;
# no figure of Parcours can predate it.
FIRST_YEAR = 2016

# Measures a partner sees on its own dashboard (its own activity): detections, protection reports and
# referrals (referrals app), outreach, prevention, trainings and clients' course (actions app).
# Issue 12, item 8.
PARTNER_PREFIXES = ("referrals.", "actions.")

# The breakdown tables of one measure are audited together (parcours.secrecy.audit) over the product of their
# labels; beyond this many cells the linear algebra is not worth its cost and each table keeps only its own
# primary and secondary suppression (docs/tableaux-de-bord.md says so).
MAX_AUDIT_CELLS = 5000

# Age bands of the people in a PSP, by age in whole years at the date of the record (birth year only: the
# birth date is encrypted). Upper bound excluded; None: no upper bound. A person under 18 cannot enter a PSP
# (CASF L. 121-9 concerns adults; minors follow the child-protection route): that band exists to show an error
# in the data rather than hide it. No national template fixes the bands (DOMAIN.md: Parcours defines the
# indicators); ten-year groups after 25 are Parcours's choice, the same in every table.
AGE_BANDS = (
    (18, "Moins de 18 ans"),
    (25, "18 à 24 ans"),
    (35, "25 à 34 ans"),
    (45, "35 à 44 ans"),
    (None, "45 ans et plus"),
)
AGE_UNKNOWN = "Âge inconnu"

# --- Exports (docs/indicateurs-exports.md) ---------------------------------------------------------------

# A finished export is a file about the département's activity (exact figures for the secretariat): its link
# works this many days after the file is ready, then says it has expired and the file is deleted. Seven days
# leave a week to download what was asked for on a Friday; longer would leave exact figures lying in the
# store. Parcours's choice (no text fixes it). Dated setting: core.RuleSetting key below ({"days": 7}).
EXPORT_LINK_DAYS = 7
EXPORT_LINK_DAYS_SETTING = "stats.export_link_days"
# A request over more years than this is refused: the registry's figures start in FIRST_YEAR and ten years
# cover a multi-annual strategy with its baseline.
MAX_EXPORT_YEARS = 10
# The progress page reloads itself this often (seconds) while the export is being built.
EXPORT_REFRESH_SECONDS = 3

# --- The commission's annual report (docs/rapport-annuel.md) --------------------------------------------

# The editable introduction and conclusion: plain text, at most this many characters each (about four
# pages of the PDF).
REPORT_TEXT_MAX_CHARS = 12000


def export_link_days(day) -> int:
    """The lifetime of an export's link in force on `day` (a RuleSetting row overrides the default)."""
    from parcours.core.models import RuleSetting

    row = RuleSetting.objects.in_force(EXPORT_LINK_DAYS_SETTING, day)
    if row is None:
        return EXPORT_LINK_DAYS
    value = row.value.get("days") if isinstance(row.value, dict) else row.value
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return EXPORT_LINK_DAYS


# A background export still « en préparation » with no progress saved for this long was abandoned by a worker
# that died (killed, host restarted): `manage.py requeue_stale_tasks` queues it again and the next run claims
# it. An export saves its progress family by family, seconds apart: ten minutes of silence is not a slow run.
# Operational choice (docs/taches.md).
EXPORT_STALE_AFTER_MINUTES = 10
