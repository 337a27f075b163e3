"""Settings: config/default.toml, then CAREMON_* environment variables, then explicit overrides."""
from __future__ import annotations

import os
import tomllib

from server.paths import shipped

CONFIG_DIR = shipped("config")


class SettingsError(RuntimeError):
    """A setting the app cannot start without; the CLI shows its message alone, as it says what to do."""


def _coerce(raw: str, like: object) -> object:
    """Environment values are strings; give them the type of the default they replace."""
    if isinstance(like, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(like, int):
        return int(raw)
    if isinstance(like, float):
        return float(raw)
    return raw


def load_settings(overrides: dict | None = None, environ: dict | None = None) -> dict:
    environ = os.environ if environ is None else environ
    with open(CONFIG_DIR / "default.toml", "rb") as fh:
        settings = tomllib.load(fh)
    for key, value in environ.items():
        if key.startswith("CAREMON_"):
            name = key[len("CAREMON_"):].lower()
            settings[name] = _coerce(value, settings.get(name, ""))
    settings.update(overrides or {})
    return settings
