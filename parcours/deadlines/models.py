from parcours.core.data_version import DataVersionRow


class BoardVersion(DataVersionRow):
    """One row: a number PostgreSQL increases, in the same transaction, at every statement that writes a
    table the « À traiter » board reads (triggers of migration 0001, `cache.SOURCE_TABLES`): INSERT, UPDATE,
    DELETE and TRUNCATE, bulk writes and raw SQL included. A board cached under this number is never shown
    after a write it does not include (parcours.deadlines.cache)."""

    class Meta:
        verbose_name = "version des données du tableau « À traiter »"
