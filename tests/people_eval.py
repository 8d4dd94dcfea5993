"""Person and leader-activity extraction evaluated on KCNA-style text written for this purpose.

``tests/people_eval/sentences.txt`` holds sentences and the persons each
names (key, foreign or not, post); ``tests/people_eval/reports.txt`` holds
activity reports and the events each must yield (type, date, places,
companions and greeters in order). ``python tests/people_eval.py`` prints
precision and recall; ``tests/test_people.py`` asserts the thresholds.

Persons: a found person counts as right when its key and its foreign flag
match an expected one in the same sentence. Events: a found event counts as
right only when type, date, places, companions (in order) and greeters (in
order) all match an expected event of the same report.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent / "people_eval"


@dataclass
class PersonCase:
    text: str
    persons: list[tuple[str, bool, str | None]]  # key, foreign, post


@dataclass
class EventCase:
    title: str
    date: str
    body: str
    events: list[tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)


def _split_list(text: str, sep: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(sep) if x.strip())


def load_sentences(path: Path = HERE / "sentences.txt") -> list[PersonCase]:
    cases: list[PersonCase] = []
    text: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("="):
            assert text is not None, line
            persons = []
            for entry in _split_list(line[1:], " ; "):
                m = re.fullmatch(r"(?P<key>[^*(]+?)(?P<star>\*)?(?: \((?P<post>.*)\))?", entry)
                assert m, entry
                persons.append((m.group("key").strip(), bool(m.group("star")), m.group("post")))
            cases.append(PersonCase(text, persons))
            text = None
        else:
            assert text is None, f"two sentences without an expectation: {text!r}"
            text = line
    return cases


def load_reports(path: Path = HERE / "reports.txt") -> list[EventCase]:
    cases: list[EventCase] = []
    cur: EventCase | None = None
    body: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("### title:"):
            if cur:
                cases.append(cur)
            cur = EventCase(line.split(":", 1)[1].strip(), "", "")
            body = []
        elif line.startswith("### date:"):
            assert cur is not None
            cur.date = line.split(":", 1)[1].strip()
        elif line.startswith("=>"):
            assert cur is not None
            cur.body = "\n\n".join(body)
            spec = line[2:].strip()
            if spec == "none":
                continue
            parts = [p.strip() for p in spec.split("|")]
            parts += [""] * (5 - len(parts))
            cur.events.append(
                (
                    parts[0],
                    parts[1],
                    _split_list(parts[2], ";"),
                    _split_list(parts[3], ","),
                    _split_list(parts[4], ","),
                )
            )
        elif line.startswith("#") or not line.strip():
            continue
        elif cur is not None:
            body.append(line)
    if cur:
        cases.append(cur)
    return cases


def _ratio(tp: int, other: int) -> float:
    return tp / (tp + other) if tp + other else 1.0


def evaluate_persons(cases: list[PersonCase] | None = None) -> dict:
    from kcna_cli.people import find_persons

    cases = cases if cases is not None else load_sentences()
    tp = fp = fn = 0
    posts_right = posts_total = order_right = order_total = 0
    misses: list[str] = []
    for case in cases:
        found = find_persons(case.text)
        got = Counter((m.key, m.foreign) for m in found)
        want = Counter((k, f) for k, f, _ in case.persons)
        tp += sum((got & want).values())
        fp += sum((got - want).values())
        fn += sum((want - got).values())
        if got != want:
            misses.append(f"{case.text!r}\n      expected {sorted(want)}\n      got      {sorted(got)}")
        by_key = {m.key: m for m in found}
        for k, _, post in case.persons:
            if post is not None and k in by_key:
                posts_total += 1
                if by_key[k].post == post:
                    posts_right += 1
                else:
                    misses.append(f"post of {k} in {case.text!r}: expected {post!r}, got {by_key[k].post!r}")
        if len(case.persons) > 1:
            order_total += 1
            if [m.key for m in found] == [k for k, _, _ in case.persons]:
                order_right += 1
    return {
        "cases": len(cases),
        "precision": _ratio(tp, fp),
        "recall": _ratio(tp, fn),
        "posts": posts_right / posts_total if posts_total else 1.0,
        "posts_total": posts_total,
        "order": order_right / order_total if order_total else 1.0,
        "order_total": order_total,
        "misses": misses,
    }


def evaluate_events(cases: list[EventCase] | None = None) -> dict:
    from kcna_cli.activities import find_events
    from kcna_cli.places import Gazetteer, strip_dateline

    g = Gazetteer.load()
    cases = cases if cases is not None else load_reports()
    tp = fp = fn = 0
    misses: list[str] = []
    for case in cases:
        found = find_events(case.title, strip_dateline(case.body), case.date, places=g)
        got = [
            (
                e.type,
                e.date or "",
                tuple(g.by_id[p].full for p in e.places),
                tuple(e.companions),
                tuple(e.greeters),
            )
            for e in found
        ]
        want = list(case.events)
        right = 0
        pool = list(want)
        for ev in got:
            if ev in pool:
                pool.remove(ev)
                right += 1
        tp += right
        fp += len(got) - right
        fn += len(want) - right
        if right != len(got) or right != len(want):
            misses.append(f"{case.title!r}\n      expected {want}\n      got      {got}")
    return {
        "reports": len(cases),
        "events": sum(len(c.events) for c in cases),
        "precision": _ratio(tp, fp),
        "recall": _ratio(tp, fn),
        "misses": misses,
    }


def main(argv: list[str] | None = None) -> None:
    import sys

    args = sys.argv[1:] if argv is None else argv
    if "--heldout" in args:
        p = evaluate_persons(
            load_sentences(HERE / "heldout-sentences.txt") + load_sentences(HERE / "heldout2-sentences.txt")
        )
        e = evaluate_events(load_reports(HERE / "heldout-reports.txt"))
    else:
        p = evaluate_persons()
        e = evaluate_events()
    _print(p, e)


def _print(p: dict, e: dict) -> None:
    print(
        f"persons: {p['cases']} sentences, precision {p['precision']:.3f}, recall {p['recall']:.3f};"
        f" posts {p['posts']:.3f} of {p['posts_total']}, list order {p['order']:.3f} of {p['order_total']}"
    )
    for m in p["misses"]:
        print("  miss:", m)
    print(
        f"events: {e['reports']} reports, {e['events']} events, precision {e['precision']:.3f},"
        f" recall {e['recall']:.3f} (type, date, places, companions and greeters all right)"
    )
    for m in e["misses"]:
        print("  miss:", m)


if __name__ == "__main__":
    main()
