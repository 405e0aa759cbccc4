"""Query execution on a pyoxigraph store: in-process for our own queries, in sandboxed workers for users'.

``execute`` runs one query request and returns neutral terms (results.py); ``answer`` also
serialises it, so an untrusted query's result crosses the worker boundary once, as the bytes
sent to the client. A worker process is usually forked from the web worker that already holds
the store (copy-on-write: no second copy of the data, no reload after a kill); where fork is not
available it is started as ``python -m netzwerke_kg.backends.worker --nq FILE …`` and loads the
store itself. Either way it confines itself (sandbox.py) before it reads a request. The protocol
is length-prefixed pickles over pipes between trusted processes of our own.
"""

from __future__ import annotations

import argparse
import os
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


def dataset_options(req: dict) -> dict:
    """pyoxigraph dataset keywords for a request (SPARQL 1.1 Query §13.2, Protocol §2.1.4).

    ``default_graphs`` / ``named_graphs`` are the protocol's default-graph-uri / named-graph-uri
    (None: not given). Given either, they define the whole dataset: the one left out is empty.
    Given neither, a query with FROM / FROM NAMED gets the dataset it names, and a query without
    gets our dataset: the union of the named graphs as default graph, every named graph by name.
    """
    dg, ng = req.get("default_graphs"), req.get("named_graphs")
    if dg is not None or ng is not None:
        return {"default_graph": [ox.NamedNode(g) for g in dg or []],
                "named_graphs": [ox.NamedNode(g) for g in ng or []]}
    if req.get("query_dataset"):
        return {}  # the engine applies the query's own FROM / FROM NAMED
    return {"use_default_graph_as_union": True}


def execute(store: ox.Store, req: dict) -> dict:
    """Run one query request against ``store``; the neutral answer (see common.QueryRunner._run)."""
    try:
        answer = store.query(req["sparql"], base_iri=req.get("base_iri"), **dataset_options(req))
    except SyntaxError as exc:
        return {"ok": False, "kind": "syntax", "message": str(exc)}
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
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
    except (OSError, ValueError, RuntimeError) as exc:  # evaluation errors surface while iterating
        return {"ok": False, "kind": "error", "message": str(exc)}


def answer(store: ox.Store, req: dict) -> dict:
    """``execute``, then serialise as ``req["render"]`` asks (common.render): bytes for the client."""
    from netzwerke_kg.backends.common import render

    neutral = execute(store, req)
    if not neutral.get("ok") or "render" not in req:
        return neutral
    return render(neutral, **req["render"])


def serve(store: ox.Store, rfile, wfile, ready: dict) -> int:
    """Announce readiness, then answer requests until the parent closes the pipe."""
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    write_frame(wfile, {"ok": True, "ready": True, "quads": len(store), "graphs": graphs, **ready})
    while True:
        req = read_frame(rfile)
        if req is None:
            return 0
        if req.get("op") == "ping":
            write_frame(wfile, {"ok": True, "quads": len(store), "graphs": graphs, **ready})
            continue
        try:
            reply = answer(store, req)
        except MemoryError:
            # Over RLIMIT_AS: say so, then exit; the pool replaces this worker.
            write_frame(wfile, {"ok": False, "kind": "memory", "message": "memory limit reached"})
            return 3
        except Exception as exc:  # noqa: BLE001 - report any engine failure; the worker must live on
            reply = {"ok": False, "kind": "error", "message": f"{type(exc).__name__}: {exc}"}
        write_frame(wfile, reply)


def main(argv: list[str] | None = None) -> int:
    """Load the store, confine this process, then serve requests on stdin/stdout."""
    from netzwerke_kg.backends import sandbox

    parser = argparse.ArgumentParser()
    parser.add_argument("--nq")
    parser.add_argument("--void")
    parser.add_argument("--void-graph")
    parser.add_argument("--parent", type=int, default=os.getppid())
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--network", action="store_true", help="keep network access (SERVICE allowlist)")
    args = parser.parse_args(argv)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # Nothing else may write to the protocol stream.
    sys.stdout = sys.stderr
    sandbox.die_with_parent(args.parent)
    try:
        store = load_store(args.nq, args.void, args.void_graph)
    except (OSError, SyntaxError, ValueError) as exc:
        write_frame(stdout, {"ok": False, "kind": "load", "message": f"cannot load the store: {exc}"})
        return 2
    ready = sandbox.confine(args.parent, args.memory_mb, network=args.network)
    return serve(store, stdin, stdout, ready)


if __name__ == "__main__":
    sys.exit(main())
