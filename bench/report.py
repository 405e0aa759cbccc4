"""Turn the runs into numbers (min/median/max, ratios, targets) and write JSON, Markdown and a chart.

Ratios are taken within one run only: the machine is shared and noisy, so absolute req/s move
from run to run while the ratio of two contenders measured side by side moves much less.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from bench.cases import CASES, CONTENDERS

#: the stack's ceiling every row is compared with
CEILING = ("hello", "hello")


def summarise(runs: list[dict]) -> dict:
    """min, median and max of req/s over the repetitions, and the median p50/p99 latency."""
    rps = [r["rps"] for r in runs]
    return {
        "min": min(rps), "median": statistics.median(rps), "max": max(rps),
        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "p99_ms": statistics.median(r["p99_ms"] for r in runs),
        "errors": sum(sum(r["errors"].values()) for r in runs),
        # answers outside 2xx/3xx (wrk's "status" count); the rest are socket errors and timeouts
        "status_errors": sum(r["errors"]["status"] for r in runs),
    }


def _ratio(a: float | None, b: float | None) -> float | None:
    """a / b, None when either is missing or b is zero."""
    if a is None or not b:
        return None
    return a / b


def targets(rows: dict) -> list[dict]:
    """The targets of issue #7 §3 that one HTTP run can decide, each with its value and pass/miss."""
    def rps(contender, case):
        """The median req/s of one row, None if it was not measured."""
        row = rows.get((contender, case))
        return row["stats"]["median"] if row and row.get("stats") else None

    def p50(contender, case):
        """The median p50 latency (ms) of one row."""
        row = rows.get((contender, case))
        return row["stats"]["p50_ms"] if row and row.get("stats") else None

    ours_vs = [("ours", "select-repeated", *CEILING, "repeated SELECT ≥ 0.8× ceiling", ">=", 0.8),
               ("ours", "page", *CEILING, "resource page ≥ 0.3× ceiling", ">=", 0.3),
               ("ours", "revalidate", *CEILING, "304 revalidation ≥ 0.7× ceiling", ">=", 0.7)]
    for case in ("cheap-distinct", "costly-distinct", "select-distinct"):
        name = CASES[case].label.split(" (")[0]
        ours_vs += [("ours", case, "oxigraph", case, f"{name}: ahead of Oxigraph's server", ">", 1.0),
                    ("ours", case, "virtuoso", case, f"{name}: ahead of Virtuoso", ">", 1.0),
                    ("ours", case, "rdflib-endpoint", case, f"{name}: ≥ 10× rdflib-endpoint", ">=", 10.0)]
    out = [(name, _ratio(rps(a, ac), rps(b, bc)), op, goal, [(a, ac), (b, bc)])
           for a, ac, b, bc, name, op, goal in ours_vs]
    for case in ("select-distinct", "cheap-distinct", "costly-distinct"):
        name = CASES[case].label.split(" (")[0]
        out.append((f"over Virtuoso, {name}: p50 latency ≤ 1.5× Virtuoso's own",
                    _ratio(p50("ours-remote", case), p50("virtuoso", case)), "<=", 1.5,
                    [("ours-remote", case), ("virtuoso", case)]))
    result = []
    for name, value, op, goal, inputs in out:
        if value is None:
            verdict = "not measured"
        else:
            ok = {"<=": value <= goal, ">=": value >= goal, ">": value > goal}[op]
            verdict = "pass" if ok else "miss"
        result.append({"target": name, "value": value, "op": op, "goal": goal, "verdict": verdict,
                       "inputs": [list(i) for i in inputs]})
    return result


def assemble(meta: dict, contenders: dict, measured: dict) -> dict:
    """The whole result: every row with its stats and ratios, and the targets."""
    rows = {}
    for (contender, case), data in measured.items():
        entry = {"contender": contender, "case": case, "label": CASES[case].label, **data}
        if data.get("runs"):
            entry["stats"] = summarise(data["runs"])
        rows[(contender, case)] = entry
    ceiling = rows.get(CEILING, {}).get("stats", {}).get("median")
    for (contender, case), entry in rows.items():
        # Same dump, same query: every contender must give the same number of rows.
        counts = {r["check"].get("rows") for (_, c), r in rows.items() if c == case and "rows" in r["check"]}
        entry["rows_agree"] = len(counts) <= 1
        if entry.get("stats"):
            entry["ratio_ceiling"] = _ratio(entry["stats"]["median"], ceiling)
            engine = rows.get(("oxigraph", case), {}).get("stats")
            entry["ratio_oxigraph"] = _ratio(entry["stats"]["median"], engine["median"]) if engine else None
    return {"meta": meta, "contenders": contenders, "ceiling_rps": ceiling,
            "rows": list(rows.values()), "targets": targets(rows)}


