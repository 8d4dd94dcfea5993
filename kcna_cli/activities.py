"""The leader's public activities reported in KCNA text: pure functions, no I/O.

``find_events(title, text, date)`` finds reports of a public activity of
Kim Jong Un (``LEADERS``): inspected, visited, gave field guidance, watched,
attended, guided, met, received, enjoyed a performance, oversaw a test,
made a speech, sent a message or a letter (``EVENT_TYPES``; a message and a
letter are not appearances, ``NOT_APPEARANCES``). Each ``Event`` has its
date (``on May 3`` or ``on Wednesday`` in the text, else the article's),
the object visited, the places its sentence names (``kcna_cli.places``),
the officials who accompanied the leader and those who greeted him on the
spot, each in printed order.

A report usually tells one activity: later activity verbs (``He looked
round ...``) belong to it, unless they say ``also`` or give another date.
The headline (``Kim Jong Un Inspects ...``) decides the type when the body's
verb is weaker. Every pattern is linear in its input.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field, replace

from .names import _plain, _words
from .people import PersonMention, find_persons, sentences

#: public activities; ``message`` and ``letter`` are not appearances
EVENT_TYPES = (
    "field_guidance",
    "inspection",
    "visit",
    "watched",
    "attended",
    "guided",
    "test",
    "performance",
    "meeting",
    "received",
    "speech",
    "message",
    "letter",
)
NOT_APPEARANCES = frozenset({"message", "letter"})
#: the leaders whose activities are events, by person key
LEADERS = ("kim jongun",)
#: leader names as printed: an item without any of them has no events to look for
LEADER_MARKS = ("Kim Jong Un", "Kim Jong-un", "Kim Jong-Un")

_PAST = [
    ("field_guidance", r"gave (?:on-the-spot |on-site )?field guidance(?: to| at)?"),
    (
        "performance",
        r"(?:enjoyed|appreciated|watched|saw) (?:a |an |the )?(?:[\w'-]+ ){0,6}?"
        r"(?:performance|concert|show|art performance|gala)",
    ),
    (
        "test",
        r"(?:oversaw|observed|watched|guided|supervised) (?:a |an |the )?(?:[\w'-]+ ){0,4}?"
        r"(?:test|test-fire|test-firing|test firing|launch|launching)",
    ),
    ("inspection", r"inspected"),
    ("visit", r"(?:visited|paid a visit to|called at|looked round|went to|toured|paid (?:tribute|homage) to)"),
    ("watched", r"watched"),
    ("attended", r"(?:attended|was present at|participated in|took part in)"),
    ("guided", r"guided|directed|presided over"),
    ("meeting", r"(?:met(?: with)?|had (?:a |the )?(?:talks?|meeting|conversation|summit)(?: with)?|held talks with)"),
    ("received", r"received(?! (?:a |an |the )?(?:[\w'-]+ ){0,3}?(?:letter|message|reply|greetings|gift|telegram))"),
    ("speech", r"(?:made|delivered|gave) (?:a |an |the )?(?:[\w'-]+ ){0,3}?(?:speech|address|report)"),
    ("letter", r"(?:sent|wrote|addressed) (?:a |an |the )?(?:[\w'-]+ ){0,3}?letter"),
    (
        "message",
        r"(?:sent|addressed|dispatched) (?:a |an |the )?(?:[\w'-]+ ){0,3}?"
        r"(?:message|greetings?|congratulations|condolences|telegram|reply|wreath|gift|floral basket|birthday table)",
    ),
]
_PAST_RE = re.compile(r"\b(?:" + "|".join(f"(?P<{t}>{p})" for t, p in _PAST) + r")\b")
_TITLE_VERBS = [
    ("field_guidance", r"Gives? (?:On-the-spot |On-site )?Field Guidance"),
    ("performance", r"(?:Enjoys?|Appreciates?|Watches|Sees) (?:[\w'-]+ ){0,6}?(?:Performance|Concert|Show|Gala)"),
    (
        "test",
        r"(?:Oversees|Observes|Watches|Guides|Supervises) (?:[\w'-]+ ){0,5}?"
        r"(?:Test|Test-fire|Test-firing|Launch)",
    ),
    ("inspection", r"Inspects?"),
    ("visit", r"Visits?|Looks Round|Tours"),
    ("watched", r"Watches"),
    ("attended", r"Attends?|Participates"),
    ("guided", r"Guides?|Directs?"),
    ("meeting", r"Meets?|Holds? Talks|Has Talks"),
    ("received", r"Receives?(?! (?:[\w'-]+ ){0,3}?(?:Letter|Message|Reply|Greetings|Gift|Telegram))"),
    ("speech", r"(?:Makes?|Delivers?) (?:[\w'-]+ ){0,3}?(?:Speech|Address|Report)"),
    ("letter", r"(?:Sends?|Writes?) (?:[\w'-]+ ){0,3}?Letter|Letter"),
    ("message", r"Sends?|Message|Greetings|Congratulat\w+|Condolences|Wreath|Reply"),
]
_TITLE_RE = re.compile(r"\b(?:" + "|".join(f"(?P<{t}>{p})" for t, p in _TITLE_VERBS) + r")\b")

_WEEKDAYS = {d: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
_MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        1,
    )
}
_ON_DATE = re.compile(
    r"\b[Oo]n (?:(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|"
    r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December) (?P<day>\d{1,2})"
    r"(?:,? (?P<year>\d{4}))?)\b"
)
_ACCOMPANY = re.compile(
    r"\b(?:accompanied by|Accompanying (?:him|her|them)|accompanying (?:him|her|them)|accompanied (?:him|her|them))\b"
)
_GREETED = re.compile(r"\bgreeted (?:him|her|them)\b|\bwas greeted\b|\bwelcomed him\b|\bwas welcomed\b")
_OBJECT_END = re.compile(
    r",|;|\.(?=\s|$)|\bon (?=[A-Z])|\bin (?=[A-Z][a-z]+ (?:County|City|District|Province)|Pyongyang|the [A-Z]"
    r"[a-z]+ (?:County|City|District))|\b(?:together|along|accompanied|to (?:learn|acquaint|see|mark|celebrate|"
    r"congratulate)|and (?:gave|inspected|visited|watched|looked|learned|acquainted|guided|met))\b"
    r"|\bfor (?=the (?:first|second))"
)


@dataclass
class Event:
    """One reported public activity of a leader."""

    leader: str
    type: str
    date: str | None
    object: str | None = None
    places: list[str] = field(default_factory=list)
    companions: list[str] = field(default_factory=list)
    greeters: list[str] = field(default_factory=list)
    #: the date was printed with the activity ("on May 3"), not taken from the article
    date_in_text: bool = False
    #: where the report of the activity starts in the text (-1: the title)
    start: int = -1
    #: the printed name and foreign flag of each person key in the lists
    names: dict[str, tuple[str, bool]] = field(default_factory=dict)

    @property
    def appearance(self) -> bool:
        return self.type not in NOT_APPEARANCES

    def key(self) -> str:
        """The same activity reported by several captures or outlets has the same key."""
        return "|".join([self.leader, self.date or "", self.type, object_key(self.object)])

    def to_dict(self) -> dict:
        return {
            "leader": self.leader,
            "type": self.type,
            "date": self.date,
            "object": self.object,
            "places": list(self.places),
            "companions": list(self.companions),
            "greeters": list(self.greeters),
            "appearance": self.appearance,
        }


_OBJECT_NOISE = frozenset(_words("the a an newly built newly-built new completed of and in at for to its local"))


def object_key(obj: str | None) -> str:
    """What is visited, folded for matching reports of it: words, no articles, no case."""
    if not obj:
        return ""
    words = re.findall(r"[a-z0-9]+", _plain(obj).lower())
    return " ".join(w for w in words if w not in _OBJECT_NOISE)[:80]


#: "who died on March 28", "founded on ...": a date, but not the activity's
_NOT_ACTIVITY_DATE = re.compile(r"\b(?:died|born|passed away|founded|established|since|was killed)\s+$")


def resolve_date(text: str, article_date: str | None) -> tuple[str | None, bool]:
    """The date a sentence gives its activity (``on May 3``, ``on Monday``), else the article's."""
    m = None
    for cand in _ON_DATE.finditer(text):
        if not _NOT_ACTIVITY_DATE.search(text[max(0, cand.start() - 30) : cand.start()]):
            m = cand
            break
    if not m or not article_date:
        return article_date, False
    try:
        ref = _dt.date.fromisoformat(article_date)
    except ValueError:
        return article_date, False
    if m.group("wd"):
        back = (ref.weekday() - _WEEKDAYS[m.group("wd").lower()]) % 7
        return (ref - _dt.timedelta(days=back)).isoformat(), True
    month, day = _MONTHS[m.group("mon").lower()], int(m.group("day"))
    years = [int(m.group("year"))] if m.group("year") else [ref.year, ref.year - 1]
    for y in years:
        try:
            day_of = _dt.date(y, month, day)
        except ValueError:
            continue
        if m.group("year") or day_of <= ref + _dt.timedelta(days=1):
            return day_of.isoformat(), True
    return article_date, False


