"""Model fields whose values are stored encrypted (uvisa_portal.crypto): victim data at rest.

Each is stored in a text column as a Fernet token; a blank value is stored blank (and a null
date as NULL), so "is it filled in" stays answerable and the retention purge's blanks stay
blank. A token is not searchable: the only lookups allowed are `isnull` and equality with the
blank value, and anything else raises at query time, so no filter, search or sort on victim
data can creep in (search is by reference; 8 U.S.C. 1367).

Forms and validation see the plain value: `max_length` of EncryptedCharField limits what is
typed, not the (longer) token.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from .crypto import decrypt_text, encrypt_text


class EncryptedBlankExact(Exact):
    """`field=""` (or None): the only equality an encrypted column can answer."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is stored encrypted and cannot be searched; "
                "search by reference instead."
            )
        return self.rhs


class EncryptedMixin:
    """Encrypts on the way to the database and decrypts on the way back."""

    def get_internal_type(self) -> str:
        return "TextField"

    def db_parameters(self, connection):
        # A text column whatever the plain field would be (a token is longer than the value).
        return {"type": connection.data_types["TextField"], "check": None}

    def cast_db_type(self, connection):
        return connection.data_types["TextField"]

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return EncryptedBlankExact
        return None

    def get_transform(self, lookup_name):
        return None

    def to_plain_text(self, value) -> str:
        return str(value)

    def from_plain_text(self, text: str):
        return text

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self.from_plain_text(decrypt_text(value))

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        return self.encrypt_for_storage(value)

    def encrypt_for_storage(self, value):
        """The stored form of a prepared plain value (also used by the bulk COPY path)."""
        if value is None or value == "":
            return value
        return encrypt_text(self.to_plain_text(value))


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A CharField stored encrypted in a text column; max_length applies to the plain text."""


class EncryptedTextField(EncryptedMixin, models.TextField):
    """A TextField stored encrypted."""


class EncryptedDateField(EncryptedMixin, models.DateField):
    """A date stored encrypted as its ISO text (YYYY-MM-DD). Not comparable in queries: the
    date of birth is read and shown, never filtered or grouped on."""

    def to_plain_text(self, value) -> str:
        return value.isoformat()

    def from_plain_text(self, text: str) -> datetime.date:
        return datetime.date.fromisoformat(text)

    def get_db_prep_value(self, value, connection, prepared=False):
        # DateField's own version adapts the date for a date column; this column is text.
        if not prepared:
            value = self.get_prep_value(value)
        return self.encrypt_for_storage(value)


ENCRYPTED_FIELD_TYPES = (EncryptedCharField, EncryptedTextField, EncryptedDateField)
