"""The build as a whole: deterministic, atomic, refusing bad input, publishing under any base IRI.

Everything destructive works on a copy of the project (ontology/, data/, shapes/) in tmp_path.
pySHACL is the slow part of a build, so tests about writing (not about validating) reuse the
report of the one real build of the copy instead of validating the same sources again.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from netzwerke_kg.cli import main
from netzwerke_kg.kg import build as kgbuild
from netzwerke_kg.kg import release
from netzwerke_kg.kg.build import build, ensure_built, is_stale, issued_time
from netzwerke_kg.kg.sources import SourceSyntaxError, load_sources
from netzwerke_kg.namespaces import DEFAULT_BASE_IRI

OTHER_BASE = "https://example.org/kg/"


def copy_project(root: Path, dest: Path) -> Path:
    """A copy of the product directories of ``root`` under ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for kind in ("ontology", "data", "shapes"):
        if (root / kind).is_dir():
            shutil.copytree(root / kind, dest / kind)
    return dest


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file of the current release as dist/ shows it (name → bytes, through its links)."""
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def leftovers(parent: Path) -> list[str]:
    """Build temp directories left beside dist/ or among its releases."""
    found = [p.name for p in parent.iterdir() if p.name.startswith(".dist.")]
    releases = parent / "dist" / "releases"
    if releases.is_dir():
        found += [p.name for p in releases.iterdir() if p.name.startswith(".")]
    return sorted(found)


def touch_sources(project: Path) -> None:
    """Add one triple to the sources, so the next build is a new release (another release id)."""
    first = sorted((project / "data").glob("*.ttl"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n<https://w3id.org/netzwerke-kg/id/city/rostock> "
                     "<http://www.w3.org/2000/01/rdf-schema#comment> \"touched\"@en .\n", encoding="utf-8")


@pytest.fixture(scope="module")
def good(tmp_path_factory, root):
    """A copy of the project, one real build of it, and that build's validation report."""
    project = copy_project(root, tmp_path_factory.mktemp("good") / "project")
    result = build(project, project / "dist")
    return project, result, result.report


@pytest.fixture
def project(good, tmp_path, monkeypatch):
    """A fresh copy of the project with a copy of the good dist/; validation reuses the report."""
    src, _, report = good
    proj = copy_project(src, tmp_path / "project")
    shutil.copytree(src / "dist", proj / "dist", symlinks=True)
    monkeypatch.setattr(kgbuild, "_validate", lambda root, sources: report)
    return proj


def test_two_builds_in_two_processes_are_byte_identical(good, tmp_path):
    """Another copy at another path, another process, another hash seed: the same bytes, every file."""
    src, _, _ = good
    other = copy_project(src, tmp_path / "elsewhere" / "copy")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    run = subprocess.run([sys.executable, "-m", "netzwerke_kg", "build", "--root", str(other),
                          "--out", str(tmp_path / "second")],
                         capture_output=True, text=True, env=env, timeout=600, check=False)
    assert run.returncode == 0, run.stderr
    first, second = snapshot(src / "dist"), snapshot(tmp_path / "second")
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def test_build_writes_every_agreed_file(good):
    """The file names fixed between the parts of the project."""
    _, result, _ = good
    names = set(snapshot(result.out))
    dumps = {f"netzwerke-kg.{ext}" for ext in ("trig", "nq", "ttl", "nt", "jsonld", "rdf")}
    tables = {f"{t}{ext}" for t in ("networks", "cities", "memberships", "sources", "claims")
              for ext in (".csv", ".csv-metadata.json")}  # CSV + CSVW (#13)
    assert names == dumps | {f"{d}.gz" for d in dumps} | tables | {
        "context.jsonld", "void.ttl", "validation.ttl", "SHA256SUMS", "manifest.json",
        "datapackage.json", "ro-crate-metadata.json"}
    assert result.manifest == json.loads((result.out / "manifest.json").read_text())
    assert result.summary().startswith(f"built {result.out}")


def test_invalid_data_exits_1_prints_the_report_and_leaves_dist_untouched(good, tmp_path, capsys):
    """A membership without member, organisation or source is refused; dist/ stays byte-for-byte."""
    src, _, _ = good
    proj = copy_project(src, tmp_path / "project")
    shutil.copytree(src / "dist", proj / "dist", symlinks=True)
    before = snapshot(proj / "dist")
    (proj / "data" / "zz-broken.ttl").write_text(
        "@prefix org: <http://www.w3.org/ns/org#> .\n"
        "<https://w3id.org/netzwerke-kg/id/membership/broken> a org:Membership .\n", encoding="utf-8")
    assert main(["build", "--root", str(proj)]) == 1
    out, err = capsys.readouterr()
    assert "https://w3id.org/netzwerke-kg/id/membership/broken" in out  # the report names the resource
    assert "refused" in err
    assert snapshot(proj / "dist") == before
    assert leftovers(proj) == []


