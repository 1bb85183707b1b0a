"""Generate and load the local key files used when no key is given by the environment (dev, demo)."""

from pathlib import Path

from cryptography.fernet import Fernet


def ensure_local_keys(key_dir: Path) -> tuple[list[str], str]:
    """Return (field keys, blind-index key), creating the files on first start (mode 0600)."""
    key_dir.mkdir(parents=True, exist_ok=True)
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