def names_leader(title: str | None, text: str | None) -> bool:
    """Can an item with this title and text report a leader's activity (``find_events``
    finds nothing in one that names none of ``LEADER_MARKS``)?"""
    return any(mark in (title or "") or mark in (text or "") for mark in LEADER_MARKS)


def find_events(
    title: str | None,
    text: str | None,
    date: str | None,
    *,
    places=None,
    leaders: tuple[str, ...] = LEADERS,
    mentions: list[PersonMention] | None = None,
) -> list[Event]:
    """The public activities of ``leaders`` this item reports.

    ``text`` is the item's body (or teaser lede) with any dateline removed;
    ``date`` the article's date; ``places`` a ``kcna_cli.places.Gazetteer``
    (loaded if not given); ``mentions`` the persons ``find_persons`` found in
    ``text``, when the caller has them already.
    """
    body = text or ""
    title_type, title_leader = _title_activity(title, leaders)
    if not body.strip():
        return [Event(title_leader, title_type, date)] if title_type and title_leader else []
    if places is None:
        from .places import Gazetteer

        places = Gazetteer.load()
    reader = _Reader(date, leaders, title_type, places)
    # persons are found once in the whole text, then handed to the sentence they are in
    if mentions is None:
        mentions = find_persons(body)
    k = 0
    for s, e in sentences(body):
        while k < len(mentions) and mentions[k].start < s:
            k += 1
        here = []
        while k < len(mentions) and mentions[k].end <= e:
            m = mentions[k]
            here.append(replace(m, start=m.start - s, end=m.end - s))
            k += 1
        reader.read(s, body[s:e], here)
    events = reader.events
    if not events and title_type and title_leader:
        events.append(Event(title_leader, title_type, date))
    # one list of companions printed for several activities of one report
    shared = next((ev.companions for ev in events if ev.companions), [])
    for ev in events:
        if not ev.companions and ev.appearance:
            ev.companions = list(shared)
        ev.names = reader.names
    return events


