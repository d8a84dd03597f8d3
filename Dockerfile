# Production image: the portal under gunicorn; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/var/lib/uvisa
# WeasyPrint needs Pango, and subsets fonts with HarfBuzz (libharfbuzz-subset0; without it
# WeasyPrint falls back to the slower fontTools and warns on every render); fonts cover the
# names of Minnesota's communities (Latin with Vietnamese, Yoruba and Hawaiian marks; Ethiopic,
# Arabic, Myanmar) and emoji (templates/documents/print.css).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-dejavu-core fonts-noto-core fonts-noto-color-emoji curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
# The media folder exists in the image, owned by the portal user, so the named volume mounted
# there (docker-compose.yml) starts with that owner and the portal can store uploads.
RUN SECRET_KEY=collectstatic-only DEBUG=0 python manage.py collectstatic --noinput \
 && useradd --system --home /app portal && mkdir -p /var/lib/uvisa/media \
 && chown -R portal /var/lib/uvisa
USER portal
EXPOSE 8000
# The same settings as the web service of docker-compose.yml (a test compares them): three
# workers, and a minute before a stuck request is given up.
CMD ["gunicorn", "uvisa_portal.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
