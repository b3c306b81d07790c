# One image for web, worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# pango for WeasyPrint; fonts-dejavu-core ("DejaVu Sans", "DejaVu Serif") is the Cyrillic font of the PDFs
# (evaluation/pdf.css), needed by the Russian reports; gettext for the catalogue.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pip install -c constraints.txt . \
 && DEBUG=False SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py collectstatic --noinput -v 0
RUN useradd --system --home /app portal && mkdir -p /data/media && chown -R portal /data /app
USER portal
EXPOSE 8000
# gunicorn reads its settings from gunicorn.conf.py in the working directory.
CMD ["gunicorn", "pragueprocess.wsgi:application"]
