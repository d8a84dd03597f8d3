import pytest


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files of this test go to a fresh directory (scanned by the canary tests)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "uvisa_portal.storage.EncryptedFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"
