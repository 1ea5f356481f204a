"""audit — compliance of exported cases with the procedure (rules.md «audit»).

Each rule HL001–HL303 is one function below, registered under its code with its
severity; it yields a Russian message per breach and reuses the triage, clock and
escalate decisions instead of deriving them again. A rule whose facts are absent from
the record does not fire: no `hotline` part, no hotline-stage rules; no events, no
expert-stage rules; inside a part that is present, a missing field counts as not done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable

from hotline_cli import texts
from hotline_cli.calendar_ru import ProductionCalendar
from hotline_cli.clocks import client_promise, engineer_cycles
from hotline_cli.config import Config
from hotline_cli.messages import step_of
from hotline_cli.model import Case
from hotline_cli.triage import classify, naumen_comment


class Facts:
    """What the rules look at, computed once per case, the costly parts only when asked."""

    __slots__ = ("case", "cfg", "cal", "as_of", "decision", "situation", "hotline", "expert_stage", "requests",
                 "_silences", "_step")

    def __init__(self, case: Case, cfg: Config, cal: ProductionCalendar, as_of: date):
        self.case, self.cfg, self.cal, self.as_of = case, cfg, cal, as_of
        rule, facts = classify(case, with_r0=False)  # the first contact is judged, not a repeat
        self.decision = (rule, rule.situation(facts), rule.verdict(facts))
        self.situation = self.decision[1]
        self.hotline = case.hotline
        self.expert_stage = bool(case.events)
        self.requests = case.events_of("engineer_request")
        self._silences = None
        self._step = None

    @property
    def silences(self) -> list:
        """Cycles the engineer let pass (no answer by the due date) whose next working day is
        over by --today: (cycle, that next working day)."""
        if self._silences is None:
            out = []
            if self.requests:
                for c in engineer_cycles(self.case, self.cal, self.as_of):
                    if c.due is None or (c.stopped is not None and c.stopped <= c.due):
                        continue
                    deadline = self.cal.add(c.due, 1)
                    if self.as_of > deadline:
                        out.append((c, deadline))
            self._silences = out
        return self._silences

    @property
    def step(self):
        """escalate's decision for the case (messages.step_of), asked by HL209 and HL210."""
        if self._step is None:
            self._step = step_of(self.case, self.cal, self.as_of)
        return self._step


@dataclass(frozen=True)
class AuditRule:
    code: str
    severity: str  # "error" | "warning"
    title: str
    check: Callable[[Facts], list[str]]  # a message per breach; empty when the rule holds
    part: str = ""  # the part of the record the rule needs: "hotline", "events", "consultation" or ""


RULES: dict[str, AuditRule] = {}
NONE: list[str] = []  # returned by a rule that holds (never mutated)


def rule(code: str, severity: str, title: str):
    def register(fn: Callable[[Facts], list[str]]):
        part = {"1": "hotline", "2": "events"}.get(code[2], "")  # HL1xx judge the hotline part, HL2xx the events
        RULES[code] = AuditRule(code, severity, title, fn, part)
        return fn

    return register


# HL001 is not a function: an unreadable or invalid record's result carries it (see `findings_for_error`).
RULES["HL001"] = AuditRule("HL001", "error", "запись не является корректным делом", lambda f: NONE)


_d = texts.ru_date


# ------------------------------------------------------------------ the hotline stage


@rule("HL101", "error", "для кондиционера оформлена заявка на другой АСЦ")
def hl101(f: Facts) -> list[str]:
    if f.hotline is not None and f.case.category == "air_conditioner" and f.hotline.get("second_asc_request"):
        return [f"для кондиционера оформлена заявка на другой АСЦ № {f.hotline['second_asc_request']}: "
                "по статье заявку на другой АСЦ для кондиционеров не заводят"]
    return NONE


@rule("HL102", "error", "ситуация 1 без заявки на другой АСЦ")
def hl102(f: Facts) -> list[str]:
    if f.hotline is not None and f.situation == 1 and not f.hotline.get("second_asc_request"):
        return [f"ситуация 1 (в городе {f.case.city} АСЦ: {f.case.asc_count}), но заявка на другой АСЦ "
                "для повторной проверки не оформлена"]
    return NONE


@rule("HL103", "warning", "заявка на другой АСЦ в другой ситуации")
def hl103(f: Facts) -> list[str]:
    if (f.hotline is not None and f.hotline.get("second_asc_request") and f.situation != 1
            and f.case.category != "air_conditioner"):
        sit = f"ситуация {f.situation}" if f.situation else f"правило {f.decision[0].code}"
        return [f"оформлена заявка на другой АСЦ № {f.hotline['second_asc_request']}, хотя это {sit}"]
    return NONE


