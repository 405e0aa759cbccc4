"""The README tells the truth: its URL map and CLI section are checked against the code (STYLE §10)."""

from __future__ import annotations

import re

import pytest

from netzwerke_kg.cli import build_parser

README = (__import__("pathlib").Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    """The text of one `## title` section of the README."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.S | re.M)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def _normalise(rule: str) -> str:
    """A Flask rule or a README path with every placeholder reduced to `{}`."""
    rule = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "{}", rule)
    rule = re.sub(r"\{[^}]*\}", "{}", rule)
    return rule.replace("{}.{}", "{}")  # `{slug}.{ext}` in prose is one path segment of a rule


def test_every_route_is_in_the_url_map(root, built_dist):
    """Each rule of the app's url_map appears in the README's URL map table, and nothing more."""
    from netzwerke_kg.config import Settings
    from netzwerke_kg.web import create_app

    app = create_app(Settings(root=root, dist=built_dist))
    table = _section("URL map")
    documented = set()
    for cell in re.findall(r"^\| (.+?) \| ", table, re.M):
        for path in re.findall(r"`([^`]+)`", cell):
            documented.add(_normalise(path.split("?")[0].replace("…", "{}")))
    rules = {_normalise(r.rule) for r in app.url_map.iter_rules()}
    missing = sorted(r for r in rules if r not in documented)
    assert not missing, f"routes missing from the README URL map: {missing}"
    stale = sorted(d for d in documented if d not in rules and not d.startswith("/ontology#"))
    assert not stale, f"README URL map names routes that do not exist: {stale}"


def _verbs():
    """The CLI's verbs and their subparsers."""
    parser = build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return action.choices


@pytest.mark.parametrize("verb", sorted(_verbs()))
def test_every_cli_verb_and_option_is_documented(verb):
    """Each verb has a row in the README's command table naming each of its options."""
    table = _section("Command line")
    rows = [r for r in re.findall(r"^\| `netzwerke-kg ([a-z]+)(.*?)` \|", table, re.M) if r[0] == verb]
    assert rows, f"`netzwerke-kg {verb}` is not in the README"
    documented = rows[0][1]
    sub = _verbs()[verb]
    for action in sub._actions:
        longs = [o for o in action.option_strings if o.startswith("--")]
        if not longs or longs[0] in {"--help", "--root"}:
            continue
        assert longs[0] in documented, f"README row for {verb} lacks {longs[0]}"
    assert "--root" in table, "the README must say that --root chooses another project"
