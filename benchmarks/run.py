"""Speed, memory and size of kcna, each measured beside a baseline in the same run.

    python benchmarks/run.py --dumps 2000            # the standard run (a minute or two)
    python benchmarks/run.py --dumps 100000          # the large run
    python benchmarks/run.py --dumps 2000 --memory-gb 1   # add the ~1 GB memory test
    python benchmarks/run.py --dumps 0 --memory-gb 1  # the memory test alone
    python benchmarks/run.py --scale 1000000         # kcna alone at a million dumps
    python benchmarks/run.py --files 2000            # one page per file, re-ingested daily
    python benchmarks/run.py --files 100000 --runs 1 # the same at the size users reach

Figures are ratios against a baseline measured on the same machine in the
same run, because machines are noisy:

1. ingest   ``kcna ingest`` of N generated dumps vs the storage floor:
            ``sqlite-utils insert`` of the same parsed rows (one per
            sighting, JSON lines) plus ``sqlite-utils enable-fts`` on title,
            lede, body. Goal <= 1.5.
2. search   whole-process ``kcna search WORD --json --limit 20`` vs
            ``sqlite-utils query`` of the same FTS5 query on the floor
            database (median of runs). Goal <= 1.1. Plus in-process p50/p95
            of keyword, place, date-range and combined queries.
3. startup  ``kcna --help`` and ``kcna --version`` vs ``sqlite-utils --help``.
            Goal <= 0.6.
4. memory   peak RSS of the ingest (and with ``--memory-gb``, of ~1 GB of
            dumps as many-page files and as one huge file). Goal <= 150 MiB.
5. size     database bytes / raw input bytes. Goal <= 1.0.
6. versions ingest with version tracking vs without it. Goal < 1.10.
7. people   ingest with persons and activities found vs without. Goal < 1.15.
            Plus in-process p50/p95 of ``search --person`` and ``appearances``.
8. Korean  the same measures on a Korean corpus (``generate_ko.py``: pages
            labelled ``KCNA.kp (Kr)`` made of the public-domain New Year
            addresses in ``benchmarks/korean/``): ingest vs the same floor
            (which indexes no bigrams), items against the ground truth,
            size, and p50/p95 of Korean words, Hangul places and both.
            ``--korean-dumps 0`` skips it.

``--files N`` measures the shape users have: one page per file, in a
folder tree (``YYYY/MM/<hash>.txt``), ingested again every day:

7. files    ``kcna ingest FOLDER`` vs the floor at ``sqlite-utils insert
            --batch-size 10000`` (its fastest) plus ``enable-fts``: wall
            time (goal <= 1.5) and CPU time of all processes, parse workers
            included (goal <= 2.0).
8. daily    the whole folder again after 1% new files were added (goal
            < 5 s at 100,000 files), and again with nothing new.

The generated corpus has a known number of distinct items; the run checks
that kcna stored exactly that many.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import generate  # noqa: E402
import generate_ko  # noqa: E402

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


def run(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    """Run a command; return (seconds, the completed process)."""
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{done.stderr}")
    return seconds, done


def run_rss(cmd: list[str]) -> tuple[float, int, str]:
    """Run a command; return (seconds, peak RSS in KiB, stdout).

    The peak is of the whole process tree (the command and its parse
    workers): the sum of each process's own peak (``VmHWM``, as last
    sampled, every 20 ms), an upper bound of the tree's. (Not the peak
    ``wait4`` reports: a child started by ``vfork``, as ``subprocess``
    starts it, inherits the peak of the process that started it, this
    one's, which holds the lists of a million-file run.)
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        peaks: dict[int, int] = {}
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.02):
                peaks.update(tree_peaks(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status = os.waitpid(proc.pid, 0)
        seconds = time.perf_counter() - start
        stop.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"failed: {' '.join(cmd)}\n{err.read()}")
        return seconds, sum(peaks.values()), out.read()


def children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process and the
    children they waited for (kcna waits for its parse workers)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Run a command; return (wall seconds, CPU seconds of it and its children, stdout)."""
    cpu = children_cpu()
    seconds, done = run(cmd)
    return seconds, children_cpu() - cpu, done.stdout


def tree_peaks(root: int) -> dict[int, int]:
    """The peak resident KiB of a process and of each of its descendants so far
    (``VmHWM``), by process id (empty when gone).

    Descendants are followed through ``/proc/<pid>/task/<tid>/children``: a few
    small reads a sample. (Reading the status of every process on the machine
    instead cost the sampler about a sixth of a CPU at one sample every 20 ms, taken from the
    process measured on a two-CPU machine.)
    """
    peaks: dict[int, int] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/status") as fh:
                hwm = next(line for line in fh if line.startswith("VmHWM:"))
            peaks[pid] = int(hwm.split()[1])
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError, IndexError, StopIteration):
            continue  # gone meanwhile
    return peaks


def median_time(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t, _ = run(cmd)
        times.append(t)
    return statistics.median(times)


def floor_rows(files: list[Path], out: Path) -> int:
    """The parsed rows kcna stores, one per sighting, as JSON lines for sqlite-utils."""
    from kcna_cli.parse import parse_text

    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for f in files:
            for page in parse_text(f.read_text(encoding="utf-8")):
                dump = page.dump
                if dump is None:
                    continue
                for rec in dump.records:
                    row = {k: getattr(rec, k) for k in ("kind", "title", "date", "source", "outlet", "language")}
                    row.update(dateline=rec.dateline, lede=rec.lede, body=rec.body, capture_date=dump.capture_date)
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                    n += 1
    return n


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def query_latency(
    db: Path, rounds: int = 20, words: list[str] | None = None, places: list[str] | None = None
) -> dict[str, tuple[float, float]]:
    """In-process p50/p95 in ms of typical questions on an opened corpus. Its pages are
    as warm as whatever ran before left them: call it twice for a warm reading."""
    from kcna_cli.db import Corpus
    from kcna_cli.query import Filters, search

    corpus = Corpus(db, create=False)
    first, last = corpus.conn.execute("SELECT min(date), max(date) FROM items").fetchone()
    months = sorted({r[0] for r in corpus.conn.execute("SELECT DISTINCT substr(date, 1, 7) FROM items LIMIT 200")})
    words = words or ["county", "factory", "production", "modern", "hospital", "bridge", "plan", "regional"]
    places = places or ["Kangwon", "Hamhung", "Kaesong", "Jagang", "Sinuiju", "Nampho"]
    kinds = {
        "keyword": lambda i: Filters(words=words[i % len(words)]),
        "place": lambda i: Filters(places=[places[i % len(places)]]),
        "date range": lambda i: Filters(since=months[i % len(months)], until=months[i % len(months)]),
        "combined": lambda i: Filters(
            words=words[i % len(words)], places=[places[i % len(places)]], since=months[i % len(months)][:4]
        ),
    }
    out = {}
    people = [r[0] for r in corpus.conn.execute("SELECT name FROM persons ORDER BY id LIMIT 10")]
    if people:
        kinds["person"] = lambda i: Filters(persons=[people[i % len(people)]])
        kinds["person + words"] = lambda i: Filters(words=words[i % len(words)], persons=[people[i % len(people)]])
    for name, make in kinds.items():
        times = []
        for i in range(rounds):
            f = make(i)
            t = time.perf_counter()
            search(corpus, f, limit=20)
            times.append((time.perf_counter() - t) * 1000)
        out[name] = (percentile(times, 50), percentile(times, 95))
    if people:
        out.update(_appearance_latency(corpus, people, months, rounds))
    corpus.close()
    return out


def _appearance_latency(corpus, people: list[str], months: list[str], rounds: int) -> dict:
    """p50/p95 in ms of ``appearances`` (newest 50), ``--by month`` and ``--with`` an official."""
    from kcna_cli.peoplequery import appearance_counts, appearances
    from kcna_cli.query import Filters

    kinds = {
        "appearances": lambda i: appearances(corpus, Filters(), limit=50),
        "appearances --by month": lambda i: appearance_counts(corpus, Filters(), "month"),
        "appearances --with": lambda i: appearances(corpus, Filters(), with_=[people[i % len(people)]], limit=50),
        "appearances in a month": lambda i: appearances(
            corpus, Filters(since=months[i % len(months)], until=months[i % len(months)]), limit=50
        ),
    }
    out = {}
    for name, call in kinds.items():
        times = []
        for i in range(rounds):
            t = time.perf_counter()
            call(i)
            times.append((time.perf_counter() - t) * 1000)
        out[name] = (percentile(times, 50), percentile(times, 95))
    return out


def ingest_in_process(files: list[Path], db: Path, *, track_versions: bool = True, track_people: bool = True) -> float:
    from kcna_cli.db import Corpus
    from kcna_cli.inputs import Source, iter_page_texts
    from kcna_cli.parse import parse_pages

    if db.exists():
        db.unlink()
    corpus = Corpus(db)
    corpus.track_versions = track_versions
    corpus.track_people = track_people
    t = time.perf_counter()
    for f in files:
        corpus.ingest_pages((str(f), p) for p in parse_pages(iter_page_texts(Source(str(f)))))
    seconds = time.perf_counter() - t
    corpus.close()
    return seconds


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []

    def add(self, what: str, kcna: str, baseline: str, ratio: float | None, goal: str) -> None:
        self.rows.append((what, kcna, baseline, "" if ratio is None else f"{ratio:.2f}", goal))
        print(f"  {what}: {kcna} vs {baseline}" + ("" if ratio is None else f" -> {ratio:.2f}"), file=sys.stderr)

    def markdown(self) -> str:
        head = ("measure", "kcna", "baseline", "ratio", "goal")
        lines = ["| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |"]
        lines += ["| " + " | ".join(r) + " |" for r in self.rows]
        return "\n".join(lines)


def machine() -> str:
    import sqlite3

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}), "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dumps", type=int, default=2000, help="dumps to generate (default 2000; 0: skip)")
    ap.add_argument("--per-file", type=int, default=200, help="pages per generated file")
    ap.add_argument(
        "--korean-dumps", type=int, default=-1, help="Korean dumps for the Korean corpus (default: as --dumps; 0: skip)"
    )
    ap.add_argument("--memory-gb", type=float, default=0, help="also ingest ~this many GB for the memory test")
    ap.add_argument("--scale", type=int, default=0, help="only ingest this many dumps with kcna, and query")
    ap.add_argument("--files", type=int, default=0, help="one page per file: this many files (see 7 and 8)")
    ap.add_argument(
        "--large", action="store_true", help="with --files: kcna alone (ingest, daily run, queries), for 1,000,000"
    )
    ap.add_argument("--runs", type=int, default=7, help="runs of each whole-process timing (median)")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = ap.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="kcna-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    kcna, su = tool("kcna"), tool("sqlite-utils")
    table = Table()
    print(f"# kcna benchmark\n\n{machine()}\n", file=sys.stderr)
    try:
        if args.files and args.large:
            captures_large(args, work, kcna, su, table)
        elif args.files:
            captures(args, work, kcna, su, table)
        elif args.scale:
            scale(args, work, kcna, table)
        elif args.dumps:
            standard(args, work, kcna, su, table)
        elif args.memory_gb:
            memory(args, work, kcna, table)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"machine: {machine()}")
    print(f"date: {time.strftime('%Y-%m-%d')}")
    print(f"command: python benchmarks/run.py {' '.join(sys.argv[1:])}\n")
    print(table.markdown())


def standard(args, work: Path, kcna: str, su: str, table: Table) -> None:
    n = args.dumps
    t = time.perf_counter()
    files = generate.write(n, work / "dumps", per_file=args.per_file)
    truth = generate.distinct_items(n)
    raw_bytes = sum(f.stat().st_size for f in files)
    print(f"generated {n} dumps, {raw_bytes / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s", file=sys.stderr)

    # 1. ingest vs the storage floor
    db = work / "kcna.db"
    t_kcna, rss_kcna, out = run_rss([kcna, "ingest", str(work / "dumps"), "--db", str(db), "--json"])
    summary = json.loads(out)
    rows_file = work / "rows.jsonl"
    n_rows = floor_rows(files, rows_file)
    floor = work / "floor.db"
    t_insert, _ = run([su, "insert", str(floor), "items", str(rows_file), "--nl"])
    t_fts, _ = run([su, "enable-fts", str(floor), "items", "title", "lede", "body"])
    t_floor = t_insert + t_fts
    table.add(
        f"ingest {n} dumps (s)",
        f"{t_kcna:.2f}",
        f"{t_floor:.2f} (insert {t_insert:.2f} + fts {t_fts:.2f}, {n_rows} rows)",
        t_kcna / t_floor,
        "<= 1.5",
    )
    db1 = work / "kcna-jobs-0.db"
    t_one, rss_one, _ = run_rss([kcna, "ingest", str(work / "dumps"), "--db", str(db1), "-q", "--jobs", "0"])
    table.add("ingest in one process, --jobs 0 (s)", f"{t_one:.2f}", f"{t_floor:.2f}", t_one / t_floor, "(info)")
    table.add("peak RSS of the --jobs 0 ingest (MiB)", f"{rss_one / 1024:.0f}", "150", rss_one / 1024 / 150, "(info)")
    stored = _counts(db)
    ok = stored["items"] == truth["items"]
    table.add(
        "distinct items stored / ground truth",
        str(stored["items"]),
        str(truth["items"]),
        stored["items"] / truth["items"],
        "= 1.00" + ("" if ok else " (MISMATCH)"),
    )
    print(f"  ingest summary: {summary['dumps_read']} read, {summary['dumps_known']} known", file=sys.stderr)

    # 2. search, whole process, and in-process latency
    word = "hospital"
    k_search = median_time([kcna, "search", word, "--json", "--limit", "20", "--db", str(db)], args.runs)
    f_search = median_time(
        [
            su,
            "query",
            str(floor),
            "select rowid, title, date, lede from items where rowid in"
            " (select rowid from items_fts where items_fts match :q order by rank limit 20)",
            "-p",
            "q",
            word,
        ],
        args.runs,
    )
    table.add(
        "search whole process (s)",
        f"{k_search:.3f}",
        f"{f_search:.3f} (sqlite-utils query)",
        k_search / f_search,
        "<= 1.1",
    )
    for name, (p50, p95) in query_latency(db).items():
        table.add(f"query {name} p50 / p95 (ms)", f"{p50:.1f} / {p95:.1f}", "", None, "< 50 / < 150")

    # 3. startup
    su_help = median_time([su, "--help"], args.runs)
    for cmd in (["--help"], ["--version"]):
        t = median_time([kcna, *cmd], args.runs)
        table.add(
            f"startup kcna {cmd[0]} (s)", f"{t:.3f}", f"{su_help:.3f} (sqlite-utils --help)", t / su_help, "<= 0.6"
        )

    # 4. memory (and 5. size)
    table.add("peak RSS of the ingest (MiB)", f"{rss_kcna / 1024:.0f}", "150", rss_kcna / 1024 / 150, "<= 1.0")
    db_bytes = db.stat().st_size
    table.add(
        "database size / input (MB)",
        f"{db_bytes / 1e6:.1f}",
        f"{raw_bytes / 1e6:.1f}",
        db_bytes / raw_bytes,
        "<= 1.0",
    )
    table.add("floor database size / input (MB)", f"{floor.stat().st_size / 1e6:.1f}", f"{raw_bytes / 1e6:.1f}",
              floor.stat().st_size / raw_bytes, "(no raw text kept)")  # fmt: skip

    # 6. the cost of version tracking (in-process, same files, alternating, best of three)
    subset = files[: max(1, 2000 // max(1, args.per_file))]
    on, off = [], []
    for _ in range(3):
        on.append(ingest_in_process(subset, work / "v-on.db", track_versions=True))
        off.append(ingest_in_process(subset, work / "v-off.db", track_versions=False))
    on, off = min(on), min(off)
    table.add("ingest with versions / without (s)", f"{on:.2f}", f"{off:.2f}", on / off, "< 1.10")

    # 7. the cost of finding persons and activities (in-process, same files, alternating, best of three)
    on, off = [], []
    for _ in range(3):
        on.append(ingest_in_process(subset, work / "p-on.db", track_people=True))
        off.append(ingest_in_process(subset, work / "p-off.db", track_people=False))
    on, off = min(on), min(off)
    table.add("ingest with people / without (s)", f"{on:.2f}", f"{off:.2f}", on / off, "< 1.15")

    if args.korean_dumps != 0:
        korean(args, work, kcna, su, table)
    if args.memory_gb:
        memory(args, work, kcna, table)


def korean(args, work: Path, kcna: str, su: str, table: Table) -> None:
    """The Korean corpus (benchmarks/generate_ko.py): ingest vs the same floor, and query latency."""
    n = args.korean_dumps if args.korean_dumps > 0 else args.dumps
    files = generate_ko.write(n, work / "dumps-ko", per_file=args.per_file)
    truth = generate_ko.distinct_items(n)
    db = work / "kcna-ko.db"
    t_kcna, _, _ = run_rss([kcna, "ingest", str(work / "dumps-ko"), "--db", str(db), "-q"])
    rows_file = work / "rows-ko.jsonl"
    n_rows = floor_rows(files, rows_file)
    floor = work / "floor-ko.db"
    t_insert, _ = run([su, "insert", str(floor), "items", str(rows_file), "--nl"])
    t_fts, _ = run([su, "enable-fts", str(floor), "items", "title", "lede", "body"])
    t_floor = t_insert + t_fts
    table.add(
        f"Korean: ingest {n} dumps (s)",
        f"{t_kcna:.2f}",
        f"{t_floor:.2f} (insert {t_insert:.2f} + fts {t_fts:.2f}, {n_rows} rows)",
        t_kcna / t_floor,
        "(info; the floor does no bigrams)",
    )
    stored = _counts(db)
    table.add(
        "Korean: distinct items stored / ground truth",
        str(stored["items"]),
        str(truth["items"]),
        stored["items"] / truth["items"],
        "= 1.00" + ("" if stored["items"] == truth["items"] else " (MISMATCH)"),
    )
    table.add(
        "Korean: database size / input (MB)",
        f"{db.stat().st_size / 1e6:.1f}",
        f"{sum(f.stat().st_size for f in files) / 1e6:.1f}",
        db.stat().st_size / sum(f.stat().st_size for f in files),
        "(info)",
    )
    latency = query_latency(
        db, words=generate_ko.QUERIES, places=["김화군", "함흥", "강원도", "Kaesong", "신의주", "남포"]
    )
    for name, (p50, p95) in latency.items():
        table.add(f"Korean: query {name} p50 / p95 (ms)", f"{p50:.1f} / {p95:.1f}", "", None, "< 50 / < 150")


def memory(args, work: Path, kcna: str, table: Table) -> None:
    per_dump = 7500
    n = int(args.memory_gb * 1e9 / per_dump)
    many = work / "many"
    files = generate.write(n, many, per_file=1000, seed=7)
    size = sum(f.stat().st_size for f in files)
    t, rss, _ = run_rss([kcna, "ingest", str(many), "--db", str(work / "mem1.db"), "-q"])
    table.add(f"peak RSS, {size / 1e9:.2f} GB in {len(files)} files (MiB)", f"{rss / 1024:.0f}", "150",
              rss / 1024 / 150, f"<= 1.0 ({t:.0f} s)")  # fmt: skip
    huge = work / "huge.txt"
    with huge.open("wb") as out:
        for f in files:
            out.write(f.read_bytes())
            f.unlink()
    t, rss, _ = run_rss([kcna, "ingest", str(huge), "--db", str(work / "mem2.db"), "-q"])
    table.add(f"peak RSS, one {size / 1e9:.2f} GB file (MiB)", f"{rss / 1024:.0f}", "150", rss / 1024 / 150,
              f"<= 1.0 ({t:.0f} s)")  # fmt: skip


def scale(args, work: Path, kcna: str, table: Table) -> None:
    n = args.scale
    t = time.perf_counter()
    files = generate.write(n, work / "dumps", per_file=2000)
    raw_bytes = sum(f.stat().st_size for f in files)
    print(f"generated {n} dumps, {raw_bytes / 1e9:.2f} GB in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    db = work / "kcna.db"
    t_kcna, rss, _ = run_rss([kcna, "ingest", str(work / "dumps"), "--db", str(db), "-q"])
    table.add(f"ingest {n} dumps (min)", f"{t_kcna / 60:.1f}", "20", t_kcna / 60 / 20, "<= 1.0")
    table.add("peak RSS (MiB)", f"{rss / 1024:.0f}", "150", rss / 1024 / 150, "<= 1.0")
    table.add("database size / input (GB)", f"{db.stat().st_size / 1e9:.2f}", f"{raw_bytes / 1e9:.2f}",
              db.stat().st_size / raw_bytes, "<= 1.0")  # fmt: skip
    for name, (p50, p95) in query_latency(db).items():
        table.add(f"query {name} p50 / p95 (ms)", f"{p50:.1f} / {p95:.1f}", "", None, "p50 < 100")


def captures(args, work: Path, kcna: str, su: str, table: Table) -> None:
    """7 and 8: one page per file in a folder tree, ingested, then ingested again daily."""
    n = args.files
    folder = work / "captures"
    t = time.perf_counter()
    files = generate.write_captures(n, folder)
    truth = generate.distinct_items(n)
    raw_bytes = sum(f.stat().st_size for f in files)
    print(f"generated {n} files, {raw_bytes / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    rows_file = work / "rows.jsonl"
    n_rows = floor_rows(files, rows_file)
    runs = max(1, min(args.runs, 3))
    floor_runs: list[tuple[float, float]] = []
    kcna_runs: list[tuple[float, float]] = []
    one_runs: list[tuple[float, float]] = []
    db, db0 = work / "kcna.db", work / "kcna-jobs-0.db"
    peak = 0
    for k in range(runs):  # alternating, so that all three see the same hour of the machine
        floor = work / "floor.db"
        floor.unlink(missing_ok=True)
        w1, c1, _ = timed([su, "insert", str(floor), "items", str(rows_file), "--nl", "--batch-size", "10000"])
        w2, c2, _ = timed([su, "enable-fts", str(floor), "items", "title", "lede", "body"])
        for p in (db, db0):
            for q in (p, Path(f"{p}-wal"), Path(f"{p}-shm")):
                q.unlink(missing_ok=True)
        cpu = children_cpu()
        wk, rss, out = run_rss([kcna, "ingest", str(folder), "--db", str(db), "--json"])
        ck = children_cpu() - cpu
        peak = max(peak, rss)
        w0, c0, _ = timed([kcna, "ingest", str(folder), "--db", str(db0), "-q", "--jobs", "0"])
        print(f"  run {k + 1}: kcna {wk:.2f} s / {ck:.2f} s CPU, --jobs 0 {w0:.2f} / {c0:.2f},"
              f" floor {w1 + w2:.2f} / {c1 + c2:.2f}", file=sys.stderr)  # fmt: skip
        floor_runs.append((w1 + w2, c1 + c2))
        kcna_runs.append((wk, ck))
        one_runs.append((w0, c0))
    ratios = [(k[0] / f[0], k[1] / f[1]) for k, f in zip(kcna_runs, floor_runs, strict=True)]
    ones = [(k[0] / f[0], k[1] / f[1]) for k, f in zip(one_runs, floor_runs, strict=True)]
    mid = sorted(range(runs), key=lambda i: ratios[i][0])[runs // 2]  # the median run by wall ratio
    (fw, fc), (kw, kc), (ow, oc) = floor_runs[mid], kcna_runs[mid], one_runs[mid]
    summary = json.loads(out)

    def each(values: list[tuple[float, float]], i: int) -> str:
        return ", ".join(f"{v[i]:.2f}" for v in values)

    table.add(f"ingest {n} one-page files, wall (s)", f"{kw:.2f}", f"{fw:.2f} (insert --batch-size 10000 + fts, "
              f"{n_rows} rows)", kw / fw, f"<= 1.5 (runs: {each(ratios, 0)})")  # fmt: skip
    table.add("  CPU, all processes (s)", f"{kc:.2f}", f"{fc:.2f}", kc / fc, f"<= 2.0 (runs: {each(ratios, 1)})")
    table.add("  one process, --jobs 0: wall (s)", f"{ow:.2f}", f"{fw:.2f}", ow / fw, f"(info; runs: {each(ones, 0)})")
    table.add("  one process, --jobs 0: CPU (s)", f"{oc:.2f}", f"{fc:.2f}", oc / fc, f"(info; runs: {each(ones, 1)})")
    table.add("  peak RSS, kcna and its worker (MiB)", f"{peak / 1024:.0f}", "150", peak / 1024 / 150, "<= 1.0")
    stored = _counts(db)
    ok = stored["items"] == truth["items"]
    table.add("  distinct items stored / ground truth", str(stored["items"]), str(truth["items"]),
              stored["items"] / truth["items"], "= 1.00" + ("" if ok else " (MISMATCH)"))  # fmt: skip
    print(f"  ingest summary: {summary['dumps_read']} read, {summary['dumps_known']} known", file=sys.stderr)

    # 8. daily: the same folder again, nothing new; then after 1% new files
    times = [timed([kcna, "ingest", str(folder), "--db", str(db), "-q"]) for _ in range(runs)]
    w, c, _ = sorted(times)[runs // 2]
    table.add(f"  again, {n} known files, nothing new (s)", f"{w:.2f}", "", None, f"(info; CPU {c:.2f} s)")
    new = max(1, n // 100)
    generate.write_captures(new, folder / "new", seed=2)
    cpu = children_cpu()
    w, rss, out = run_rss([kcna, "ingest", str(folder), "--db", str(db), "--json"])
    c = children_cpu() - cpu
    daily = json.loads(out)
    note = f"CPU {c:.2f} s, peak RSS {rss / 1024:.0f} MiB; {daily['dumps_new']} new dumps"
    table.add(f"daily: {n} known + {new} new files (s)", f"{w:.2f}", "", None, f"< 5 at 100,000 ({note})")
    if n <= 20000:
        if "--verify" in run([kcna, "ingest", "--help"])[1].stdout:
            w, c, _ = timed([kcna, "ingest", str(folder), "--db", str(db), "-q", "--verify"])
            table.add(f"  again, --verify, {n + new} files (s)", f"{w:.2f}", "", None, f"(info; CPU {c:.2f} s)")
        fresh = work / "fresh.db"
        run([kcna, "ingest", str(folder), "--db", str(fresh), "-q"])
        same = _counts(fresh) == _counts(db)
        table.add("  daily database = one ingest of the whole folder", str(_counts(db)["items"]),
                  str(_counts(fresh)["items"]), None, "same" if same else "MISMATCH")  # fmt: skip


def captures_large(args, work: Path, kcna: str, su: str, table: Table) -> None:
    """One page per file at the scale of a decade of collecting (1,000,000 files): kcna alone,
    against the goals (no floor: its rows alone would be tens of GB)."""
    n = args.files
    folder = work / "captures"
    t = time.perf_counter()
    if not folder.exists():
        generate.write_captures(n, folder)
    shutil.rmtree(folder / "new", ignore_errors=True)  # a kept folder's earlier daily files are new again
    print(f"generated {n} files in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    db = work / "kcna.db"
    for q in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        q.unlink(missing_ok=True)
    reference = machine_reference(folder, work, su)
    cpu = children_cpu()
    w, rss, out = run_rss([kcna, "ingest", str(folder), "--db", str(db), "--json"])
    c = children_cpu() - cpu
    summary = json.loads(out)
    table.add(f"ingest {n} one-page files (min)", f"{w / 60:.1f}", "15", w / 60 / 15, f"<= 1.0 (CPU {c / 60:.1f} min)")
    after = machine_reference(folder, work, su)
    table.add(f"  machine: the floor on the first {min(n, REFERENCE_FILES)} files, before / after (s)",
              f"{reference[0]:.2f} / {after[0]:.2f}", "", None,
              f"(info; CPU {reference[1]:.2f} / {after[1]:.2f} s)")  # fmt: skip
    table.add("  peak RSS, kcna and its worker (MiB)", f"{rss / 1024:.0f}", "150", rss / 1024 / 150, "<= 1.0")
    table.add("  database size (GB)", f"{db.stat().st_size / 1e9:.2f}", "", None,
              f"(info; {summary['dumps_new']} dumps, {_counts(db)['items']} items)")  # fmt: skip
    new = max(1, n // 1000)
    generate.write_captures(new, folder / "new", seed=3)
    cpu = children_cpu()
    w, rss, out = run_rss([kcna, "ingest", str(folder), "--db", str(db), "--json"])
    c = children_cpu() - cpu
    note = f"CPU {c:.2f} s, peak RSS {rss / 1024:.0f} MiB; {json.loads(out)['dumps_new']} new dumps"
    table.add(f"daily: {n} known + {new} new files (s)", f"{w:.2f}", "", None, f"(info; {note})")
    first = query_latency(db)  # right after the daily run: what its ingests left in memory
    again = query_latency(db)  # the same questions asked again: pages warm
    for name, (p50, p95) in first.items():
        p50_again, p95_again = again[name]
        table.add(f"query {name} p50 / p95 (ms), first / second pass",
                  f"{p50:.1f} / {p95:.1f}; {p50_again:.1f} / {p95_again:.1f}", "", None, "p50 < 50")  # fmt: skip


#: files of the machine reference of a ``--large`` run
REFERENCE_FILES = 20000


def machine_reference(folder: Path, work: Path, su: str) -> tuple[float, float]:
    """(wall, CPU) seconds of the floor (``sqlite-utils insert --batch-size 10000`` and
    ``enable-fts``) on the rows of the folder's first ``REFERENCE_FILES`` files: a fixed
    workload that tells how fast the machine was during a run, so that runs of other
    days, or hours, can be compared (on the VMs measured, the same code took 13 to 21
    minutes for a million files)."""
    rows = work / "reference-rows.jsonl"
    if not rows.exists():
        floor_rows(sorted(folder.rglob("*.txt"))[:REFERENCE_FILES], rows)
    floor = work / "reference.db"
    floor.unlink(missing_ok=True)
    w1, c1, _ = timed([su, "insert", str(floor), "items", str(rows), "--nl", "--batch-size", "10000"])
    w2, c2, _ = timed([su, "enable-fts", str(floor), "items", "title", "lede", "body"])
    floor.unlink(missing_ok=True)
    return w1 + w2, c1 + c2


def _counts(db: Path) -> dict:
    import sqlite3

    conn = sqlite3.connect(db)
    out = {"items": conn.execute("SELECT count(*) FROM items").fetchone()[0]}
    conn.close()
    return out


if __name__ == "__main__":
    main()