@rule("HL104", "error", "ситуация 2 без консультации L2 «Политика» / L3 «Обслуживание»")
def hl104(f: Facts) -> list[str]:
    if f.hotline is None or f.situation != 2:
        return NONE
    c = f.hotline.get("consultation") or {}
    l2, l3 = (c.get("l2") or "").strip(), (c.get("l3") or "").strip()
    if not c:
        return ["ситуация 2: консультация оператора не оформлена (нужны L2 «Политика», L3 «Обслуживание»)"]
    if (l2, l3) != (texts.CONSULTATION_L2, texts.CONSULTATION_L3):
        return [f"ситуация 2: консультация оформлена с L2 «{l2 or '—'}», L3 «{l3 or '—'}»; "
                f"нужны L2 «{texts.CONSULTATION_L2}», L3 «{texts.CONSULTATION_L3}»"]
    return NONE


@rule("HL105", "error", "ситуация 3 без запроса из Naumen или с другим шаблоном")
def hl105(f: Facts) -> list[str]:
    if f.hotline is None or f.situation != 3:
        return NONE
    n = f.hotline.get("naumen_request") or {}
    template = (n.get("template") or "").strip()
    if not n:
        return [f"ситуация 3: запрос из Naumen не создан (шаблон «{texts.NAUMEN_TEMPLATE}»)"]
    if template != texts.NAUMEN_TEMPLATE:
        return [f"ситуация 3: запрос из Naumen создан по шаблону «{template or '—'}», нужен «{texts.NAUMEN_TEMPLATE}»"]
    return NONE


@rule("HL106", "warning", "ситуация 3: комментарий Naumen отличается от обязательного текста")
def hl106(f: Facts) -> list[str]:
    if f.hotline is None or f.situation != 3:
        return NONE
    n = f.hotline.get("naumen_request")
    if not n:
        return NONE  # HL105 says so
    comment = (n.get("comment") or "").strip()
    expected = naumen_comment(f.case)
    if comment == expected:
        return NONE
    if f.case.category == "air_conditioner" and f.case.asc_count is None and comment == texts.NAUMEN_COMMENT:
        return NONE  # ASC count unknown: either wording may be true
    return [f"комментарий запроса Naumen «{comment or '—'}» отличается от обязательного «{expected}»"]


@rule("HL107", "warning", "ситуации 2–3: клиенту не предложено написать через «Напишите нам»")
def hl107(f: Facts) -> list[str]:
    if f.hotline is not None and f.situation in (2, 3) and not f.hotline.get("site_form_advised"):
        return [f"ситуация {f.situation}: клиенту не предложено отправить фото/видео дефекта через форму "
                "«Напишите нам» с номером телефона из заявки"]
    return NONE


# ------------------------------------------------------------------ the expert stage


@rule("HL201", "warning", "на этапе эксперта нет звонка эксперта клиенту")
def hl201(f: Facts) -> list[str]:
    if f.expert_stage and f.case.channel in ("call", "site_form") and f.case.first("expert_call") is None:
        return ["эксперт не позвонил клиенту (нет expert_call): вопрос на персональном контроле, "
                "срок — три рабочих дня"]
    return NONE


@rule("HL202", "error", "приоритет запроса инженеру не «Экстремальный»")
def hl202(f: Facts) -> list[str]:
    out = NONE
    for e in f.requests:
        p = (e.get("priority") or "").strip()
        if p != texts.PRIORITY:
            out = out + [f"запрос инженеру {_d(e.at.day)}: приоритет «{p or '—'}», нужен «{texts.PRIORITY}»"]
    return out


@rule("HL203", "error", "тема запроса инженеру не обязательная")
def hl203(f: Facts) -> list[str]:
    d = f.case.disputed
    if d is None or not f.requests:
        return NONE
    expected = texts.subject(f.case.client_name, d.number)
    out = NONE
    for e in f.requests:
        s = (e.get("subject") or "").strip()
        if s != expected:
            out = out + [f"запрос инженеру {_d(e.at.day)}: тема «{s or '—'}», нужна «{expected}»"]
    return out


@rule("HL204", "error", "в копии запроса инженеру нет адреса АСЦ или адреса из списка копий")
def hl204(f: Facts) -> list[str]:
    if not f.requests:
        return NONE
    d = f.case.disputed
    need = ([d.asc_email] if d is not None and d.asc_email else []) + list(f.cfg.copy)
    out = NONE
    for e in f.requests:
        cc = {a.strip().lower() for a in e.get("cc") or ()}
        missing = [a for a in need if a.strip().lower() not in cc]
        if missing:
            out = out + [f"запрос инженеру {_d(e.at.day)}: в копии нет {', '.join(missing)}"]
    return out


def _unfollowed(f: Facts, follow_type: str) -> list[tuple]:
    """The silences with no `follow_type` event after the cycle's start up to that next working day."""
    return [(c, deadline) for c, deadline in f.silences
            if not any(e.type == follow_type and c.start < e.at.day <= deadline for e in f.case.events)]