def _title_activity(title: str | None, leaders: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(type, leader) of the activity a headline names: ``Kim Jong Un Inspects ...``."""
    if not title:
        return None, None
    tm = [p for p in find_persons(title, title=True) if p.key in leaders]
    if not tm:
        return None, None
    mt = _TITLE_RE.search(title, tm[0].end)
    received = re.search(r"\bReceives?\b", title, re.I) is not None  # a letter he received is no activity
    if mt and mt.lastgroup and not (received and mt.lastgroup in NOT_APPEARANCES):
        return mt.lastgroup, tm[0].key
    return None, None


class _Reader:
    """Reads a report sentence by sentence: activities, then who accompanied and greeted."""

    def __init__(self, date: str | None, leaders: tuple[str, ...], title_type: str | None, gazetteer) -> None:
        self.date = date
        self.leaders = leaders
        self.title_type = title_type
        self.gazetteer = gazetteer
        self.events: list[Event] = []
        self.leader: str | None = None
        self.current: Event | None = None
        #: sentences before the leader is named: "A ceremony ... was held in X on April 14."
        self.context: list[str] = []
        self.names: dict[str, tuple[str, bool]] = {}

    def read(self, start: int, sent: str, persons: list[PersonMention]) -> None:
        named = [p for p in persons if p.key in self.leaders]
        if named:
            self.leader = named[0].key
        if self.leader is None:
            if len(self.context) < 3:
                self.context.append(sent)
            return
        others = [p for p in persons if p.key not in self.leaders]
        for p in persons:
            self.names.setdefault(p.key, (p.name, p.foreign))
        acc = _ACCOMPANY.search(sent)
        greet = _GREETED.search(sent)
        subject_end = _subject_end(sent, named)
        verb = None
        if subject_end is not None and not (greet and not named):
            verb = _first_activity(sent, subject_end, others)
        if verb is None and self.current is None and named and self.title_type and not greet and not acc:
            # "Kim Jong Un paid tribute to ...": the headline names the activity
            verb = (self.title_type, named[0].end, named[0].end)
        if verb is not None and self._start(start, sent, verb, others, acc):
            return
        if self.current is not None:
            self._lists(self.current, sent, others, acc, greet)

    def _start(self, start: int, sent: str, verb: tuple[str, int, int], others, acc) -> bool:
        """A new event from an activity verb, unless it tells more of the current one."""
        etype, vstart, vend = verb
        current = self.current
        also = re.search(r"\balso\b", sent[max(0, vstart - 12) : vstart]) is not None
        if not (current is None or also or _new_activity(current, sent, self.date)):
            return False
        obj = _object(sent, vend, etype) if vend > vstart else None
        d, in_text = resolve_date(sent, self.date)
        if also and current is not None and not in_text:
            d, in_text = current.date, current.date_in_text  # "He also visited ...": the same day
        if current is None and not in_text:
            for before in self.context:
                d, in_text = resolve_date(before, self.date)
                if in_text:
                    break
        if current is None and self.title_type and self.title_type != etype and not also:
            etype = _prefer(self.title_type, etype)
        assert self.leader is not None
        ev = Event(self.leader, etype, d, obj, date_in_text=in_text, start=start)
        ev.places = _places_of(self.gazetteer, sent)
        for before in self.context if not ev.places and current is None else []:
            ev.places = _places_of(self.gazetteer, before)
            if ev.places:
                break
        if acc:
            ev.companions = _names_after(others, acc.start())
        self.events.append(ev)
        self.current = ev
        return True

    def _lists(self, current: Event, sent: str, others: list[PersonMention], acc, greet) -> None:
        """Who accompanied the leader, who greeted him on the spot, where it was."""
        if acc and not current.companions:
            current.companions = _names_after(others, acc.start())
            if acc.group(0).startswith(("accompanied him", "accompanied her")):
                current.companions = [p.key for p in others if p.end <= acc.start()]
        elif greet and not current.greeters:
            before_names = [p.key for p in others if p.end <= greet.start()]
            after = [p.key for p in others if p.start >= greet.end()]
            current.greeters = before_names if before_names else after
        if not current.places:
            current.places = _places_of(self.gazetteer, sent)


def _prefer(title_type: str, body_type: str) -> str:
    """The headline names the activity; the body's verb may be a weaker one ("visited" for an inspection)."""
    if title_type in ("message", "letter") and body_type not in ("message", "letter"):
        return body_type
    return title_type


def _new_activity(current: Event, sent: str, date: str | None) -> bool:
    """A second activity verb is a new event only with a new date."""
    d, in_text = resolve_date(sent, date)
    return in_text and d != current.date


def _subject_end(sent: str, named: list[PersonMention]) -> int | None:
    """Where the leader as subject ends: after his name (and a post between commas), or after ``He``."""
    if named:
        m = named[0]
        return m.end
    hm = re.match(
        r"\s*(?:\"|\u201c)?(?:He|Then he|There he|After that,? he|Later,? he|Next,? he|The "
        r"(?:respected |supreme )?leader)\b",
        sent,
    )
    if hm:
        return hm.end()
    hm = re.search(r"(?:,|\bthen|\balso|\bwhere|\band) he\b", sent)
    if hm:
        return hm.end()
    return None


def _first_activity(sent: str, start: int, others: list[PersonMention]) -> tuple[str, int, int] | None:
    """The first activity verb after the subject, before any other person's name begins a clause."""
    m = _PAST_RE.search(sent, start)
    if not m or not m.lastgroup:
        return None
    # "... was greeted by Jo Yong Won who visited": another subject in between
    between = sent[start : m.start()]
    if re.search(r"\bwas (?:greeted|accompanied|welcomed)\b|\bwho\b|\bwhich\b", between):
        return None
    if len(between) > 260:
        return None
    return m.lastgroup, m.start(), m.end()


def _object(sent: str, vend: int, etype: str = "") -> str | None:
    rest = sent[vend:].lstrip()
    if etype in ("message", "letter"):
        # "sent a message of greetings to Vladimir Putin": the one it was sent to
        to = re.search(r"\bto\s+", rest)
        if not to:
            return None
        rest = rest[to.end() :]
    rest = re.sub(r"^(?:to|at|with|over|on)\s+", "", rest)
    m = _OBJECT_END.search(rest)
    obj = rest[: m.start()] if m else rest
    obj = obj.strip(" .,;\"'")
    obj = re.sub(r"^(?:the|a|an)\s+", "", obj)
    if not obj or len(obj) > 160:
        return obj[:160] or None if obj else None
    return obj


def _places_of(gazetteer, sent: str) -> list[str]:
    from .places import strip_dateline

    out: list[str] = []
    for m in gazetteer.extract(strip_dateline(sent)):
        if m.place_id not in out and not m.ambiguous:
            out.append(m.place_id)
    return out


def _names_after(others: list[PersonMention], pos: int) -> list[str]:
    out: list[str] = []
    for p in others:
        if p.start >= pos and p.key not in out:
            out.append(p.key)
    return out
