"""Confine a query worker process: no network, bounded memory, dies with its parent.

Untrusted ``/sparql`` text runs in worker processes (pool.py). The lexer in limits.py refuses
SERVICE before the engine sees a query; this module makes sure that even a query the lexer
misread cannot make the engine fetch anything, by taking the ability away from the process:

- **No sockets** (seccomp-bpf, Linux ``seccomp(2)`` via ``prctl(PR_SET_SECCOMP)``): ``socket``,
  ``socketpair``, ``connect``, ``bind``, ``listen``, ``accept``, ``io_uring_setup``, ``execve``
  and ``execveat`` fail with EACCES; the worker talks to its parent over pipes it already holds.
  Calls of another architecture's ABI (x32, i386) kill the process. Where the kernel refuses
  filters (no seccomp, or not x86_64/aarch64), the worker also tries a private network namespace
  (``unshare(CLONE_NEWNET)``: no interface but a down loopback); ``/health`` reports which
  confinement is active, and with neither, says so.
- **Memory**: ``RLIMIT_AS`` = the address space the worker already has (the shared store) plus a
  headroom; an allocation beyond it fails and the worker dies, which the pool reports as a 503
  naming the limit and replaces the worker.
- **Orphans**: ``PR_SET_PDEATHSIG(SIGKILL)``: when the web worker that owns it dies (even by
  SIGKILL), the kernel kills the query worker too.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import resource
import signal
import sys

PR_SET_PDEATHSIG = 1
PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_ALLOW = 0x7FFF0000
CLONE_NEWNET = 0x40000000

# Linux syscall numbers of what a query worker must not do (arch/x86/entry/syscalls/syscall_64.tbl,
# include/uapi/asm-generic/unistd.h for aarch64).
_ARCHES = {
    "x86_64": (0xC000003E, {"socket": 41, "connect": 42, "accept": 43, "bind": 49, "listen": 50,
                            "socketpair": 53, "execve": 59, "accept4": 288, "execveat": 322,
                            "io_uring_setup": 425}),
    "aarch64": (0xC00000B7, {"socket": 198, "socketpair": 199, "bind": 200, "listen": 201,
                             "accept": 202, "connect": 203, "execve": 221, "accept4": 242,
                             "execveat": 281, "io_uring_setup": 425}),
}
X32_SYSCALL_BIT = 0x40000000


class _SockFilter(ctypes.Structure):
    """struct sock_filter (linux/filter.h)."""

    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    """struct sock_fprog (linux/filter.h)."""

    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _bpf_program(arch_id: int, denied: list[int], x32_check: bool) -> list[tuple[int, int, int, int]]:
    """The classic BPF program: check the arch, then deny ``denied`` syscalls with EACCES."""
    ld_abs, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    deny = SECCOMP_RET_ERRNO | errno.EACCES
    prog = [(ld_abs, 0, 0, 4),                       # A = seccomp_data.arch
            (jeq, 1, 0, arch_id),                     # our ABI? skip the kill
            (ret, 0, 0, SECCOMP_RET_KILL_PROCESS),
            (ld_abs, 0, 0, 0)]                        # A = seccomp_data.nr
    if x32_check:
        prog += [(jge, 0, 1, X32_SYSCALL_BIT), (ret, 0, 0, SECCOMP_RET_KILL_PROCESS)]
    for i, nr in enumerate(denied):
        remaining = len(denied) - i - 1
        prog.append((jeq, remaining + 1, 0, nr))     # match: jump to the deny at the end
    prog += [(ret, 0, 0, SECCOMP_RET_ALLOW), (ret, 0, 0, deny)]
    return prog


def _libc():
    """The C library, errors through ctypes.get_errno()."""
    return ctypes.CDLL(None, use_errno=True)


def deny_network() -> str:
    """Install the seccomp filter; a word for /health: "seccomp", or why not."""
    if not sys.platform.startswith("linux"):
        return f"none (seccomp needs Linux, this is {sys.platform})"
    machine = platform.machine()
    if machine not in _ARCHES:
        return f"none (no seccomp table for {machine})"
    arch_id, calls = _ARCHES[machine]
    program = _bpf_program(arch_id, sorted(calls.values()), machine == "x86_64")
    filters = (_SockFilter * len(program))(*[_SockFilter(*ins) for ins in program])
    fprog = _SockFprog(len(program), filters)
    libc = _libc()
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"none (PR_SET_NO_NEW_PRIVS failed: {os.strerror(ctypes.get_errno())})"
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        return f"none (seccomp refused: {os.strerror(ctypes.get_errno())})"
    return "seccomp"


def private_network() -> bool:
    """Move into a new, empty network namespace where the kernel allows it (root or user namespaces)."""
    if not sys.platform.startswith("linux"):
        return False
    return _libc().unshare(CLONE_NEWNET) == 0


def die_with_parent(parent_pid: int) -> None:
    """SIGKILL this process when its parent dies; exit now if the parent is already gone."""
    if sys.platform.startswith("linux"):
        _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(0)


def address_space() -> int:
    """This process's current virtual memory size in bytes (VmSize), 0 when unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cap_memory(headroom_mb: int) -> int | None:
    """Limit the address space to what is mapped now plus ``headroom_mb`` MiB; the limit, or None."""
    if headroom_mb <= 0:
        return None
    limit = address_space() + headroom_mb * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        return None
    return limit


def confine(parent_pid: int, headroom_mb: int, network: bool = False) -> dict:
    """Everything above, in order; what was applied (reported by /health).

    ``network=True`` (only when a SERVICE allowlist is configured: federation needs sockets)
    leaves the network alone; the lexer's allowlist check is then the only guard.
    """
    die_with_parent(parent_pid)
    if network:
        netns, denied = False, "allowed (SERVICE allowlist configured)"
    else:
        netns = private_network()
        denied = deny_network()
    limit = cap_memory(headroom_mb)
    return {"network": denied, "netns": netns, "memory_limit": limit, "pdeathsig": True}
