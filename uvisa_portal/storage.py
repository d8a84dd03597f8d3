"""The one storage every stored file goes through: encrypted whole on save, decrypted on open.

STORAGES["default"] names it, so every FileField (attachments, generated and official
documents, signed scans, letters) and every renderer that saves through `default_storage` is
covered, including ones added later. The media directory on its own holds nothing readable
(CJIS 5.10.1.2; OWASP ASVS 6.1.1 and 12.3): a police report or Notice to Appear is a Fernet
token on disk, and a file without its key is refused, not served as garbage.

Whole-file authenticated encryption reads a file into memory; uploads are capped at
UPLOAD_MAX_BYTES and generated documents are a few pages, so that is bounded.
"""

from __future__ import annotations

import io
import os
import tempfile

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

from . import crypto


class DecryptedFile(File):
    """The plain content of a stored file, in memory. Reopening reads the stored file again
    (never the encrypted bytes on disk as they are)."""

    def __init__(self, content: bytes, name: str, storage: EncryptedFileSystemStorage) -> None:
        super().__init__(io.BytesIO(content), name=name)
        self._storage = storage
        self.size = len(content)

    def open(self, mode: str | None = None, *args, **kwargs):
        if not self.closed:
            self.seek(0)
            return self
        self.file = io.BytesIO(self._storage.read_plain(self.name))
        return self


@deconstructible(path="uvisa_portal.storage.EncryptedFileSystemStorage")
class EncryptedFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content) -> str:
        content.seek(0)
        token = crypto.encrypt_bytes(content.read())
        return super()._save(name, ContentFile(token))

    def read_plain(self, name: str) -> bytes:
        with super().open(name, "rb") as stored:
            return crypto.decrypt_bytes(stored.read())

    def open(self, name: str, mode: str = "rb") -> DecryptedFile:
        if any(flag in mode for flag in "wax+"):
            # Writes go through save(), which encrypts; an open for writing would bypass it.
            raise ValueError("Encrypted files are written with save(), not opened for writing.")
        return DecryptedFile(self.read_plain(name), name, self)

    def size(self, name: str) -> int:
        # The size of what is served, not of the token on disk.
        return len(self.read_plain(name))

    def read_raw(self, name: str) -> bytes:
        """The stored token as it is on disk (rotation)."""
        with super().open(name, "rb") as stored:
            return stored.read()

    def replace_raw(self, name: str, token: bytes) -> None:
        """Write `token` over the stored file atomically: a crash leaves the old token or the
        new one, never half of each (rotation)."""
        path = self.path(name)
        directory = os.path.dirname(path)
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".rotate-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(token)
                out.flush()
                os.fsync(out.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.remove(temporary)
            raise

    def stored_names(self, directory: str = "") -> list[str]:
        """Every file under `directory`, as storage names (rotation walks them all)."""
        if not os.path.isdir(self.path(directory)):
            return []
        directories, files = self.listdir(directory)
        names = [f"{directory}/{f}" if directory else f for f in files if not f.startswith(".")]
        for sub in directories:
            names.extend(self.stored_names(f"{directory}/{sub}" if directory else sub))
        return names
