# syntax=docker/dockerfile:1.7
# KeyPick image. Targets:
#   runtime (default)  API and workers, ~small, non-root
#   browser            runtime + Debian Chromium + Playwright for the browser signer (douyin, zhihu, kuaishou)

ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/keypick
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/keypick/bin/pip install --upgrade pip && /opt/keypick/bin/pip install .

FROM builder AS builder-browser
RUN /opt/keypick/bin/pip install ".[browser]"

FROM python:${PYTHON_VERSION}-slim AS runtime
ENV PATH=/opt/keypick/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    ENVIRONMENT=production \
    PORT=8080 \
    KEYPICK_DATA_DIR=/data \
    KEYPICK_METRICS_PORT=9091
RUN useradd --system --uid 10001 --home-dir /data keypick && mkdir -p /data && chown keypick /data
COPY --from=builder /opt/keypick /opt/keypick
USER keypick
WORKDIR /data
EXPOSE 8080 9091
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"8080\")}/health', timeout=4)"
CMD ["keypick", "serve"]

FROM runtime AS browser
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*
COPY --from=builder-browser /opt/keypick /opt/keypick
ENV KEYPICK_BROWSER_EXECUTABLE=/usr/bin/chromium
USER keypick
