"""What a new password must be: long enough, and not one that guessing tries early.

zxcvbn judges guessability: it knows the 30,000 most common leaked passwords (with their
capitalised, l33t and reversed forms), keyboard walks, sequences, repeats and dates, and
scores 0-4 by the guesses needed (2 means about 10^8, out of reach of a throttled login).
The policy covers passwords set through the API; `caremon demo` seeds its hashes directly.
"""
from __future__ import annotations

from zxcvbn import zxcvbn

from server.i18n import _

MAX_LENGTH = 200
# zxcvbn refuses longer input; a password whose first 72 characters are hard to guess is hard to guess.
_JUDGED_LENGTH = 72


def problems(password: str, *, min_length: int, min_score: int, user_inputs: tuple[str, ...] = ()) -> list[str]:
    """Messages for the person choosing the password; empty when it will do."""
    if len(password) < min_length:
        return [_("Use at least %(count)s characters.", count=min_length)]
    if len(password) > MAX_LENGTH:
        return [_("Use at most %(count)s characters.", count=MAX_LENGTH)]
    verdict = zxcvbn(password[:_JUDGED_LENGTH], user_inputs=list(user_inputs))
    if verdict["score"] >= min_score:
        return []
    feedback = verdict["feedback"]
    reason = feedback["warning"] or _("This password is easy to guess.")
    return [f"{reason} {' '.join(feedback['suggestions'])}".strip()]
