"""The test settings hash passwords with MD5 for speed: prove the real settings still use Argon2."""

from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import override_settings

from config.settings import base


def test_production_hashes_new_passwords_with_argon2_and_accepts_pbkdf2():
    assert base.PASSWORD_HASHERS == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        encoded = make_password("Mot-de-passe-de-test-2026")
        assert identify_hasher(encoded).algorithm == "argon2"
        assert check_password("Mot-de-passe-de-test-2026", encoded)
        assert not check_password("autre-mot-de-passe", encoded)
        legacy = make_password("Mot-de-passe-de-test-2026", hasher="pbkdf2_sha256")
        assert check_password("Mot-de-passe-de-test-2026", legacy)


def test_prod_settings_do_not_replace_the_hashers():
    source = (base.BASE_DIR / "config" / "settings" / "prod.py").read_text()
    assert "PASSWORD_HASHERS" not in source
