"""The PWA's message catalogue: every area complete in English and Welsh, and every key the screens use defined.

The area files are ES modules; node reads them exactly as the browser does (each imported from a data: URL, as
the files import nothing), so any valid way of writing one is understood.
"""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess

import pytest

from server.web.shell import PWA_DIR

JS = PWA_DIR / "js"
MESSAGES = JS / "messages"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# t("area.key") and t('area.key', {...}) with a literal key; keys built at run time are checked where they are made.
USED_KEY = re.compile(r"""\bt\(\s*(["'])([a-z][\w-]*\.[\w.-]+)\1""")

# The files come on stdin: together they are larger than one command-line argument may be (128 kB on Linux).
READER = """
let input = "";
for await (const chunk of process.stdin) input += chunk;
const files = JSON.parse(input);
const out = {};
for (const [name, source] of Object.entries(files)) {
  out[name] = (await import(`data:text/javascript;base64,${source}`)).default;
}
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def areas() -> dict[str, dict]:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is missing: apt-get install -y nodejs")
        pytest.skip("node is missing: apt-get install -y nodejs to check the PWA's catalogues")
    files = {path.stem: base64.b64encode(path.read_bytes()).decode() for path in sorted(MESSAGES.glob("*.js"))}
    done = subprocess.run([node, "--input-type=module", "-e", READER], input=json.dumps(files),
                          capture_output=True, text=True, timeout=30, check=True)
    return json.loads(done.stdout)


def test_every_area_has_english_and_welsh_with_the_same_keys(areas):
    assert {"common", "shell", "auth"} <= areas.keys()
    for name, area in areas.items():
        assert set(area) == {"en", "cy"}, name
        assert sorted(area["en"].keys() - area["cy"].keys()) == [], f"{name}: missing in Welsh"
        assert sorted(area["cy"].keys() - area["en"].keys()) == [], f"{name}: missing in English"


def test_keys_are_prefixed_with_their_area_and_no_message_is_empty(areas):
    for name, area in areas.items():
        for language, messages in area.items():
            assert [k for k in messages if not k.startswith(f"{name}.")] == [], f"{name}.js {language}"
            assert [k for k, v in messages.items() if not isinstance(v, str) or not v.strip()] == [], name


def test_no_key_is_defined_by_two_areas(areas):
    seen: dict[str, str] = {}
    for name, area in areas.items():
        for key in area["en"]:
            assert key not in seen, f"{key} in {seen.get(key)} and {name}"
            seen[key] = name


def test_placeholders_are_the_same_in_both_languages(areas):
    for area in areas.values():
        differ = [k for k, text in area["en"].items()
                  if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(area["cy"].get(k, "")))]
        assert differ == []


def test_every_area_file_is_registered_in_i18n_js(areas):
    source = (JS / "i18n.js").read_text(encoding="utf-8")
    imported = dict(re.findall(r'import (\w+) from "\./messages/([\w-]+)\.js";', source))
    registered = re.search(r"const AREAS = \[([^\]]*)\]", source).group(1)
    for name in areas:
        variable = next((var for var, file in imported.items() if file == name), None)
        assert variable, f"messages/{name}.js is not imported by i18n.js"
        assert re.search(rf"\b{variable}\b", registered), f"{name} is not in AREAS"


def test_every_key_the_screens_use_exists(areas):
    defined = {key for area in areas.values() for key in area["en"]}
    missing = []
    for path in sorted(JS.rglob("*.js")):
        if MESSAGES in path.parents or path.name == "i18n.js":  # i18n.js names a key only in its comment
            continue
        for match in USED_KEY.finditer(path.read_text(encoding="utf-8")):
            if match.group(2) not in defined:
                missing.append(f"{path.relative_to(JS)}: {match.group(2)}")
    assert missing == []


def test_the_check_sees_the_keys_in_use():
    """The key pattern really finds calls (so the test above cannot pass by matching nothing)."""
    login = (JS / "screens" / "login.js").read_text(encoding="utf-8")
    assert "auth.login_title" in {m.group(2) for m in USED_KEY.finditer(login)}