def test_a_serialiser_failing_midway_leaves_dist_untouched(project, monkeypatch):
    """An exception while rendering (RDF/XML here, after the other dumps) changes nothing."""
    before = snapshot(project / "dist")

    def broken(*args, **kwargs):
        """A serialiser that fails."""
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(kgbuild.dumps, "rdfxml", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        build(project, project / "dist")
    assert snapshot(project / "dist") == before
    assert leftovers(project) == []


@pytest.mark.parametrize("error", [OSError("no space left on device"), KeyboardInterrupt()])
def test_an_interrupt_while_writing_files_leaves_dist_untouched(project, monkeypatch, error):
    """Failing after some files are on disk (e.g. Ctrl-C): dist/ unchanged, temp dir removed."""
    before = snapshot(project / "dist")
    touch_sources(project)
    calls = {"n": 0}
    real_fsync = os.fsync

    def fsync(fd):
        """Fail on the fifth file."""
        calls["n"] += 1
        if calls["n"] == 5:
            raise error
        real_fsync(fd)

    monkeypatch.setattr(kgbuild.os, "fsync", fsync)
    with pytest.raises(type(error)):
        build(project, project / "dist")
    assert calls["n"] == 5
    assert snapshot(project / "dist") == before
    assert leftovers(project) == []


def test_a_new_release_switches_current_and_keeps_the_previous_one(project):
    """A rebuild of changed sources is a new release directory; ``current`` points at it; the
    previous release stays whole beside it (for permalinks and diffs), its checksums intact."""
    old = release.current_dir(project / "dist")
    touch_sources(project)
    build(project, project / "dist")
    new = release.current_dir(project / "dist")
    assert new != old and old.is_dir()
    assert release.verify(old)["release"] != release.verify(new)["release"]
    assert snapshot(project / "dist")["manifest.json"] == (new / "manifest.json").read_bytes()
    assert leftovers(project) == []


def test_a_failed_switch_leaves_the_old_release_current(project, monkeypatch):
    """If pointing ``current`` at the new release fails, the old one is still what dist/ serves."""
    before = snapshot(project / "dist")
    real_relink = release._relink

    def relink(link, target):
        """Refuse to switch ``current``."""
        if link.name == "current":
            raise OSError("simulated failure")
        real_relink(link, target)

    monkeypatch.setattr(release, "_relink", relink)
    touch_sources(project)
    with pytest.raises(OSError, match="simulated"):
        build(project, project / "dist")
    assert snapshot(project / "dist") == before
    assert leftovers(project) == []


def test_a_damaged_release_is_refused_at_start_up_naming_the_file(project):
    """A flipped byte in a dump: verify (run by every server at start-up) names the file."""
    nq = release.current_dir(project / "dist") / "netzwerke-kg.nq"
    data = bytearray(nq.read_bytes())
    data[len(data) // 2] ^= 0x01
    os.chmod(nq, 0o644)
    nq.write_bytes(bytes(data))
    with pytest.raises(release.CorruptRelease, match="netzwerke-kg.nq"):
        release.verify(release.current_dir(project / "dist"))


def test_turtle_syntax_error_exits_2_naming_file_and_line(project, capsys):
    """A typo in a data file: exit 2, the message names the file and the line."""
    before = snapshot(project / "dist")
    (project / "data" / "typo.ttl").write_text(
        "@prefix schema: <https://schema.org/> .\n\n"
        "<https://w3id.org/netzwerke-kg/id/city/x> schema:name \"x\" ;;; ] .\n", encoding="utf-8")
    assert main(["build", "--root", str(project)]) == 2
    err = capsys.readouterr().err
    m = re.search(r"(\S+\.ttl):(\d+)", err)
    assert m and (m.group(1), int(m.group(2))) == ("data/typo.ttl", 3), err
    with pytest.raises(SourceSyntaxError) as exc:
        build(project, project / "dist")
    assert exc.value.location.line == 3
    assert snapshot(project / "dist") == before


def _iris(path: Path, fmt, context: dict | None = None) -> set[str]:
    """Every IRI in an RDF file (subjects, predicates, objects, graph names, datatypes)."""
    data = path.read_bytes()
    if context is not None:  # JSON-LD names its context by IRI; inline the published one
        doc = json.loads(data)
        doc["@context"] = context
        data = json.dumps(doc).encode()
    found: set[str] = set()
    for q in ox.parse(data, format=fmt, base_iri="https://example.invalid/"):
        for t in (q.subject, q.predicate, q.object, q.graph_name):
            if isinstance(t, ox.NamedNode):
                found.add(t.value)
            elif isinstance(t, ox.Literal):
                found.add(t.datatype.value)
    return found


def test_base_iri_rewrites_every_iri_in_every_output(good, project, tmp_path):
    """--base-iri: no IRI under the canonical base is left in any file; nothing else changes."""
    _, canonical, _ = good
    out = tmp_path / "rebased"
    assert main(["build", "--root", str(project), "--out", str(out), "--base-iri", OTHER_BASE]) == 0
    context = json.loads((out / "context.jsonld").read_text())
    rdf_files = {"netzwerke-kg.nq": ox.RdfFormat.N_QUADS, "netzwerke-kg.trig": ox.RdfFormat.TRIG,
                 "netzwerke-kg.ttl": ox.RdfFormat.TURTLE, "netzwerke-kg.nt": ox.RdfFormat.N_TRIPLES,
                 "netzwerke-kg.rdf": ox.RdfFormat.RDF_XML, "netzwerke-kg.jsonld": ox.RdfFormat.JSON_LD,
                 "void.ttl": ox.RdfFormat.TURTLE, "validation.ttl": ox.RdfFormat.TURTLE}
    for name, fmt in rdf_files.items():
        iris = _iris(out / name, fmt, context["@context"] if name.endswith(".jsonld") else None)
        assert not [i for i in iris if i.startswith(DEFAULT_BASE_IRI)], name
        assert any(i.startswith(OTHER_BASE) for i in iris), name
    assert not [v for v in context["@context"].values() if v.startswith(DEFAULT_BASE_IRI)]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["base_iri"] == OTHER_BASE
    assert all(g.startswith(f"{OTHER_BASE}graph/") for g in manifest["graphs"])
    assert json.loads((out / "netzwerke-kg.jsonld").read_text())["@context"] == f"{OTHER_BASE}context.jsonld"
    # the same statements: mapping the base back gives exactly the canonical build's N-Quads
    rebased = (out / "netzwerke-kg.nq").read_text().replace(OTHER_BASE, DEFAULT_BASE_IRI)
    assert set(rebased.splitlines()) == set((canonical.out / "netzwerke-kg.nq").read_text().splitlines())


def test_is_stale_and_ensure_built(project, tmp_path):
    """Stale when missing, when a source changes or the base differs; ensure_built rebuilds then."""
    out = tmp_path / "dist"
    assert is_stale(project, out)
    assert ensure_built(project, out) is not None
    assert not is_stale(project, out)
    assert ensure_built(project, out) is None  # up to date: nothing done
    assert is_stale(project, out, base_iri=OTHER_BASE)
    first = sorted((project / "data").glob("*.ttl"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert is_stale(project, out)
    result = ensure_built(project, out)
    assert result is not None and not is_stale(project, out)
    (out / "netzwerke-kg.nq").unlink()
    assert is_stale(project, out)


def test_issued_comes_from_source_date_epoch_git_or_the_sources_never_the_clock(project, monkeypatch):
    """SOURCE_DATE_EPOCH wins; in git with committed sources the commit time; else the sources."""
    sources = load_sources(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert issued_time(project, sources) == ("2023-11-14T22:13:20Z", "SOURCE_DATE_EPOCH")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    issued, origin = issued_time(project, sources)
    assert origin in ("sources", "epoch")  # a tmp copy is no git checkout
    assert issued_time(project, sources) == (issued, origin)
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    env = {**os.environ, "GIT_AUTHOR_DATE": "2024-05-06T07:08:09Z", "GIT_COMMITTER_DATE": "2024-05-06T07:08:09Z",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    for args in (["init", "-q"], ["add", "ontology", "data", "shapes"], ["commit", "-q", "-m", "sources"]):
        subprocess.run([git, "-C", str(project), *args], check=True, env=env, capture_output=True)
    assert issued_time(project, sources) == ("2024-05-06T07:08:09Z", "git")
    # an uncommitted edit: the commit time no longer describes the sources
    first = sorted((project / "data").glob("*.ttl"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert issued_time(project, sources)[1] != "git"


@pytest.mark.parametrize("bad", ["not an iri", "https://example.org/kg", "https://exa mple.org/"])
def test_unusable_base_iri_exits_2_before_touching_anything(project, capsys, bad):
    """A base IRI must be absolute and end in '/' or '#'; otherwise exit 2, dist/ unchanged."""
    before = snapshot(project / "dist")
    assert main(["build", "--root", str(project), "--base-iri", bad]) == 2
    assert "base IRI" in capsys.readouterr().err
    assert snapshot(project / "dist") == before


def test_temp_dirs_of_a_killed_build_are_removed_by_the_next(project):
    """A build killed with SIGKILL leaves its temp dir; the next build (holding the lock) removes it."""
    for zombie in (project / ".dist.new-zombie", project / "dist" / "releases" / ".new-zombie"):
        zombie.mkdir()
        (zombie / "netzwerke-kg.nq").write_text("half a file")
    build(project, project / "dist")
    assert leftovers(project) == []


def test_concurrent_ensure_built_builds_once(project, tmp_path):
    """Two servers starting at once: the lock makes the second see the first one's fresh build."""
    import threading

    out = tmp_path / "dist"
    results = []
    threads = [threading.Thread(target=lambda: results.append(ensure_built(project, out))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert len(results) == 2 and sum(r is not None for r in results) == 1
    assert not is_stale(project, out) and leftovers(tmp_path) == []