@rule("HL205", "error", "инженер молчит 3 рабочих дня, повторного запроса на следующий рабочий день нет")
def hl205(f: Facts) -> list[str]:
    return [f"цикл {c.cycle}: запрос инженеру {_d(c.start)}, ответа к {_d(c.due)} нет, повторного запроса "
            f"до {_d(deadline)} включительно нет" for c, deadline in _unfollowed(f, "re_request")] if f.silences else NONE


@rule("HL206", "error", "инженер молчит 3 рабочих дня, клиенту не позвонили о задержке на следующий рабочий день")
def hl206(f: Facts) -> list[str]:
    return [f"цикл {c.cycle}: ответа инженера к {_d(c.due)} нет, звонка клиенту о задержке "
            f"до {_d(deadline)} включительно нет" for c, deadline in _unfollowed(f, "delay_call")] if f.silences else NONE


@rule("HL207", "warning", "обещание клиенту (3 рабочих дня) не выполнено")
def hl207(f: Facts) -> list[str]:
    if not f.expert_stage:
        return NONE
    p = client_promise(f.case, f.cal, f.as_of)
    if p.status == "missed":
        return [f"звонок эксперта {_d(p.start)}, обещанный срок {_d(p.due)}, обратная связь только {_d(p.stopped)}"]
    if p.status == "overdue":
        return [f"звонок эксперта {_d(p.start)}, обещанный срок {_d(p.due)} прошёл, обратной связи нет"]
    return NONE


@rule("HL208", "error", "клиент угрожает, а в тексте запроса инженеру этого нет")
def hl208(f: Facts) -> list[str]:
    if not f.case.intents or not f.requests:
        return NONE
    bodies = " ".join((e.get("body") or "") for e in f.requests).lower()
    missing = [i for i in f.case.intents if texts.INTENT_MARKERS[i] not in bodies]
    if missing:
        return ["клиент намерен " + "; ".join(texts.INTENT_RU[i] for i in missing)
                + ", но в тексте запроса инженеру это не зафиксировано"]
    return NONE


def _undone(f: Facts, step: str):
    """The escalate decision after the client's feedback (rules.md «escalate», stage 4), when
    it is `step` and nobody has done it: the audit reuses it rather than deriving it again."""
    if not f.case.intents or not f.expert_stage:
        return None  # with no threat, stage 4 is always "close"
    st = f.step
    return st if st.step == step and st.done is None else None


@rule("HL209", "error", "отказ с угрозой и требованиями, но тикет не передан в группу рекламаций")
def hl209(f: Facts) -> list[str]:
    st = _undone(f, "claims_handoff")
    if st is None:
        return NONE
    return [f"обратная связь {_d(st.feedback.at.day)}: клиент не принял аргументы, угрожает, требования "
            "заявлены, но тикет не передан в группу рекламаций"]


@rule("HL210", "warning", "отказ с угрозой без требований, но требования у клиента не запрошены")
def hl210(f: Facts) -> list[str]:
    st = _undone(f, "ask_demands")
    if st is None:
        return NONE
    return [f"обратная связь {_d(st.feedback.at.day)}: клиент не принял аргументы и угрожает, требований нет, "
            "но клиенту не предложено их изложить"]


@rule("HL211", "error", "закрыто или дана обратная связь без ответа инженера")
def hl211(f: Facts) -> list[str]:
    out = NONE
    first_answer = None
    for e in f.case.events:  # sorted by time
        if e.type == "engineer_answer":
            first_answer = e
            break
    for e in f.case.events:
        if e.type in ("closed", "feedback_call") and (first_answer is None or first_answer.at.at > e.at.at):
            what = "запрос закрыт" if e.type == "closed" else "дана обратная связь клиенту"
            out = out + [f"{_d(e.at.day)} {what} без ответа ответственного инженера (ответ АСЦ решением не является)"]
    return out


# ------------------------------------------------------------------ the final consultation


@rule("HL301", "error", "«Описание заказчика» не начинается с обязательной фразы")
def hl301(f: Facts) -> list[str]:
    c = f.case.consultation
    if c is None:
        return NONE
    desc = (c.get("customer_description") or "").lstrip()
    if desc.startswith(texts.FIRST_SENTENCE):
        return NONE
    start = desc[:60] + ("…" if len(desc) > 60 else "")
    return [f"«Описание заказчика» начинается с «{start or '—'}», а не с «{texts.FIRST_SENTENCE}»"]


@rule("HL302", "error", "в «Примечаниях» нет ссылки на запрос инженеру")
def hl302(f: Facts) -> list[str]:
    c = f.case.consultation
    if c is None:
        return NONE
    notes = c.get("notes") or ""
    missing = [t for t in dict.fromkeys(e.get("ticket") for e in f.requests if e.get("ticket")) if t not in notes]
    if missing:
        return ["в «Примечаниях» нет ссылки на тикет запроса инженеру: " + ", ".join(missing)]
    return NONE