def _fmt(x: float | None, digits: int = 2) -> str:
    """A number for the table, or a dash."""
    return "–" if x is None else f"{x:,.{digits}f}"


def markdown(result: dict) -> str:
    """The Markdown report: meta line, the table of rows, the targets."""
    m = result["meta"]
    lines = [
        f"Run {m['started']} on {m['cpus']} CPUs ({m['load']}), commit {m['commit']}; "
        f"wrk {m['threads']} threads, {m['connections']} connections, {m['seconds']} s × {m['reps']} "
        f"repetitions per case; {m['workers']} gunicorn workers each; dump of {m['triples']:,} quads"
        + (" — QUICK smoke run, numbers meaningless" if m["quick"] else "") + ".",
        "",
        "gunicorn (same launcher for hello and ours): "
        + "; ".join(x for x in m.get("gunicorn", []) if "Booting" not in x)
        + f"; {sum('Booting' in x for x in m.get('gunicorn', []))} workers booted.",
        "",
        "| contender | request | req/s median (min–max) | × ceiling | × Oxigraph | p50 / p99 ms | answer |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        s = row.get("stats")
        check = row.get("check", {})
        answer = f"{check.get('status', '?')}"
        if "rows" in check:
            answer += f", {check['rows']} rows" + ("" if row.get("rows_agree", True) else " (≠ others!)")
        elif check.get("bytes"):
            answer += f", {check['bytes']:,} B"
        if row.get("error"):
            answer += f" — {row['error']}"
        elif s and s["errors"]:
            answer += f" — {s['errors']} errors"
        if s:
            rate = f"{s['median']:,.0f} ({s['min']:,.0f}–{s['max']:,.0f})"
            lat = f"{s['p50_ms']:.1f} / {s['p99_ms']:.1f}"
        else:
            rate, lat = "not run", "–"
        lines.append(f"| {row['contender']} | {row['label']} | {rate} | {_fmt(row.get('ratio_ceiling'), 3)} "
                     f"| {_fmt(row.get('ratio_oxigraph'))} | {lat} | {answer} |")
    lines += ["", "| target (issue #7 §3) | measured | verdict |", "|---|---|---|"]
    for t in result["targets"]:
        lines.append(f"| {t['target']} | {_fmt(t['value'], 2)} | **{t['verdict']}** |")
    return "\n".join(lines) + "\n"


def chart(result: dict, path: Path) -> None:
    """A horizontal bar chart of every row's ratio to the ceiling (log scale), one colour per contender."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in result["rows"] if r.get("ratio_ceiling")]
    names = list(CONTENDERS)
    colours = dict(zip(names, plt.get_cmap("tab10").colors))
    fig, ax = plt.subplots(figsize=(10, 0.32 * len(rows) + 1.5))
    labels = [f"{r['contender']}: {r['case']}" for r in rows]
    values = [r["ratio_ceiling"] for r in rows]
    ax.barh(range(len(rows)), values, color=[colours[r["contender"]] for r in rows])
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.axvline(1.0, color="black", linewidth=0.8)
    for i, v in enumerate(values):
        ax.text(v, i, f" {v:.2g}", va="center", fontsize=7)
    ax.set_xlabel('req/s ÷ bare Flask "hello" under the same gunicorn (log scale)')
    ax.set_title(f"netzwerke-kg side by side, {result['meta']['started']}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(result: dict, out: Path, stem: str = "latest") -> dict:
    """Write ``{stem}.json``, ``{stem}.md`` and ``{stem}.png`` into ``out``; their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / f"{stem}.json", "md": out / f"{stem}.md", "png": out / f"{stem}.png"}
    paths["json"].write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    paths["md"].write_text(markdown(result))
    chart(result, paths["png"])
    return paths
