# Copy of a Copy: one container serving the Streamlit app on port 8501.
# Build: docker build -t copy-of-a-copy .   Run: docker run -p 8501:8501 copy-of-a-copy
# Replicas behind a proxy share one cookie secret: -e STREAMLIT_SERVER_COOKIE_SECRET=...

# Stage 1: install the pinned requirements into a virtualenv (pip and its caches stay here).
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-cache-dir --only-binary=:all: -r /tmp/requirements.txt

# Stage 2: the runtime: the same slim base, the virtualenv, the app, a user without rights.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
# Each session's script runs in its own thread: two malloc arenas instead of 8 a core keep
# the server's memory from creeping up after a crowd leaves (bench/load.py, as `make run`).
ENV MALLOC_ARENA_MAX=2
RUN useradd --no-log-init --create-home --uid 10001 --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The code belongs to root: the server can read it, never rewrite it.
COPY . .
USER 10001
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"]
# README's `make run`: the port and every other setting come from .streamlit/config.toml.
CMD ["streamlit", "run", "app.py", "--server.port", "8501"]
