import pytest

from certifications.services.editions import form_editions_load_data


@pytest.fixture(autouse=True)
def _form_editions(request):
    """The editions the data migration loads. A test that flushes the database at its end
    (transactional_db, live_server) removes them for a later run with --reuse-db."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    form_editions_load_data()
