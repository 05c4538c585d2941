# The application image used by docker-compose.yml for web, worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATIC_ROOT=/srv/static \
    MEDIA_ROOT=/srv/media

# WeasyPrint's libraries; harfbuzz-subset keeps CJK PDFs fast, Noto CJK renders Chinese.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so code changes reuse this layer.
COPY pyproject.toml ./
RUN pip install . && rm -rf build anquan_zhiben.egg-info

COPY . .

# Collected at build time so the image also serves static files on its own (and a stylesheet
# pointing at a missing file fails the build). The key is a throwaway for this step only.
RUN DEBUG=false SECRET_KEY=collectstatic-build-only-not-a-secret \
        python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin anquan \
    && mkdir -p /srv/media \
    && chown -R anquan:anquan /srv/static /srv/media

USER anquan
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", \
     "--access-logfile", "-"]
