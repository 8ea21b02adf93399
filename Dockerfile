# Scoutly processor image: Debian bookworm + Debian's chromium (no browser download at build time), non-root.
# Builds natively on a Raspberry Pi 5 (arm64) and on amd64: `docker compose build`.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    SCOUTLY_CHROMIUM_PATH=/usr/bin/chromium \
    SCOUTLY_LOG_DIR=/var/log/scoutly

# Debian's chromium is what Playwright drives (executable_path); fonts so pages lay out as in a desktop
# browser; tini reaps Chromium's helper processes so none are left as zombies. Chromium's sandbox needs user
# namespaces, which Docker's default seccomp profile forbids: with SCOUTLY_CHROMIUM_SANDBOX=auto it runs without
# it here (one warning at start), and this non-root container without capabilities is the boundary.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-liberation fonts-noto-core ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 scoutly \
 && useradd --system --uid 10001 --gid scoutly --create-home --home-dir /home/scoutly scoutly \
 && mkdir -p /var/log/scoutly && chown scoutly:scoutly /var/log/scoutly

WORKDIR /opt/scoutly
# Dependencies first (cached layer), then the package itself.
COPY pyproject.toml README.md ./
COPY scoutly ./scoutly
RUN pip install . && scoutly --version

USER scoutly
WORKDIR /home/scoutly
ENTRYPOINT ["/usr/bin/tini", "--", "scoutly"]
CMD ["process"]
