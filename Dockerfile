# Caremon's image: the web app by default; the same image runs the scheduler (`caremon scheduler`).
FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels && useradd --system --home-dir /srv caremon
USER caremon
WORKDIR /srv
EXPOSE 8000 9100
HEALTHCHECK --interval=30s --timeout=5s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"]
CMD ["caremon", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "4"]
