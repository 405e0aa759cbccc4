"""Releases: every build is an immutable directory; ``current`` names the one being served.

Layout of ``dist/`` (the build's ``out``)::

    dist/releases/<id>/…      the files of one build, never changed after they were written
    dist/current -> releases/<id>
    dist/<file> -> current/<file>   for every file of the current release (stable paths for people)

``<id>`` is the start of the hash of the release's SHA256SUMS, so a rebuild of the same sources
lands in the same directory. Publishing writes the new directory beside the old
ones (same file system), fsyncs it, and then swaps ``current`` with one ``rename(2)`` of a symlink:
a reader sees the old release or the new one, never a mixture. A server resolves ``current`` once
at start-up (:func:`pin`) and serves that directory until it is restarted, so pages, queries and
downloads always come from one release even while a new one is being built.

:func:`verify` checks every file of a release against its SHA256SUMS before it is served: a
flipped byte in a dump stops start-up with a message naming the file, instead of being served.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

#: releases kept besides the current one (permalinks and diffs can name them; older ones are pruned)
KEEP_RELEASES = 5
RELEASES = "releases"
CURRENT = "current"


class CorruptRelease(Exception):
    """A release whose files do not match its SHA256SUMS (or that lacks one)."""


def release_id(files: dict[str, bytes]) -> str:
    """The directory name of a release: 16 hex digits of the SHA-256 of its SHA256SUMS (which
    lists every file, the manifest included), so equal files always land in one directory."""
    return hashlib.sha256(files["SHA256SUMS"]).hexdigest()[:16]


def publish(out: Path, files: dict[str, bytes]) -> Path:
    """Write ``files`` as a release under ``out`` and make it current; its directory.

    Called with the build lock held. A failure before the switch leaves ``out`` as it was.
    """
    rid = release_id(files)
    out = Path(out).absolute()
    releases = out / RELEASES
    _migrate_flat_layout(out)
    releases.mkdir(parents=True, exist_ok=True)
    target = releases / rid
    if not (target / "SHA256SUMS").is_file() or _damaged(target):
        tmp = Path(tempfile.mkdtemp(prefix=".new-", dir=releases))
        try:
            for name, data in sorted(files.items()):
                with open(tmp / name, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp / name, 0o444)
            os.chmod(tmp, 0o755)
            _fsync_dir(tmp)
            if target.exists():  # a damaged copy of the same release: move it out of the way
                shutil.rmtree(target)
            os.rename(tmp, target)
            _fsync_dir(releases)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    _relink(out / CURRENT, f"{RELEASES}/{rid}")
    for name in files:
        _relink(out / name, f"{CURRENT}/{name}")
    _remove_dangling_links(out)
    _prune(releases, keep=rid)
    return target


def _damaged(directory: Path) -> bool:
    """True when a release directory does not match its own checksums."""
    try:
        verify(directory)
    except CorruptRelease:
        return True
    return False


def _relink(link: Path, target: str) -> None:
    """Point ``link`` at ``target`` atomically (a new symlink renamed over the old one)."""
    try:
        if os.readlink(link) == target:
            return
    except OSError:
        pass
    tmp = link.with_name(f".{link.name}.link-{os.getpid()}")
    try:
        tmp.unlink()
    except FileNotFoundError:
        pass
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _migrate_flat_layout(out: Path) -> None:
    """A dist/ from before releases held plain files: they are replaced by links, one by one."""
    if not out.is_dir() or (out / CURRENT).is_symlink():
        return
    for entry in out.iterdir():
        if entry.is_file() and not entry.is_symlink():
            entry.unlink()


def _remove_dangling_links(out: Path) -> None:
    """Links to files the current release no longer has."""
    for entry in out.iterdir():
        if entry.is_symlink() and entry.name != CURRENT and not entry.exists():
            entry.unlink()


def _prune(releases: Path, keep: str) -> None:
    """Delete the oldest releases beyond KEEP_RELEASES (never ``keep``), and dead temp dirs."""
    dirs = [d for d in releases.iterdir() if d.is_dir() and not d.name.startswith(".")]
    dirs.sort(key=lambda d: d.stat().st_mtime, reverse=True)
    for old in [d for d in dirs if d.name != keep][KEEP_RELEASES:]:
        shutil.rmtree(old, ignore_errors=True)


def clean_temporaries(out: Path) -> None:
    """Remove the temp dirs of builds that died (the caller holds the build lock)."""
    releases = Path(out) / RELEASES
    if releases.is_dir():
        for stale in releases.glob(".new-*"):
            shutil.rmtree(stale, ignore_errors=True)


def _fsync_dir(directory: Path) -> None:
    """Make a rename or a new entry in ``directory`` durable (POSIX: fsync the directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- reading -------------------------------------------------------------------------------------


def current_dir(out: Path) -> Path:
    """The directory of the current release of ``out`` (``out`` itself for a flat, older layout)."""
    out = Path(out)
    link = out / CURRENT
    return link.resolve() if link.is_symlink() else out


def releases(out: Path) -> list[Path]:
    """Every release directory under ``out``, newest first."""
    base = Path(out) / RELEASES
    if not base.is_dir():
        return []
    dirs = [d for d in base.iterdir() if d.is_dir() and not d.name.startswith(".")]
    return sorted(dirs, key=lambda d: d.stat().st_mtime, reverse=True)


def verify(directory: Path) -> dict:
    """Check every file of a release against SHA256SUMS; its manifest. Raises CorruptRelease."""
    directory = Path(directory)
    sums = directory / "SHA256SUMS"
    try:
        listing = sums.read_text(encoding="utf-8")
    except OSError as exc:
        raise CorruptRelease(f"{directory} has no readable SHA256SUMS ({exc.strerror}); "
                             "rebuild with `netzwerke-kg build`.") from None
    for line in listing.splitlines():
        digest, _, name = line.partition("  ")
        path = directory / name
        try:
            actual = _file_sha256(path)
        except OSError as exc:
            raise CorruptRelease(f"{path} cannot be read ({exc.strerror}); the release is "
                                 "incomplete: rebuild with `netzwerke-kg build`.") from None
        if actual != digest:
            raise CorruptRelease(
                f"{path} does not match its checksum in SHA256SUMS (expected {digest[:16]}…, "
                f"found {actual[:16]}…): the file was changed or damaged after the build. "
                "Refusing to serve it; rebuild with `netzwerke-kg build`.")
    manifest = _manifest(directory)
    if hashlib.sha256(_listing_without_manifest(listing)).hexdigest() != manifest.get("release"):
        raise CorruptRelease(f"{directory}/manifest.json names another release than its files.")
    return manifest


def _listing_without_manifest(listing: str) -> bytes:
    """SHA256SUMS without the manifest's own line: what the manifest's ``release`` hashes."""
    lines = [line for line in listing.splitlines(keepends=True) if not line.endswith("  manifest.json\n")]
    return "".join(lines).encode("utf-8")


def _manifest(directory: Path) -> dict:
    """manifest.json of a release; CorruptRelease when it cannot be read."""
    try:
        return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorruptRelease(f"{directory}/manifest.json cannot be read: {exc}") from None


def _file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks (dumps may be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_verified: dict[Path, dict] = {}


def pin(settings, check: bool = True):
    """``settings`` with ``dist`` set to the verified current release: what one server serves.

    Verified once per process and directory (a release never changes); raises CorruptRelease.
    ``check=False`` only resolves (tests that forge a release's files).
    Without any build (a remote endpoint and no dist/), the settings come back unchanged.
    """
    out = settings.dist_dir
    directory = current_dir(out)
    if not (directory / "manifest.json").is_file():
        return settings
    if check and directory not in _verified:
        _verified[directory] = verify(directory)
    return settings.with_(dist=directory)


# --- versions (#13) ------------------------------------------------------------------------------

#: the file in the project root that declares the version of the next release
VERSION_FILE = "VERSION"


def declared_version(root: Path) -> str | None:
    """The release version the project declares: its VERSION file, else an exact git tag of HEAD.

    None when neither says anything (kg.build then falls back to the ontology's owl:versionInfo).
    A tag counts only when it points at HEAD ("v0.3.0" gives "0.3.0"), so the version of a build
    never depends on the clock or on uncommitted work.
    """
    try:
        text = (Path(root) / VERSION_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    if text:
        return text.splitlines()[0].strip()
    try:
        import subprocess

        r = subprocess.run(["git", "-C", str(root), "describe", "--tags", "--exact-match", "HEAD"],
                           capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    tag = r.stdout.strip() if r.returncode == 0 else ""
    return tag[1:] if tag[:1] in ("v", "V") and tag[1:2].isdigit() else (tag or None)
