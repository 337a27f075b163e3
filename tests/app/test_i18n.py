"""API messages in the reader's language: the Welsh catalogue covers every message, and each request gets its
language from the signed-in user's choice, else Accept-Language."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from server.auth.models import User
from server.extensions import db
from server.i18n import po_path
from tests.factories import PASSWORD
from tests.sessions import headers_for

SERVER = Path(__file__).resolve().parents[2] / "server"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]")


def _source_messages() -> set[str]:
    """Every msgid marked in server/, as `pybabel extract -k N_` finds it."""
    return {message for _file, _line, message, _comments, _context in extract_from_dir(
        str(SERVER), method_map=[("**.py", "python")], keywords={"_": None, "N_": None})}


def _welsh() -> dict[str, str]:
    with po_path("cy").open("rb") as po:
        return {m.id: m.string for m in read_po(po) if m.id}


def test_every_api_message_has_a_welsh_translation_and_none_is_stale():
    source, welsh = _source_messages(), _welsh()
    assert len(source) > 100  # the extraction really found the messages
    assert sorted(source - welsh.keys()) == [], "add them to the Welsh .po (README: English and Welsh)"
    assert sorted(welsh.keys() - source) == [], "these Welsh messages are no longer used"
    assert [m for m, text in welsh.items() if not text.strip()] == []
    assert [m for m, text in welsh.items() if sorted(PLACEHOLDER.findall(m)) != sorted(PLACEHOLDER.findall(text))] == []


def _shadowing_functions(path: Path) -> list[str]:
    found = []
    for fn in ast.walk(ast.parse(path.read_text())):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        args = fn.args
        names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a}
        names |= {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        calls = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_" for n in ast.walk(fn))
        if "_" in names and calls:
            found.append(f"{path.relative_to(SERVER.parent)}:{fn.lineno} {fn.name}")
    return found


def test_no_function_hides_the_translation_function_behind_a_local_underscore():
    # `def check(self, data, **_)` or `rules, _ = ...` makes `_("...")` in that function call the local instead.
    assert [hit for path in SERVER.rglob("*.py") for hit in _shadowing_functions(path)] == []


def _speaks(user: User, language: str) -> None:
    user.language = language
    db.session.commit()


def test_a_welsh_user_gets_welsh_error_messages(client, world):
    worker = world.alpha.worker_users[0]
    _speaks(worker, "cy")
    r = client.get("/api/v1/visits/987654", headers=headers_for(worker))
    assert r.status_code == 404
    assert r.get_json()["error"] == {"code": "not_found", "message": "Heb ddod o hyd i'r ymweliad", "details": {}}
    _speaks(worker, "en")
    assert client.get("/api/v1/visits/987654", headers=headers_for(worker)).get_json()["error"]["message"] == (
        "Visit not found")


def test_the_users_choice_beats_the_browsers_language(client, world):
    coordinator = world.alpha.coordinator
    headers = {**headers_for(coordinator), "Accept-Language": "cy"}
    # Until they choose, the browser's language serves; once they choose English, English it is.
    assert client.get("/api/v1/visits/987654", headers=headers).get_json()["error"]["message"] == \
        "Heb ddod o hyd i'r ymweliad"
    assert client.patch("/api/v1/auth/me", json={"language": "en"}, headers=headers).status_code == 200
    r = client.get("/api/v1/visits/987654", headers=headers)
    assert r.get_json()["error"]["message"] == "Visit not found"


def test_without_a_user_the_accept_language_header_chooses(client, world):
    wrong = {"email": "w1@alpha.example", "password": "not the password"}
    welsh = client.post("/api/v1/auth/login", json=wrong, headers={"Accept-Language": "cy-GB, en;q=0.5"})
    assert welsh.get_json()["error"]["message"] == "Mae'r e-bost neu'r cyfrinair yn anghywir"
    english = client.post("/api/v1/auth/login", json=wrong, headers={"Accept-Language": "fr, de"})
    assert english.get_json()["error"]["message"] == "Email or password is wrong"


def test_field_messages_are_welsh_too(client, world):
    worker = world.alpha.worker_users[0]
    _speaks(worker, "cy")
    r = client.patch("/api/v1/auth/me", json={"language": "cy", "colour": 1}, headers=headers_for(worker))
    assert r.status_code == 422
    assert r.get_json()["error"]["message"] == "Mewnbwn annilys"
    assert r.get_json()["error"]["details"]["fields"] == {"colour": ["Maes anhysbys."]}


def test_a_user_sets_their_own_language_and_sees_it_on_me(client, world):
    worker = world.alpha.worker_users[0]
    headers = headers_for(worker)
    assert client.get("/api/v1/auth/me", headers=headers).get_json()["language"] is None  # not chosen yet
    r = client.patch("/api/v1/auth/me", json={"language": "cy"}, headers=headers)
    assert r.status_code == 200 and r.get_json()["language"] == "cy"
    assert client.get("/api/v1/auth/me", headers=headers).get_json()["language"] == "cy"
    # Signing in again (another device) brings the choice along.
    login = client.post("/api/v1/auth/login", json={"email": worker.email, "password": PASSWORD})
    assert login.get_json()["user"]["language"] == "cy"


def test_an_unknown_language_is_refused_and_changes_nothing(client, world):
    worker = world.alpha.worker_users[0]
    r = client.patch("/api/v1/auth/me", json={"language": "fr"}, headers=headers_for(worker))
    assert r.status_code == 422 and "language" in r.get_json()["error"]["details"]["fields"]
    db.session.expire_all()
    assert db.session.get(User, worker.id).language is None


def test_a_missing_record_names_what_is_missing_in_the_readers_language(client, world):
    """not_found takes a whole message, so each kind of record says which one is missing, in Welsh too."""
    admin = world.alpha.admin
    english = client.patch("/api/v1/care-packages/987654", json={"ends_on": "2026-12-31"}, headers=headers_for(admin))
    assert english.status_code == 404 and english.get_json()["error"]["message"] == "Care package not found"
    _speaks(admin, "cy")
    welsh = client.patch("/api/v1/care-packages/987654", json={"ends_on": "2026-12-31"}, headers=headers_for(admin))
    assert welsh.get_json()["error"]["message"] == "Heb ddod o hyd i'r pecyn gofal"
