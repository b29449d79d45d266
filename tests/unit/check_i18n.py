#!/usr/bin/env python3
"""Fails when en, ru, es and pt differ in keys, when a value is empty or uses a word Kommo's users do not, or when a
"ui.*" key used in the widget's or the relay's sources (or an error key in shared/) is missing from the language files.

usage: check_i18n.py <repository root>
"""
import json, pathlib, re, sys

root = pathlib.Path(sys.argv[1])

def keys(value, prefix=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from keys(v, f"{prefix}{k}.")
    else:
        yield prefix[:-1], value

problems = []
tables = {}
for lang in ("en", "ru", "es", "pt"):
    tables[lang] = dict(keys(json.loads((root / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))))
all_keys = set().union(*[set(t) for t in tables.values()])
for lang, table in tables.items():
    for key in sorted(all_keys - set(table)):
        problems.append(f"i18n/{lang}.json lacks {key}")
    for key, value in table.items():
        if not isinstance(value, str) or not value.strip():
            problems.append(f"i18n/{lang}.json: {key} is empty")

# Users read Kommo's own words: Russian Kommo says "сделка" (never "лид"), and no language but English says "relay".
forbidden = {"ru": re.compile(r"(?i)(^|[^а-яё])лид|relay|рел[её]"), "es": re.compile(r"(?i)relay"), "pt": re.compile(r"(?i)relay")}
for lang, pattern in forbidden.items():
    for key, value in tables[lang].items():
        if isinstance(value, str) and pattern.search(value):
            problems.append(f"i18n/{lang}.json: {key} uses a word Kommo's {lang} users do not: {value}")

used = set()
pattern = re.compile(r'"(ui\.[a-z0-9_.]+)"')
for folder in ("widget", "relay", "shared"):
    for path in (root / folder).rglob("*.[ch]pp"):
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            if not key.endswith("."):
                used.add((key, path.relative_to(root)))
for key, path in sorted(used):
    if key not in tables["en"]:
        problems.append(f"{path} uses {key}, which i18n/en.json does not have")

manifest = json.loads((root / "web" / "kommo" / "manifest.json").read_text(encoding="utf-8"))
for field in ("name", "description", "short_description"):
    if manifest["widget"][field] not in tables["en"]:
        problems.append(f"manifest.json widget.{field} names a missing key")
for name, setting in manifest.get("settings", {}).items():
    if setting["name"] not in tables["en"]:
        problems.append(f"manifest.json setting {name} names a missing key")

for p in problems:
    print(p)
print(f"{len(used)} keys used in code, {len(all_keys)} keys in each language, {len(problems)} problems")
sys.exit(1 if problems else 0)
