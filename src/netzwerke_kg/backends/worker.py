"""A query worker process: loads the store once, then answers requests framed on stdin/stdout.

pyoxigraph cannot cancel a running query in-process, so the embedded backend runs queries here
and kills the whole process when one overruns (see pool.py). Run as
``python -m netzwerke_kg.backends.worker [--nq FILE] [--void FILE --void-graph IRI]``.
The protocol is length-prefixed pickles between trusted processes of our own.
"""

from __future__ import annotations

import argparse
import pickle
import struct
import sys

import pyoxigraph as ox

from netzwerke_kg.backends import results

_HEADER = struct.Struct(">Q")


def write_frame(stream, obj) -> None:
    """Write one length-prefixed pickle and flush."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def read_frame(stream):
    """Read one length-prefixed pickle; None at end of input (the parent went away)."""
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(head)
    return pickle.loads(stream.read(size))


def load_store(nq: str | None, void: str | None, void_graph: str | None) -> ox.Store:
    """An in-memory store with the dump's quads and the VoID description in its own graph."""
    store = ox.Store()
    if nq:
        store.bulk_load(path=nq, format=ox.RdfFormat.N_QUADS)
    if void and void_graph:
        store.bulk_load(path=void, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(void_graph))
    return store


def execute(store: ox.Store, req: dict) -> dict:
    """Run one query request against ``store``; the answer is a picklable dict."""
    kwargs: dict = {}
    if req.get("default_graphs") is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in req["default_graphs"]]
    else:
        # The default graph is the union of the named graphs (our dataset contract, docs/model.md).
        kwargs["use_default_graph_as_union"] = True
    if req.get("named_graphs") is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in req["named_graphs"]]
    try:
        answer = store.query(req["sparql"], **kwargs)
    except SyntaxError as exc:
        return {"ok": False, "kind": "syntax", "message": str(exc)}
    except (OSError, ValueError, TypeError) as exc:
        return {"ok": False, "kind": "error", "message": str(exc)}
    cap = req.get("max_rows")
    try:
        if isinstance(answer, ox.QueryBoolean):
            return {"ok": True, "form": "ASK", "boolean": bool(answer)}
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            solutions, truncated = results.capped(answer, cap)
            rows = [tuple(results.from_ox(solution[v]) for v in variables) for solution in solutions]
            return {"ok": True, "form": "SELECT", "vars": variables, "rows": rows, "truncated": truncated}
        triples, truncated = results.unique_triples(answer, cap)
        return {"ok": True, "form": "GRAPH", "triples": triples, "truncated": truncated}
    except (OSError, ValueError) as exc:  # evaluation errors surface while iterating
        return {"ok": False, "kind": "error", "message": str(exc)}


def main(argv: list[str] | None = None) -> int:
    """Load the store, announce readiness, then serve requests until stdin closes."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--nq")
    parser.add_argument("--void")
    parser.add_argument("--void-graph")
    args = parser.parse_args(argv)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # Nothing else may write to the protocol stream.
    sys.stdout = sys.stderr
    try:
        store = load_store(args.nq, args.void, args.void_graph)
    except (OSError, SyntaxError, ValueError) as exc:
        write_frame(stdout, {"ok": False, "kind": "load", "message": f"cannot load the store: {exc}"})
        return 2
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    write_frame(stdout, {"ok": True, "ready": True, "quads": len(store), "graphs": graphs})
    while True:
        req = read_frame(stdin)
        if req is None:
            return 0
        if req.get("op") == "ping":
            write_frame(stdout, {"ok": True, "quads": len(store), "graphs": graphs})
        else:
            try:
                answer = execute(store, req)
            except Exception as exc:  # noqa: BLE001 - report any engine failure; the worker must live on
                answer = {"ok": False, "kind": "error", "message": f"{type(exc).__name__}: {exc}"}
            write_frame(stdout, answer)


if __name__ == "__main__":
    sys.exit(main())
