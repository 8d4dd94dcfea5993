"""The files a command line names: ``expand`` turns files, folders (searched
recursively), globs and ``-`` into ``Source`` objects, each file once.

A folder of a million captures is listed as a stream: nothing is kept per
file. "Each file once" is decided by rule, not by remembering every file:

- a file met in the walk of a folder is new unless the walk of an earlier
  folder on the command line gave it (its real path lies under that
  folder's real path, through folders the walk entered, and its name is
  one the walk takes), or it was given before by name or through a
  symbolic link;
- a file named on the command line, matched by a glob, or reached through a
  symbolic link is new unless a walk so far (or the walk under way) gives
  it by that rule, or it was given before by name or link. Those are kept
  in a set: there are few of them.

So the same set of files comes out, in the same order, as remembering every
real path would give, with one difference: within the folders walked, a
file reached both directly and through a symbolic link is given by its own
path, wherever the link comes in the order.
"""

from __future__ import annotations

import glob
import os
import stat as _stat
from collections.abc import Iterator

from .inputs import FOLDER_SUFFIXES, FileStat, Source, _reason


def takes(name: str) -> bool:
    """Does a folder walk take a file of this name? (Hidden names and other suffixes are skipped.)"""
    if name.startswith("."):
        return False
    dot = name.rfind(".")  # the suffix ``os.path.splitext`` gives a name not starting with a dot
    return (name[dot:].lower() if dot > 0 else "") in FOLDER_SUFFIXES


class _Given:
    """What ``expand`` has given so far, in memory that does not grow with the files walked."""

    def __init__(self) -> None:
        self.roots: list[str] = []  # real paths of the folders walked, the one under way last
        self.unlisted: list[str] = []  # real paths of folders a walk could not list
        self.named: set[str] = set()  # real paths given by name, glob or symbolic link

    def walked(self, real: str, *, current: bool) -> bool:
        """Did (or will) a walk give the file at this real path? ``current``: count
        the walk under way (a link or name), else only the earlier ones (a walked file)."""
        roots = self.roots if current else self.roots[:-1]
        for root in roots:
            prefix = root if root.endswith(os.sep) else root + os.sep
            if not real.startswith(prefix):
                continue
            parts = real[len(prefix) :].split(os.sep)
            if any(p.startswith(".") for p in parts[:-1]) or not takes(parts[-1]):
                continue
            if any(real.startswith(u + os.sep) for u in self.unlisted):
                continue
            return True
        return False

    def first(self, real: str, *, walked_file: bool = False) -> bool:
        """Is this the first time the file at ``real`` comes? (Records it when it is a
        name or link; a walked file is known by the rule, not recorded.)"""
        if real in self.named:
            return False
        if self.walked(real, current=not walked_file):
            return False
        if not walked_file:
            self.named.add(real)
        return True


def expand(args: list[str]) -> Iterator[Source]:
    """Files, folders (recursive), globs and ``-`` -> sources, each once (see the module docstring)."""
    given = _Given()
    stdin = False
    for arg in args:
        if arg == "-":
            if not stdin:
                stdin = True
                yield Source("-")
            continue
        if os.path.isdir(arg):
            yield from _walk_once(arg, given)
            continue
        if os.path.lexists(arg):
            if given.first(os.path.realpath(arg)):
                yield Source(arg)
            continue
        if glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                yield Source(arg, "no file matches this pattern")
            for m in matches:
                if os.path.isdir(m):
                    yield from _walk_once(m, given)
                elif given.first(os.path.realpath(m)):
                    yield _regular_only(m)
            continue
        yield Source(arg, "no such file or folder")


def totals(args: list[str]) -> tuple[int, int]:
    """(bytes, files) of what ``expand(args)`` gives, counted and let go: a progress bar's
    totals without holding the listing (the files are listed again as they are read)."""
    size = files = 0
    for src in expand(args):
        size, files = size + src.size, files + 1
    return size, files


def _walk_once(folder: str, given: _Given) -> Iterator[Source]:
    given.roots.append(os.path.realpath(folder))
    alone = len(given.roots) == 1 and not given.named  # nothing given before can be given again
    for src, real, link in _walk(folder, given.unlisted):
        if src.error or real is None or (alone and not link) or given.first(real, walked_file=not link):
            yield src


def _walk(root: str, unlisted: list[str] | None = None) -> Iterator[tuple[Source, str | None, bool]]:
    """The files of a folder tree, folders and files in name order, each folder's
    files before its subfolders; hidden names skipped, folder symlinks not followed.

    Each file is stat'ed once, here (``Source.stat``). Yields (source, the
    real path that deduplicates it, is it a symbolic link): for a file that
    is not a link, its path under the folder's real path, with no
    ``realpath`` of its own. Folders that cannot be listed are added to
    ``unlisted`` (real paths) as they are met.
    """
    errors: list[Source] = []
    stack = [(root, os.path.realpath(root))]
    while stack:
        folder, real = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            if unlisted is not None:
                unlisted.append(real)
            errors.append(Source(os.fsdecode(exc.filename or folder), f"cannot read folder: {exc.strerror}"))
            continue
        subfolders = []
        under = real if real.endswith(os.sep) else real + os.sep
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not entry.is_symlink():
                    subfolders.append((entry.path, under + name))
                continue
            if not takes(name):
                continue
            link = entry.is_symlink()
            try:
                st: FileStat | None = FileStat.of(entry.stat())
            except OSError:
                if link:
                    yield Source(entry.path, "broken symbolic link"), None, True
                    continue
                st = None
            if st is None:
                yield _regular_only(entry.path), None, False  # its stat failed: told why
                continue
            if not _stat.S_ISREG(st.st_mode):  # a device, named pipe or socket is never opened
                yield _not_regular(entry.path, st.st_mode), None, link
                continue
            yield Source(entry.path, None, st), os.path.realpath(entry.path) if link else under + name, link
        stack.extend(reversed(subfolders))
    for error in errors:
        yield error, None, False


def _regular_only(path: str) -> Source:
    """A file found in a folder or by a glob: read only if it is a regular file
    (a device, named pipe or socket is reported and never opened)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return Source(path, "broken symbolic link" if os.path.islink(path) else "no such file")
    except OSError as exc:
        return Source(path, _reason(exc))
    if _stat.S_ISREG(st.st_mode):
        return Source(path, None, FileStat.of(st))
    return _not_regular(path, st.st_mode)


def _not_regular(path: str, mode: int) -> Source:
    what = (
        "a named pipe" if _stat.S_ISFIFO(mode)
        else "a device" if _stat.S_ISCHR(mode) or _stat.S_ISBLK(mode)
        else "a socket" if _stat.S_ISSOCK(mode)
        else "not a regular file"
    )  # fmt: skip
    return Source(path, f"{what}, not a regular file: skipped (name it alone to read it)")
