"""Translated text for API messages: `_("Visit %(id)s not found", id=5)`.

Every user-facing message goes through `_` so it can come from the message catalogue.
"""


def _(message: str, **values) -> str:
    return message % values if values else message
