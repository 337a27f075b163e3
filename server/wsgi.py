"""WSGI entry point for gunicorn: `gunicorn server.wsgi:app`."""
import gc

from server import create_app

app = create_app()
# What the app holds from its start (modules, models, compiled statements) lives as long as the worker: frozen,
# a full collection no longer walks it, so a report that builds tens of thousands of rows does not pay for it.
gc.freeze()
