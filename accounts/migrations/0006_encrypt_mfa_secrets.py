# TOTP secrets and recovery-code seeds stored before the MFA adapter encrypted them
# (accounts.adapters.PortalMFAAdapter) are encrypted in place. Values the key ring already
# opens are left alone, so the migration can run on a database that holds both. Reversible.

from django.db import migrations

from uvisa_portal import crypto

# The values allauth passes through the adapter's encrypt() (allauth.mfa.totp and
# allauth.mfa.recovery_codes): one string per key, or a list of strings.
SECRET_KEYS = ("secret", "seed", "migrated_codes")


def _convert(apps, change):
    Authenticator = apps.get_model("mfa", "Authenticator")
    # Read whole before writing: one row per enrolled user, few enough.
    for authenticator in list(Authenticator.objects.order_by("pk")):
        data = dict(authenticator.data or {})
        for key in SECRET_KEYS:
            value = data.get(key)
            if isinstance(value, str) and value:
                data[key] = change(value)
            elif isinstance(value, list):
                data[key] = [change(v) if isinstance(v, str) and v else v for v in value]
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


def encrypt_secrets(apps, schema_editor):
    _convert(apps, lambda v: v if crypto.opens(v) else crypto.encrypt_text(v))


def decrypt_secrets(apps, schema_editor):
    _convert(apps, lambda v: crypto.decrypt_text(v) if crypto.opens(v) else v)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_administrators_not_superusers_and_approval"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
