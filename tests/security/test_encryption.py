"""The key ring, the encrypted fields, the encrypting storage, the MFA adapter and the deploy
check (uvisa_portal.crypto, .fields, .storage, .checks)."""

from __future__ import annotations

import datetime

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt, encrypt
from cryptography.fernet import Fernet
from django import forms
from django.core.checks import run_checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test import override_settings

from certifications.models import CertificationRequest, FamilyMember, Message
from tests.factories import give_totp, make_request, totp_secret_for
from uvisa_portal import crypto
from uvisa_portal.checks import check_field_encryption_keys

OTHER_KEY = Fernet.generate_key().decode()


def _raw(model, pk: int, column: str):
    """The value as the database holds it (no field conversion)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


# --- the key ring ------------------------------------------------------------------------------


def test_text_and_bytes_round_trip_and_differ_each_time():
    token = crypto.encrypt_text("Zyxwvut Ñandú 😀")
    assert token.startswith("gAAAAA") and "Zyxwvut" not in token
    assert crypto.decrypt_text(token) == "Zyxwvut Ñandú 😀"
    assert crypto.encrypt_text("same") != crypto.encrypt_text("same")
    assert crypto.decrypt_bytes(crypto.encrypt_bytes(b"\x00\xff")) == b"\x00\xff"


def test_a_wrong_key_is_a_clear_error_not_garbage():
    token = crypto.encrypt_text("secret")
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY]),
        pytest.raises(crypto.DecryptionError, match="FIELD_ENCRYPTION_KEYS"),
    ):
        crypto.decrypt_text(token)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(token[:-4] + "AAAA")  # altered


def test_any_key_of_the_ring_decrypts_and_the_first_encrypts(settings):
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    token = crypto.encrypt_text("value")
    with override_settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY, old]):
        assert crypto.decrypt_text(token) == "value"
        assert not crypto.is_current(token.encode())
        newer = crypto.encrypt_text("value")
        assert crypto.is_current(newer.encode())
    with override_settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY]):
        assert crypto.decrypt_text(newer) == "value"


def test_development_key_only_with_debug(settings):
    with override_settings(FIELD_ENCRYPTION_KEYS=[], FIELD_ENCRYPTION_DEV_KEY_ALLOWED=True):
        assert crypto.configured_keys() == [crypto.development_key(settings.SECRET_KEY)]
        assert crypto.decrypt_text(crypto.encrypt_text("dev")) == "dev"
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[], FIELD_ENCRYPTION_DEV_KEY_ALLOWED=False),
        pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS must be set"),
    ):
        crypto.encrypt_text("x")
    assert crypto.development_key("a") != crypto.development_key("b")


def test_a_malformed_key_is_refused_with_a_clear_message():
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=["not-a-key"]),
        pytest.raises(ImproperlyConfigured, match="not a Fernet key"),
    ):
        crypto.encrypt_text("x")


# --- the deploy check --------------------------------------------------------------------------


def test_deploy_check_fails_without_keys_even_with_debug_dev_key():
    with override_settings(FIELD_ENCRYPTION_KEYS=[], FIELD_ENCRYPTION_DEV_KEY_ALLOWED=True):
        errors = check_field_encryption_keys(None)
        assert [e.id for e in errors] == ["uvisa_portal.E001"]
        assert "FIELD_ENCRYPTION_KEYS is not set" in errors[0].msg
        # Registered as a deploy check: `check --deploy` reports it.
        assert "uvisa_portal.E001" in {e.id for e in run_checks(include_deployment_checks=True)}
        assert "uvisa_portal.E001" not in {e.id for e in run_checks()}
    with override_settings(FIELD_ENCRYPTION_KEYS=["nonsense"]):
        assert [e.id for e in check_field_encryption_keys(None)] == ["uvisa_portal.E002"]
    assert check_field_encryption_keys(None) == []


# --- the fields --------------------------------------------------------------------------------


def test_victim_fields_are_stored_encrypted_and_read_back(personas):
    request = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        victim_family_name="Zyxwvut",
        victim_a_number="A123456789",
        victim_date_of_birth=datetime.date(1990, 2, 3),
        narrative="Line one\nline two",
        victim_preferred_language="other",
        victim_preferred_language_other="Kayah",
    )
    for column, plain in [
        ("victim_family_name", "Zyxwvut"),
        ("victim_preferred_language", "other"),
        ("victim_preferred_language_other", "Kayah"),
        ("victim_a_number", "A123456789"),
        ("victim_date_of_birth", "1990-02-03"),
        ("narrative", "Line one"),
    ]:
        raw = _raw(CertificationRequest, request.pk, column)
        assert raw.startswith("gAAAAA") and plain not in raw
    fresh = CertificationRequest.objects.get(pk=request.pk)
    assert fresh.victim_family_name == "Zyxwvut"
    assert fresh.victim_a_number == "A123456789"
    assert fresh.victim_date_of_birth == datetime.date(1990, 2, 3)
    assert fresh.narrative == "Line one\nline two"
    # Blank and missing values stay blank and NULL: the purge's blanks, "is it filled in".
    assert _raw(CertificationRequest, request.pk, "victim_middle_name") == ""
    assert _raw(CertificationRequest, request.pk, "child_turns_21_on") is None
    assert fresh.child_turns_21_on is None
    # An update() goes through the field too.
    CertificationRequest.objects.filter(pk=request.pk).update(victim_given_name="Plokmijn")
    assert "Plokmijn" not in _raw(CertificationRequest, request.pk, "victim_given_name")
    assert CertificationRequest.objects.get(pk=request.pk).victim_given_name == "Plokmijn"
    values = CertificationRequest.objects.filter(pk=request.pk).values_list(
        "victim_date_of_birth", flat=True
    )
    assert list(values) == [datetime.date(1990, 2, 3)]


def test_family_member_message_and_event_text_is_encrypted(personas):
    request = make_request(organization=personas.org_a, created_by=personas.advocate_a)
    member = FamilyMember.objects.create(request=request, full_name="Qwertz", relationship="son")
    message = Message.objects.create(request=request, author=personas.advocate_a, body="Qwertz")
    assert "Qwertz" not in _raw(FamilyMember, member.pk, "full_name")
    assert "son" not in _raw(FamilyMember, member.pk, "relationship")
    assert "Qwertz" not in _raw(Message, message.pk, "body")
    assert Message.objects.get(pk=message.pk).body == "Qwertz"
    for event in request.events.exclude(note=""):
        assert _raw(type(event), event.pk, "note").startswith("gAAAAA")


def test_encrypted_fields_cannot_be_searched_or_sorted_on(personas):
    make_request(organization=personas.org_a, created_by=personas.advocate_a)
    with pytest.raises(FieldError, match="search by reference"):
        list(CertificationRequest.objects.filter(victim_family_name="Doe"))
    with pytest.raises(FieldError):
        list(CertificationRequest.objects.filter(victim_family_name__icontains="Doe"))
    with pytest.raises(FieldError):
        list(CertificationRequest.objects.filter(victim_date_of_birth__year=1990))
    # Blank and null remain answerable.
    assert CertificationRequest.objects.filter(victim_middle_name="").count() == 1
    assert CertificationRequest.objects.filter(victim_date_of_birth__isnull=False).count() == 1


def test_max_length_limits_the_plain_text_in_forms():
    class MemberForm(forms.ModelForm):
        class Meta:
            model = FamilyMember
            fields = ["full_name", "relationship"]

    assert MemberForm({"full_name": "x" * 200, "relationship": "aunt"}).is_valid()
    too_long = MemberForm({"full_name": "x" * 201, "relationship": "aunt"})
    assert not too_long.is_valid()
    assert "at most 200 characters" in too_long.errors["full_name"][0]


def test_a_value_under_an_unknown_key_is_an_error_on_read(personas):
    request = make_request(
        organization=personas.org_a, created_by=personas.advocate_a, victim_family_name="Doe"
    )
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY]),
        pytest.raises(crypto.DecryptionError),
    ):
        CertificationRequest.objects.get(pk=request.pk)


# --- TOTP secrets ------------------------------------------------------------------------------


def test_totp_secrets_go_through_the_key_ring(personas):
    secret = give_totp(personas.advocate_a)
    stored = Authenticator.objects.get(user=personas.advocate_a, type=Authenticator.Type.TOTP)
    assert stored.data["secret"].startswith("gAAAAA")
    assert secret not in stored.data["secret"]
    assert decrypt(stored.data["secret"]) == secret == totp_secret_for(personas.advocate_a.email)
    assert encrypt("a") != encrypt("a")
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY]),
        pytest.raises(crypto.DecryptionError),
    ):
        decrypt(stored.data["secret"])


def test_the_mfa_migration_encrypts_plain_secrets_once_and_reverses(personas):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0006_encrypt_mfa_secrets")
    user = personas.advocate_a
    Authenticator.objects.filter(user=user).delete()
    plain = Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    already = Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": encrypt("00ff"), "migrated_codes": ["12345678"], "used_mask": 0},
    )
    migration.encrypt_secrets(apps, None)
    plain.refresh_from_db()
    already.refresh_from_db()
    once = (plain.data, already.data)
    assert plain.data["secret"].startswith("gAAAAA")
    assert decrypt(plain.data["secret"]) == "JBSWY3DPEHPK3PXP"
    assert decrypt(already.data["seed"]) == "00ff"  # not encrypted twice
    assert decrypt(already.data["migrated_codes"][0]) == "12345678"
    assert already.data["used_mask"] == 0
    migration.encrypt_secrets(apps, None)  # again: nothing changes
    plain.refresh_from_db()
    already.refresh_from_db()
    assert (plain.data, already.data) == once
    migration.decrypt_secrets(apps, None)
    plain.refresh_from_db()
    already.refresh_from_db()
    assert plain.data["secret"] == "JBSWY3DPEHPK3PXP"
    assert already.data["seed"] == "00ff"
    assert already.data["migrated_codes"] == ["12345678"]


# --- the storage -------------------------------------------------------------------------------


def test_a_stored_file_under_an_unknown_key_is_refused(media_root):
    name = default_storage.save("attachments/report", ContentFile(b"%PDF-1.7 evidence"))
    assert not (media_root / name).read_bytes().startswith(b"%PDF")
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY]),
        pytest.raises(crypto.DecryptionError),
    ):
        default_storage.open(name)
    assert default_storage.open(name).read() == b"%PDF-1.7 evidence"


def test_the_default_storage_is_the_encrypting_one():
    from uvisa_portal.storage import EncryptedFileSystemStorage

    assert isinstance(default_storage, EncryptedFileSystemStorage)
