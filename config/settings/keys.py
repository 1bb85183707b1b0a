"""Generate and load the local key files used when no key is given by the environment (dev, demo); check the
keys production is given."""

import base64
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured


def ensure_local_keys(key_dir: Path) -> tuple[list[str], str]:
    """Return (field keys, blind-index key), creating the files on first start (mode 0600)."""
    key_dir.mkdir(parents=True, exist_ok=True)
    key_dir.chmod(0o700)
    field_file = key_dir / "field_keys"
    index_file = key_dir / "blind_index_key"
    if not field_file.exists():
        field_file.write_text(Fernet.generate_key().decode() + "\n")
        field_file.chmod(0o600)
    if not index_file.exists():
        index_file.write_text(Fernet.generate_key().decode() + "\n")
        index_file.chmod(0o600)
    field_keys = [line.strip() for line in field_file.read_text().splitlines() if line.strip()]
    return field_keys, index_file.read_text().strip()


# Minimum length of the blind-index master key: 32 bytes, the output size of HMAC-SHA-256's hash (a shorter
# HMAC key weakens it: RFC 2104 section 3; NIST SP 800-107 rev. 1 section 5.3.4).
MIN_BLIND_INDEX_KEY_BYTES = 32
# A Fernet key is 32 bytes, base64url-encoded (16 to sign, 16 to encrypt): cryptography's Fernet spec.
FERNET_KEY_BYTES = 32


def production_secret_problems(field_keys: list[str], blind_index_key: str, public_url: str) -> list[str]:
    """What keeps production from starting safely (French, never echoing a key); empty when all is well."""
    problems = []
    if not field_keys:
        problems.append("PARCOURS_FIELD_KEYS est vide : au moins une clé Fernet est nécessaire.")
    for position, key in enumerate(field_keys, start=1):
        try:
            raw = base64.urlsafe_b64decode(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raw = b""
        if len(raw) != FERNET_KEY_BYTES:
            problems.append(
                f"PARCOURS_FIELD_KEYS : la clé n° {position} n'est pas une clé Fernet "
                f"({FERNET_KEY_BYTES} octets encodés en base64 url)."
            )
    if len(blind_index_key.encode("utf-8")) < MIN_BLIND_INDEX_KEY_BYTES:
        problems.append(
            "PARCOURS_BLIND_INDEX_KEY manque ou est trop courte : au moins "
            f"{MIN_BLIND_INDEX_KEY_BYTES} octets (par exemple : head -c 32 /dev/urandom | base64)."
        )
    parsed = urlsplit(public_url)
    if parsed.scheme != "https" or not parsed.hostname:
        problems.append(
            "PARCOURS_PUBLIC_URL manque ou n'est pas une adresse https:// (elle sert aux liens envoyés par "
            "courriel)."
        )
    return problems


def check_production_secrets(field_keys: list[str], blind_index_key: str, public_url: str) -> None:
    problems = production_secret_problems(field_keys, blind_index_key, public_url)
    if problems:
        raise ImproperlyConfigured(
            "Réglages de production incomplets, l'application ne démarre pas :\n- " + "\n- ".join(problems)
        )
