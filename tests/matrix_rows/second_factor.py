# ruff: noqa: E501 (one aligned column per role)
"""Matrix rows of the second factor and ProConnect (issue 9): every account manages its own second factor;
ProConnect's pages answer 404 while it is not configured (the test settings leave it off)."""

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.matrix_rows.base import GET, POST, Row, _none

RECOVERY_CODE = "matrice2"
ALL_200 = (200,) * 9
ALL_302 = (302,) * 9
ALL_404 = (404,) * 9


def _every_account_enrolled(prefix):
    """Each role's account gets an app and the same recovery code, so that one POST fits every column."""

    def build(w):
        for actor in w.actors.values():
            TOTPDevice.objects.create(user=actor.user, name="App", confirmed=True)
            device = StaticDevice.objects.create(user=actor.user, name="Codes", confirmed=True)
            StaticToken.objects.create(device=device, token=RECOVERY_CODE)
        return {}, {f"{prefix}-code": RECOVERY_CODE}

    return build


# fmt: off
ROWS = {
    "second_factor": Row(GET, _none, ALL_200, 302),
    "second_factor_enrol": Row(GET, _none, ALL_200, 302),
    # Without an app yet, the verification page sends to enrolment.
    "second_factor_verify": Row(GET, _none, ALL_302, 302),
    "second_factor_replace": Row(POST, _every_account_enrolled("remplacer"), ALL_302, 302),
    "second_factor_disable": Row(POST, _every_account_enrolled("desactiver"), ALL_302, 302),
    "proconnect_start": Row(GET, _none, ALL_404, 404),
    "proconnect_callback": Row(GET, _none, ALL_404, 404),
}
# fmt: on
