"""The benchmark harness runs end to end on tiny settings: every contender, every case, sane numbers.

Not a speed test: ``python -m bench --quick`` (1 s per case, one repetition) against real servers
(our gunicorn, the hello app, Oxigraph's server, rdflib-endpoint, a private Virtuoso), and the
assertions are about the shape and plausibility of what it wrote.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.cases import CASES, CONTENDERS
from tests.conftest import require_tool

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent



@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One quick benchmark run into a temporary directory; (exit code, parsed JSON, out dir)."""
    require_tool("wrk", "the HTTP load generator (Debian wrk)")
    require_tool("virtuoso-t", "Virtuoso's own endpoint is a contender")
    require_tool("isql-vt", "loads the dump into Virtuoso")
    for tool in ("oxigraph", "rdflib-endpoint"):
        if not (BIN / tool).exists():
            require_tool(str(BIN / tool), "a contender from the [bench] extra")
    out = tmp_path_factory.mktemp("bench")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BENCH_", "NETZWERKE_KG_"))}
    proc = subprocess.run([sys.executable, "-m", "bench", "--quick", "--out", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    result = json.loads((out / "latest.json").read_text()) if (out / "latest.json").exists() else None
    return proc, result, out


@pytest.mark.slow
@pytest.mark.virtuoso
def test_quick_run_succeeds_and_writes_every_file(quick_run):
    """Exit 0, and the JSON, the Markdown table and a real PNG chart are written."""
    proc, result, out = quick_run
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert result is not None
    assert (out / "latest.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = (out / "latest.md").read_text()
    for name in CONTENDERS:
        assert f"| {name} |" in table


@pytest.mark.slow
@pytest.mark.virtuoso
def test_every_contender_ran_every_case_with_the_expected_answer(quick_run):
    """Each contender's cases were checked (status as expected) and measured, none skipped."""
    _, result, _ = quick_run
    assert set(result["contenders"]) == set(CONTENDERS)
    rows = {(r["contender"], r["case"]): r for r in result["rows"]}
    expected = {(name, case) for name, (_, cases) in CONTENDERS.items() for case in cases}
    assert set(rows) == expected
    for key, row in rows.items():
        assert "error" not in row, (key, row.get("error"), row["check"])
        assert row["check"]["status"] == CASES[row["case"]].expect, key
        assert len(row["runs"]) == result["meta"]["reps"] == 1


@pytest.mark.slow
@pytest.mark.virtuoso
def test_the_same_query_gives_the_same_rows_everywhere(quick_run):
    """Same dump, same query: every SPARQL contender answers each case with the same row count."""
    _, result, _ = quick_run
    by_case: dict[str, set] = {}
    for row in result["rows"]:
        if "rows" in row["check"]:
            by_case.setdefault(row["case"], set()).add(row["check"]["rows"])
    assert by_case["select-repeated"] == {50}
    for case, counts in by_case.items():
        assert len(counts) == 1 and min(counts) > 0, (case, counts)


@pytest.mark.slow
@pytest.mark.virtuoso
def test_numbers_are_plausible(quick_run):
    """Rates are finite and non-negative, every contender answered, the ceiling is its own ratio 1."""
    _, result, _ = quick_run
    assert result["ceiling_rps"] > 0
    served: dict[str, int] = {}
    for row in result["rows"]:
        s = row["stats"]
        assert 0 <= s["min"] <= s["median"] <= s["max"] and math.isfinite(s["max"])
        assert s["status_errors"] == 0, row  # socket errors at a run's cut-off are wrk's, not ours
        served[row["contender"]] = served.get(row["contender"], 0) + sum(r["requests"] for r in row["runs"])
        if row["stats"]["median"] > 0:
            assert 0 < s["p50_ms"] <= s["p99_ms"]
    assert all(n > 0 for n in served.values()), served
    hello = next(r for r in result["rows"] if r["contender"] == "hello")
    assert hello["ratio_ceiling"] == pytest.approx(1.0)


@pytest.mark.slow
@pytest.mark.virtuoso
def test_every_target_is_decided(quick_run):
    """Each target of the issue whose rows got answers in the run gets a value and a pass or miss."""
    _, result, _ = quick_run
    medians = {(r["contender"], r["case"]): r["stats"]["median"] for r in result["rows"]}
    assert len(result["targets"]) >= 10
    decided = 0
    for t in result["targets"]:
        inputs = [medians[tuple(i)] for i in t["inputs"]]
        if all(m > 0 for m in inputs):  # a 1 s smoke run may end before a slow contender answers
            assert t["verdict"] in {"pass", "miss"}, t
            assert t["value"] > 0
            decided += 1
        else:
            assert t["verdict"] == "not measured" or t["value"] == 0, t
    assert decided >= len(result["targets"]) // 2


def test_synthetic_data_passes_our_shapes(tmp_path):
    """10^3 generated triples validate against shapes/ with 0 violations, in the model's shapes."""
    import pyoxigraph as ox

    from bench.synthetic import generate
    from netzwerke_kg.kg.validation import validate_project

    plan = generate(tmp_path / "root", 1000)["plan"]
    report = validate_project(tmp_path / "root")
    assert report.violations == [] and report.conforms, report.to_text()
    store = ox.Store()
    for f in sorted((tmp_path / "root" / "data").glob("*.ttl")):
        store.load(path=str(f), format=ox.RdfFormat.TURTLE)
    assert 800 <= len(store) <= 1200  # "about 10^3"

    def count(cls: str) -> int:
        """Instances of ``cls`` in the generated data."""
        return int(next(iter(store.query(f"SELECT (COUNT(?x) AS ?n) WHERE {{ ?x a <{cls}> }}")))["n"].value)

    assert count("https://schema.org/City") == plan["cities"]
    assert count("https://w3id.org/netzwerke-kg/ontology#CityNetwork") == plan["networks"]
    assert count("http://www.w3.org/ns/org#Membership") == 2 * plan["cities"]  # every city in two networks


def test_synthetic_data_is_deterministic(tmp_path):
    """The same size gives byte-identical files; another size gives more data."""
    from bench.synthetic import generate

    a = generate(tmp_path / "a", 1000)
    b = generate(tmp_path / "b", 1000)
    assert a["files"] == b["files"]
    for name in a["files"]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    c = generate(tmp_path / "c", 3000)
    assert c["plan"]["cities"] > a["plan"]["cities"]
