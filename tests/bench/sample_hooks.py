"""Stand-ins for the sweeps and documents the benchmark finds by name (tests only)."""

from certifications.models import CertificationRequest


def sweep_open_requests() -> int:
    return CertificationRequest.objects.open().count()


def another_sweep() -> int:
    return CertificationRequest.objects.overdue().count()


def render_summary(*, request: CertificationRequest) -> bytes:
    return f"%PDF {request.reference}".encode()
