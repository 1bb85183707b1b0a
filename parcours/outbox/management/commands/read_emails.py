"""Show the e-mails of the development store (EncryptedFileEmailBackend), decrypted, newest last.

For a developer on their own machine: the store is encrypted at rest, this is the one way to read it."""

from __future__ import annotations

from email import message_from_bytes, policy

from django.core.management.base import BaseCommand, CommandError

from parcours.core.storage import UnreadableFile, unseal
from parcours.outbox.backends import SUFFIX, store_path


class Command(BaseCommand):
    help = (
        "Affiche, déchiffrés, les courriels du magasin de développement (var/courriels), "
        "du plus ancien au plus récent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--derniers", type=int, default=10, help="Nombre de courriels à afficher (10).")
        parser.add_argument(
            "--brut", action="store_true", help="Le message MIME complet (pièces jointes comprises)."
        )

    def handle(self, *args, **options):
        if options["derniers"] < 1:
            raise CommandError("--derniers doit être un entier positif.")
        files = sorted(store_path().glob(f"*{SUFFIX}")) if store_path().exists() else []
        if not files:
            self.stdout.write(f"Aucun courriel dans {store_path()}.")
            return
        for path in files[-options["derniers"] :]:
            try:
                raw = unseal(path.read_bytes())
            except UnreadableFile:
                self.stderr.write(f"{path.name} : illisible avec les clés configurées.")
                continue
            self.stdout.write(f"===== {path.name}")
            if options["brut"]:
                self.stdout.write(raw.decode("utf-8", errors="replace"))
                continue
            message = message_from_bytes(raw, policy=policy.default)
            for header in ("Date", "From", "To", "Subject"):
                self.stdout.write(f"{header}: {message.get(header, '')}")
            body = message.get_body(preferencelist=("plain",))
            self.stdout.write("")
            self.stdout.write(body.get_content() if body is not None else "(pas de texte)")
            attachments = [part.get_filename() for part in message.iter_attachments()]
            if attachments:
                self.stdout.write(f"Pièces jointes : {', '.join(a or '?' for a in attachments)}")
