"""Uploads never touch the disk in clear: every uploaded file is received in memory.

Django's default handlers spool a file above FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file (in clear, in
/tmp). This handler keeps every file in memory up to PARCOURS_UPLOAD_MAX_BYTES; beyond it, it only counts
the bytes and hands over an empty file of the real size, which the upload check refuses by size ("Le fichier
dépasse la taille maximale"). What is kept is then stored encrypted (parcours.core.storage).
"""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers


class MemoryOnlyUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file = BytesIO()
        self.received = 0
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received <= settings.PARCOURS_UPLOAD_MAX_BYTES:
            self.file.write(raw_data)
        elif self.file.tell():  # over the cap: drop what was kept, count the rest
            self.file = BytesIO()
        return None

    def file_complete(self, file_size):
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
