"""CITATION.cff is valid per cffconvert and agrees with the release's version; VERSION drives it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from netzwerke_kg.kg.release import declared_version
from tests.conftest import require_tool

ROOT = Path(__file__).resolve().parent.parent


def _cffconvert() -> str:
    """The cffconvert of this virtualenv, else one on PATH (skip, or fail under CI, without it)."""
    local = Path(sys.executable).with_name("cffconvert")
    return str(local) if local.exists() else require_tool("cffconvert", "CITATION.cff is checked by it")


def test_citation_cff_validates():
    """`cffconvert --validate` accepts the repository's CITATION.cff."""
    run = subprocess.run([_cffconvert(), "--validate", "-i", str(ROOT / "CITATION.cff")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_cffconvert_rejects_a_broken_citation(tmp_path):
    """The check can fail: a citation without authors is refused."""
    broken = tmp_path / "CITATION.cff"
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    broken.write_text(text.replace('authors:\n  - name: "The netzwerke-kg project"\n', ""), encoding="utf-8")
    run = subprocess.run([_cffconvert(), "--validate", "-i", str(broken)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode != 0


def test_citation_version_is_the_declared_version():
    """CITATION.cff names the version the VERSION file declares for the next release."""
    import re

    version = re.search(r'^version: "([^"]+)"', (ROOT / "CITATION.cff").read_text(), re.M).group(1)
    assert version == declared_version(ROOT)


def test_version_file_wins_then_exact_git_tag(tmp_path):
    """VERSION's first line is the version; without it, a tag on HEAD; else nothing."""
    assert declared_version(tmp_path) is None
    git = lambda *a: subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t",  # noqa: E731
                                     "-c", "user.email=t@example.org", *a], check=True, capture_output=True)
    git("init", "-q")
    (tmp_path / "a").write_text("x")
    git("add", "a")
    git("commit", "-qm", "one")
    git("tag", "v2.1.0")
    assert declared_version(tmp_path) == "2.1.0"
    (tmp_path / "VERSION").write_text("3.0.0-rc1\n")
    assert declared_version(tmp_path) == "3.0.0-rc1"