@rule("HL303", "error", "запрос закрыт без итоговой консультации")
def hl303(f: Facts) -> list[str]:
    closed = f.case.last("closed")
    if closed is None:
        return NONE
    c = f.case.consultation or {}
    if not (c.get("customer_description") or "").strip():
        return [f"запрос закрыт {_d(closed.at.day)}, а итоговой консультации в GSIS нет"]
    return NONE


# ------------------------------------------------------------------ running the rules

ORDER = sorted(RULES)


def select_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[AuditRule]:
    """--select / --ignore by code or prefix (HL2 = every HL2xx), like linters."""
    sel = [s.strip().upper() for s in select if s.strip()]
    ign = [s.strip().upper() for s in ignore if s.strip()]
    unknown = [s for s in sel + ign if not any(code.startswith(s) for code in RULES)]
    if unknown:
        raise ValueError("неизвестный код правила: " + ", ".join(unknown))
    out = []
    for code in ORDER:
        if sel and not any(code.startswith(s) for s in sel):
            continue
        if any(code.startswith(s) for s in ign):
            continue
        out.append(RULES[code])
    return out


def _asked(rules: list[AuditRule], hotline: bool, events: bool) -> tuple:
    """The rules to ask of a record with or without its hotline part and events: a part
    absent from the record is not audited, its rules are not even asked."""
    absent = {"hotline"} if not hotline else set()
    if not events:
        absent.add("events")
    return tuple((r.code, r.severity, r.check) for r in rules if r.part not in absent)


_ASKED: dict = {}  # (id of the selected list, hotline present, events present) -> _asked(...)


def audit_case(case: Case, cfg: Config, cal: ProductionCalendar, as_of: date, rules: list[AuditRule]) -> dict:
    f = Facts(case, cfg, cal, as_of)
    key = (id(rules), case.hotline is not None, bool(case.events))
    asked = _ASKED.get(key)
    if asked is None or asked[0] is not rules:
        asked = _ASKED[key] = (rules, _asked(rules, key[1], key[2]))
    findings = [{"code": code, "severity": severity, "message": m} for code, severity, check in asked[1]
                for m in check(f)]
    rule_, situation, verdict = f.decision
    return {"situation": situation, "verdict": verdict, "rule": rule_.code, "as_of": as_of.isoformat(),
            "findings": findings}


def findings_for_error(result: dict, rules: list[AuditRule]) -> dict:
    """An invalid record's result: its error and, in audit, the finding HL001."""
    if any(r.code == "HL001" for r in rules):
        e = result["error"]
        where = f"{e['path']}: " if e.get("path") else ""
        result["findings"] = [{"code": "HL001", "severity": "error", "message": where + e["message"]}]
    else:
        result["findings"] = []
    result["situation"] = None
    return result


# ------------------------------------------------------------------ the supervisor's summary


@dataclass
class Summary:
    read: int = 0
    invalid: int = 0
    with_errors: int = 0
    with_warnings: int = 0
    clean: int = 0
    per_rule: dict = field(default_factory=dict)
    per_situation: dict = field(default_factory=dict)

    def add(self, error: str | None, findings: tuple, situation) -> None:
        """Count one result by its meta: (stderr line or None, ((code, severity), …), situation)."""
        self.read += 1
        for code, _ in findings:
            self.per_rule[code] = self.per_rule.get(code, 0) + 1
        if error is not None:
            self.invalid += 1
            return
        self.per_situation[situation] = self.per_situation.get(situation, 0) + 1
        if any(sev == "error" for _, sev in findings):
            self.with_errors += 1
        elif findings:
            self.with_warnings += 1
        else:
            self.clean += 1

    def merge(self, other: "Summary") -> None:
        """Add another part's counts (a worker process's share of the batch)."""
        self.read += other.read
        self.invalid += other.invalid
        self.with_errors += other.with_errors
        self.with_warnings += other.with_warnings
        self.clean += other.clean
        for mine, theirs in ((self.per_rule, other.per_rule), (self.per_situation, other.per_situation)):
            for key, n in theirs.items():
                mine[key] = mine.get(key, 0) + n

    @property
    def compliant(self) -> int:
        """Valid cases without an error-level finding."""
        return self.read - self.invalid - self.with_errors

    def as_dict(self) -> dict:
        return {"read": self.read, "invalid": self.invalid, "with_errors": self.with_errors,
                "with_warnings_only": self.with_warnings, "clean": self.clean, "compliant": self.compliant,
                "per_rule": dict(sorted(self.per_rule.items())),
                "per_situation": {str(k): v for k, v in sorted(self.per_situation.items(), key=lambda kv: str(kv[0]))}}
