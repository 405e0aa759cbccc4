"""kg.diff and `netzwerke-kg diff`: two builds of a changed fixture differ by exactly the changed triples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV, RDF

from netzwerke_kg.kg.diff import DELTA, compare, read_project, read_release, read_revision, summary

sys.path.insert(0, str(Path(__file__).parent))
from release_fixture import CHANGE_ADDED, CHANGE_REMOVED, GRAPH, build_edition, make_project  # noqa: E402


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """Release directories of edition 1 and edition 2 of the fixture project."""
    where = tmp_path_factory.mktemp("editions")
    return build_edition(where, 1), build_edition(where, 2)


def _graph(turtle: str) -> Graph:
    """Turtle text parsed."""
    return Graph().parse(data=turtle, format="turtle")


def test_diff_of_two_builds_names_exactly_the_changed_triples(editions):
    """Added and removed are the hand-written change, all in the one changed graph."""
    diff = compare(read_release(editions[0]), read_release(editions[1]))
    assert set(diff.added) == {GRAPH} and set(diff.removed) == {GRAPH}
    assert diff.added[GRAPH] == set(_graph(CHANGE_ADDED))
    assert diff.removed[GRAPH] == set(_graph(CHANGE_REMOVED))


def test_diff_summary_tells_the_change_in_words(editions):
    """The readable summary says who left, how many coordinates came and which claim was added."""
    lines = summary(compare(read_release(editions[0]), read_release(editions[1])))
    assert lines[0] == "12 triples added, 7 removed"
    assert set(lines[1:]) == {"Kemi left the UBC", "3 coordinates added",
                              "the UBC member count claim of 2025 added"}


def test_diff_of_a_release_with_itself_is_empty(editions):
    """No change, no triples, and the summary says so."""
    side = read_release(editions[0])
    diff = compare(side, side)
    assert diff.empty and summary(diff) == ["no change"]


def test_diff_as_trig_is_a_prov_activity_with_added_and_removed_graphs(editions):
    """The TriG parses; the activity links graphs that hold exactly the added and removed triples."""
    old, new = read_release(editions[0]), read_release(editions[1])
    ds = Dataset(default_union=True)
    ds.parse(data=compare(old, new).to_trig(), format="trig")
    activities = list(ds.subjects(RDF.type, PROV.Activity))
    assert len(activities) == 1
    activity = activities[0]
    assert str(ds.value(activity, PROV.used)).endswith(old.release)
    assert str(ds.value(activity, PROV.generated)).endswith(new.release)
    inserted = [ds.graph(URIRef(g)) for g in ds.objects(activity, DELTA.insertion)]
    deleted = [ds.graph(URIRef(g)) for g in ds.objects(activity, DELTA.deletion)]
    assert len(inserted) == len(deleted) == 1
    assert isomorphic(inserted[0], _graph(CHANGE_ADDED))
    assert isomorphic(deleted[0], _graph(CHANGE_REMOVED))


def test_diff_of_git_revisions_reads_the_sources_at_each_revision(tmp_path):
    """Two commits of the fixture project differ as the two builds do."""
    root = make_project(tmp_path / "repo", 1)
    git = lambda *a: subprocess.run(["git", "-C", str(root), *a], check=True,  # noqa: E731
                                    capture_output=True, text=True).stdout.strip()
    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "edition 1")
    make_project(root, 2)
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", "edition 2")
    diff = compare(read_revision(root, "HEAD~1"), read_revision(root, "HEAD"))
    assert diff.added[GRAPH] == set(_graph(CHANGE_ADDED))
    assert diff.removed[GRAPH] == set(_graph(CHANGE_REMOVED))
    # the working tree as a side: unchanged since HEAD
    assert compare(read_revision(root, "HEAD"), read_project(root)).empty


def test_cli_diff_prints_summary_json_and_trig(editions):
    """`netzwerke-kg diff OLD NEW` in its three formats; a bad side exits 2 with a message."""
    run = lambda *a: subprocess.run([sys.executable, "-m", "netzwerke_kg", "diff", *map(str, a)],  # noqa: E731
                                    capture_output=True, text=True)
    text = run(*editions)
    assert text.returncode == 0 and "Kemi left the UBC" in text.stdout.splitlines()[2]
    data = json.loads(run(*editions, "--format", "json").stdout)
    assert (data["added"], data["removed"]) == (12, 7)
    trig = run(*editions, "--format", "trig")
    assert len(Dataset().parse(data=trig.stdout, format="trig")) == 12 + 7 + 4 + 2 * 5
    bad = run(editions[0], "no-such-revision-or-dir", "--root", editions[0])
    assert bad.returncode == 2 and "no-such-revision-or-dir" in bad.stderr and "Traceback" not in bad.stderr


def test_cli_diff_takes_release_ids_of_the_project_dist(tmp_path):
    """Both editions built into one dist/: `diff <id> <id>` finds them under ROOT/dist/releases."""
    from netzwerke_kg.kg.build import build

    root = tmp_path / "project"
    ids = []
    for edition in (1, 2):
        make_project(root, edition)
        build(root, root / "dist")
        ids.append((root / "dist" / "current").resolve().name)
    run = subprocess.run([sys.executable, "-m", "netzwerke_kg", "diff", *ids, "--root", str(root),
                          "--format", "json"], capture_output=True, text=True)
    data = json.loads(run.stdout)
    assert (data["old"]["release"], data["new"]["release"]) == tuple(ids)
    assert (data["added"], data["removed"]) == (12, 7)
