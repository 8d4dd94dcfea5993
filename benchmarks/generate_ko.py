"""Generate Korean KCNA Watch page dumps (label ``KCNA.kp (Kr)``) with known ground truth.

The same plan as ``generate.py`` (a timeline of items, each capture one
article and the 15 newest items as teasers), so the same number of dumps
shows the same number of distinct items; the text is Korean: titles of a
place and a subject, the Korean dateline, and sentences of the DPRK New Year
addresses of 2010-2019 (public domain, ``benchmarks/korean/README.md``).

    python benchmarks/generate_ko.py --dumps 2000 --out benchmarks/out/dumps-ko
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import functools
import random
import re
from pathlib import Path

import generate

HERE = Path(__file__).resolve().parent

PLACES = [
    "강원도 김화군",
    "평안남도 성천군",
    "함흥시",
    "량강도 삼지연시",
    "황해북도 은파군",
    "신의주시",
    "개성시",
    "남포시",
    "자강도",
    "함경북도 경성군",
]
SUBJECTS = [
    "새 살림집들이 일떠서",
    "공장 개건",
    "체육경기 진행",
    "전람회 개막",
    "농장 현대화",
    "병원 개건",
    "회의 진행",
    "다리 완공",
    "학교 개교",
    "발전소 개건",
]
DAILY = ["신문개관", "로동신문 개관"]
#: the words the benchmark searches for (``run.py``)
QUERIES = ["로동", "인민", "경제", "사회주의", "노동", "평양", "김화군", "과학기술"]


@functools.lru_cache(maxsize=1)
def sentences() -> tuple[str, ...]:
    out = []
    for f in sorted((HERE / "korean").glob("new-year-*.txt")):
        text = f.read_text(encoding="utf-8").replace("\r\n", "\n")
        for s in re.split(r"(?<=다\.)\s+|\n+", text):
            s = " ".join(s.split())
            if len(s) >= 30 and re.search(r"[가-힣]", s):
                out.append(s)
    return tuple(out)


def timeline(days: int, per_day: int, seed: int = 1, start: dt.date = dt.date(2024, 1, 1)):
    rng = random.Random(seed)
    items = []
    for d in range(days):
        day = start + dt.timedelta(days=d)
        for title in DAILY:
            items.append((day, title, rng.choice(PLACES)))
        for k in range(per_day - len(DAILY)):
            place = rng.choice(PLACES)
            items.append((day, f"{place.split()[-1]}에 {rng.choice(SUBJECTS)} ({d}-{k})", place))
    return items


def lede(day: dt.date, title: str, place: str) -> str:
    return f"(평양 {day.month}월 {day.day}일발 조선중앙통신) {place}에서 {title.split(' (')[0]} 소식이 전해졌다."


def body(rng: random.Random, day: dt.date, title: str, place: str) -> str:
    pool = sentences()
    paras = [lede(day, title, place)]
    for _ in range(rng.randint(3, 8)):
        paras.append(" ".join(rng.choice(pool) for _ in range(rng.randint(1, 3))))
    return "\n\n".join(paras)


def page(items, idx: int, capture: dt.date, days: list) -> str:
    day, title, place = items[idx]
    end = bisect.bisect_right(days, capture)
    newest = items[max(0, end - 15) : end]
    out = [
        f"{capture:%B %d, %Y}{capture:%b %d, %Y}",
        "KCNA KCNA.kp (Kr)",
        "",
        title,
        "",
        f"Date: {day:%d/%m/%Y} | Source: KCNA.kp (Kr) | Read original version at source",
        "",
        body(random.Random(idx), day, title, place),
        "",
        "More From KCNA.kp (Kr)",
        "",
    ]
    for tday, ttitle, tplace in reversed(newest):
        led = lede(tday, ttitle, tplace)
        out += [ttitle, "", ttitle, "", led, "", f"{tday:%B %d, %Y}", "", led, ""]
    out.append("More Articles")
    return "\n".join(out) + "\n"


def generate_ko(n_dumps: int, *, per_day: int = 30, seed: int = 1):
    """Yield ``n_dumps`` Korean page texts; ``generate.distinct_items`` is their ground truth."""
    rng = random.Random(seed)
    n_days = max(2, n_dumps // per_day // 3 + 2)
    items = timeline(n_days, per_day, seed)
    days = [it[0] for it in items]
    for _n in range(n_dumps):
        idx = rng.randrange(len(items))
        capture = items[idx][0] + dt.timedelta(days=rng.randint(0, 3))
        yield page(items, idx, capture, days)


def write(n_dumps: int, out: Path, *, per_file: int = 100, seed: int = 1) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    files, buf = [], []
    for text in generate_ko(n_dumps, seed=seed):
        buf.append(text)
        if len(buf) == per_file:
            files.append(out / f"dumps-ko-{len(files):05d}.txt")
            files[-1].write_text("".join(buf), encoding="utf-8")
            buf = []
    if buf:
        files.append(out / f"dumps-ko-{len(files):05d}.txt")
        files[-1].write_text("".join(buf), encoding="utf-8")
    return files


distinct_items = generate.distinct_items

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--dumps", type=int, default=2000)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/out/dumps-ko"))
    ap.add_argument("--per-file", type=int, default=100)
    args = ap.parse_args()
    files = write(args.dumps, args.out, per_file=args.per_file)
    print(f"wrote {args.dumps} dumps in {len(files)} files to {args.out}")
