"""Generate realistic KCNA Watch page dumps with known ground truth.

A timeline of about ``per_day`` items a day (with recurring daily titles
such as "Press Review"); each page capture is one full article plus the 15
newest items as teasers at its capture date, in the page rendering. The
ground truth is the number of distinct items the captures show.

    python benchmarks/generate.py --dumps 2000 --out benchmarks/out/dumps
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import random
from pathlib import Path

PLACES = [
    "Kimhwa County, Kangwon Province",
    "Songchon County, South Phyongan Province",
    "Hamhung City",
    "Samjiyon City, Ryanggang Province",
    "Unpha County of North Hwanghae Province",
    "Sinuiju City",
    "Kaesong City",
    "Nampho City",
    "Jagang Province",
    "Kyongsong County of North Hamgyong Province",
]
SUBJECTS = [
    "New Houses Built",
    "Factory Expanded",
    "Sports Games Held",
    "Exhibition Opened",
    "Farm Modernized",
    "Hospital Renovated",
    "Meeting Held",
    "Bridge Completed",
    "School Opened",
    "Power Station Upgraded",
]
DAILY = ["Press Review", "Review of Rodong Sinmun"]
WORDS = [
    "officials",
    "workers",
    "builders",
    "farmers",
    "production",
    "plan",
    "construction",
    "increase",
    "county",
    "province",
    "modern",
    "equipment",
    "people",
    "living",
    "standard",
    "development",
    "regional",
    "industry",
    "factory",
    "goods",
    "quality",
]


def timeline(days: int, per_day: int, seed: int = 1, start: dt.date = dt.date(2024, 1, 1)):
    rng = random.Random(seed)
    items = []
    for d in range(days):
        day = start + dt.timedelta(days=d)
        for title in DAILY:
            items.append((day, title, rng.choice(PLACES)))
        for k in range(per_day - len(DAILY)):
            title = f"{rng.choice(SUBJECTS)} in {rng.choice(PLACES).split(',')[0].split(' of ')[0]} ({d}-{k})"
            items.append((day, title, rng.choice(PLACES)))
    return items


def lede(day: dt.date, title: str, place: str) -> str:
    return f"Pyongyang, {day:%B} {day.day} (KCNA) -- Work on {title.lower()} was reported in {place} by the officials"


OFFICIALS = [
    ("Jo Yong Won", "member of the Presidium of the Political Bureau of the WPK Central Committee"),
    ("Pak Thae Song", "premier of the Cabinet"),
    ("Ri Il Hwan", "secretary of the WPK Central Committee"),
    ("Kim Jae Ryong", "secretary of the WPK Central Committee"),
    ("Choe Ryong Hae", "chairman of the Standing Committee of the Supreme People's Assembly"),
    ("Kim Yo Jong", "vice department director of the WPK Central Committee"),
    ("O Su Yong", "secretary of the WPK Central Committee"),
    ("Jon Hyon Chol", "minister of Electric Power Industry"),
    ("Ri Hi Yong", "chief secretary of the Pyongyang Municipal Committee of the WPK"),
    ("Hyon Song Wol", "vice department director of the WPK Central Committee"),
]
ACTIVITIES = ["inspected", "visited", "gave field guidance to"]


def people(idx: int, day: dt.date, title: str, place: str) -> str | None:
    """Names as KCNA prints them, in some bodies: a tenth report an activity of the leader
    (with companions and greeters), a third name officials with their posts."""
    rng = random.Random(idx * 7919 + 1)  # its own stream: the rest of the text is as before
    if idx % 10 == 0:
        go = rng.sample(OFFICIALS, 4)
        what = title.split(" (")[0].split(" in ")[0].lower()
        return (
            f"Kim Jong Un {rng.choice(ACTIVITIES)} the {what} in {place} on {day:%B} {day.day}. He was greeted on"
            f" the spot by {go[0][0]}, {go[0][1]}. He was accompanied by {go[1][0]}, {go[1][1]}, {go[2][0]} and"
            f" {go[3][0]}."
        )
    if idx % 3 == 0:
        a, b = rng.sample(OFFICIALS, 2)
        return f"{a[0]}, {a[1]}, made a speech. Present there was {b[0]}, {b[1]}."
    return None


def body(rng: random.Random, day: dt.date, title: str, place: str, idx: int | None = None) -> str:
    paras = [lede(day, title, place) + " and working people there."]
    named = people(idx, day, title, place) if idx is not None else None
    if named:
        paras.append(named)
    for _ in range(rng.randint(3, 8)):
        paras.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60))).capitalize() + ".")
    return "\n\n".join(paras) + " -0-"


def page(rng, items, idx: int, capture: dt.date, days: list | None = None) -> str:
    day, title, place = items[idx]
    end = bisect.bisect_right(days, capture) if days is not None else sum(1 for it in items if it[0] <= capture)
    newest = items[max(0, end - 15) : end]
    out = [
        f"{capture:%B %d, %Y}{capture:%b %d, %Y}",
        "KCNA KCNA.kp (En)",
        "",
        title,
        "",
        f"Date: {day:%d/%m/%Y} | Source: KCNA.kp (En) | Read original version at source",
        "",
        body(random.Random(idx), day, title, place, idx),
        "",
        f"www.kcna.kp ({day:%Y.%m.%d}.)",
        "",
        "More From KCNA.kp (En)",
        "",
    ]
    for tday, ttitle, tplace in reversed(newest):
        led = lede(tday, ttitle, tplace)[:128].rsplit(" ", 1)[0]
        out += [ttitle, "", ttitle, "", led, "", f"{tday:%B %d, %Y}", "", led, ""]
    out.append("More Articles")
    return "\n".join(out) + "\n"


def _plan(n_dumps: int, per_day: int, seed: int):
    rng = random.Random(seed)
    # about three captures per item, as a collector who checks daily sees
    n_days = max(2, n_dumps // per_day // 3 + 2)
    items = timeline(n_days, per_day, seed)
    days = [it[0] for it in items]
    for _n in range(n_dumps):
        idx = rng.randrange(len(items))
        capture = items[idx][0] + dt.timedelta(days=rng.randint(0, 3))
        yield rng, items, days, idx, capture


def generate(n_dumps: int, *, per_day: int = 30, seed: int = 1):
    """Yield ``n_dumps`` page texts (see ``distinct_items`` for the ground truth)."""
    for rng, items, days, idx, capture in _plan(n_dumps, per_day, seed):
        yield page(rng, items, idx, capture, days)


def distinct_items(n_dumps: int, *, per_day: int = 30, seed: int = 1) -> dict:
    """Ground truth of ``generate``: distinct items shown, and how many as full articles."""
    shown, articles = set(), set()
    for _rng, _items, days, idx, capture in _plan(n_dumps, per_day, seed):
        articles.add(idx)
        end = bisect.bisect_right(days, capture)
        shown.update(range(max(0, end - 15), end))
    shown |= articles
    return {"items": len(shown), "articles": len(articles), "teasers": len(shown - articles)}


def write(n_dumps: int, out: Path, *, per_file: int = 100, per_day: int = 30, seed: int = 1) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    files, buf = [], []
    for k, text in enumerate(generate(n_dumps, per_day=per_day, seed=seed)):
        buf.append(text)
        if len(buf) == per_file:
            files.append(out / f"dumps-{k // per_file:05d}.txt")
            files[-1].write_text("".join(buf), encoding="utf-8")
            buf = []
    if buf:
        files.append(out / f"dumps-{len(files):05d}.txt")
        files[-1].write_text("".join(buf), encoding="utf-8")
    return files


def write_captures(n_dumps: int, out: Path, *, per_day: int = 30, seed: int = 1) -> list[Path]:
    """One page per file, as a collector saves them: ``out/YYYY/MM/<hash>.txt``
    (capture year and month; the name a hash of the capture's number, so exact
    re-captures of a page are files of their own, as they are for users)."""
    files = []
    made: set[Path] = set()
    for k, (rng, items, days, idx, capture) in enumerate(_plan(n_dumps, per_day, seed)):
        folder = out / f"{capture:%Y}" / f"{capture:%m}"
        if folder not in made:
            folder.mkdir(parents=True, exist_ok=True)
            made.add(folder)
        name = hashlib.sha1(f"{seed}:{k}".encode()).hexdigest()
        path = folder / f"{name}.txt"
        path.write_text(page(rng, items, idx, capture, days), encoding="utf-8")
        files.append(path)
    return files


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--dumps", type=int, default=2000)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/out/dumps"))
    ap.add_argument("--per-file", type=int, default=100, help="pages per file (0: one file per capture, in folders)")
    args = ap.parse_args()
    if args.per_file == 0:
        files = write_captures(args.dumps, args.out)
    else:
        files = write(args.dumps, args.out, per_file=args.per_file)
    print(f"wrote {args.dumps} dumps in {len(files)} files to {args.out}")
