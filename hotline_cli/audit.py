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
from functools import cached_property
from typing import Callable, Iterable, Iterator

from hotline_cli import texts
from hotline_cli.calendar_ru import ProductionCalendar
from hotline_cli.clocks import client_promise, engineer_cycles
from hotline_cli.config import Config
from hotline_cli.messages import counted_feedback, has_demands
from hotline_cli.model import Case
from hotline_cli.triage import classify, naumen_comment


@dataclass
class Facts:
    """What the rules look at, computed once per case and only when a rule asks."""

    case: Case
    cfg: Config
    cal: ProductionCalendar
    as_of: date

    @cached_property
    def decision(self):
        rule, facts = classify(self.case, with_r0=False)  # the first contact is judged, not a repeat
        return rule, rule.situation(facts), rule.verdict(facts)

    @property
    def situation(self) -> int | None:
        return self.decision[1]

    @property
    def hotline(self) -> dict | None:
        return self.case.hotline

    @property
    def expert_stage(self) -> bool:
        return bool(self.case.events)

    @cached_property
    def requests(self):
        return self.case.events_of("engineer_request")

    @cached_property
    def cycles(self):
        return engineer_cycles(self.case, self.cal, self.as_of)

    @cached_property
    def feedback(self):
        return counted_feedback(self.case)[0]


@dataclass(frozen=True)
class AuditRule:
    code: str
    severity: str  # "error" | "warning"
    title: str
    check: Callable[[Facts], Iterable[str]]


RULES: dict[str, AuditRule] = {}


def rule(code: str, severity: str, title: str):
    def register(fn: Callable[[Facts], Iterable[str]]):
        RULES[code] = AuditRule(code, severity, title, fn)
        return fn

    return register


# HL001 is not a function: an unreadable or invalid record's result carries it (see `findings_for_error`).
RULES["HL001"] = AuditRule("HL001", "error", "запись не является корректным делом", lambda f: ())


def _d(d: date) -> str:
    return texts.ru_date(d)


# ------------------------------------------------------------------ the hotline stage


@rule("HL101", "error", "для кондиционера оформлена заявка на другой АСЦ")
def hl101(f: Facts) -> Iterator[str]:
    if f.hotline is not None and f.case.category == "air_conditioner" and f.hotline.get("second_asc_request"):
        yield (f"для кондиционера оформлена заявка на другой АСЦ № {f.hotline['second_asc_request']}: "
               "по статье заявку на другой АСЦ для кондиционеров не заводят")


@rule("HL102", "error", "ситуация 1 без заявки на другой АСЦ")
def hl102(f: Facts) -> Iterator[str]:
    if f.hotline is not None and f.situation == 1 and not f.hotline.get("second_asc_request"):
        yield (f"ситуация 1 (в городе {f.case.city} АСЦ: {f.case.asc_count}), но заявка на другой АСЦ "
               "для повторной проверки не оформлена")


@rule("HL103", "warning", "заявка на другой АСЦ в другой ситуации")
def hl103(f: Facts) -> Iterator[str]:
    if (f.hotline is not None and f.hotline.get("second_asc_request") and f.situation != 1
            and f.case.category != "air_conditioner"):
        sit = f"ситуация {f.situation}" if f.situation else f"правило {f.decision[0].code}"
        yield f"оформлена заявка на другой АСЦ № {f.hotline['second_asc_request']}, хотя это {sit}"


@rule("HL104", "error", "ситуация 2 без консультации L2 «Политика» / L3 «Обслуживание»")
def hl104(f: Facts) -> Iterator[str]:
    if f.hotline is None or f.situation != 2:
        return
    c = f.hotline.get("consultation") or {}
    l2, l3 = (c.get("l2") or "").strip(), (c.get("l3") or "").strip()
    if not c:
        yield "ситуация 2: консультация оператора не оформлена (нужны L2 «Политика», L3 «Обслуживание»)"
    elif (l2, l3) != (texts.CONSULTATION_L2, texts.CONSULTATION_L3):
        yield (f"ситуация 2: консультация оформлена с L2 «{l2 or '—'}», L3 «{l3 or '—'}»; "
               f"нужны L2 «{texts.CONSULTATION_L2}», L3 «{texts.CONSULTATION_L3}»")


@rule("HL105", "error", "ситуация 3 без запроса из Naumen или с другим шаблоном")
def hl105(f: Facts) -> Iterator[str]:
    if f.hotline is None or f.situation != 3:
        return
    n = f.hotline.get("naumen_request") or {}
    template = (n.get("template") or "").strip()
    if not n:
        yield f"ситуация 3: запрос из Naumen не создан (шаблон «{texts.NAUMEN_TEMPLATE}»)"
    elif template != texts.NAUMEN_TEMPLATE:
        yield f"ситуация 3: запрос из Naumen создан по шаблону «{template or '—'}», нужен «{texts.NAUMEN_TEMPLATE}»"


@rule("HL106", "warning", "ситуация 3: комментарий Naumen отличается от обязательного текста")
def hl106(f: Facts) -> Iterator[str]:
    if f.hotline is None or f.situation != 3:
        return
    n = f.hotline.get("naumen_request")
    if not n:
        return  # HL105 says so
    comment = (n.get("comment") or "").strip()
    expected = naumen_comment(f.case)
    allowed = {expected}
    if f.case.category == "air_conditioner" and f.case.asc_count is None:
        allowed.add(texts.NAUMEN_COMMENT)  # ASC count unknown: either wording may be true
    if comment not in allowed:
        yield f"комментарий запроса Naumen «{comment or '—'}» отличается от обязательного «{expected}»"


@rule("HL107", "warning", "ситуации 2–3: клиенту не предложено написать через «Напишите нам»")
def hl107(f: Facts) -> Iterator[str]:
    if f.hotline is not None and f.situation in (2, 3) and not f.hotline.get("site_form_advised"):
        yield (f"ситуация {f.situation}: клиенту не предложено отправить фото/видео дефекта через форму "
               "«Напишите нам» с номером телефона из заявки")


# ------------------------------------------------------------------ the expert stage


@rule("HL201", "warning", "на этапе эксперта нет звонка эксперта клиенту")
def hl201(f: Facts) -> Iterator[str]:
    if f.expert_stage and f.case.channel in ("call", "site_form") and f.case.first("expert_call") is None:
        yield "эксперт не позвонил клиенту (нет expert_call): вопрос на персональном контроле, срок — три рабочих дня"


@rule("HL202", "error", "приоритет запроса инженеру не «Экстремальный»")
def hl202(f: Facts) -> Iterator[str]:
    for e in f.requests:
        p = (e.get("priority") or "").strip()
        if p != texts.PRIORITY:
            yield f"запрос инженеру {_d(e.at.day)}: приоритет «{p or '—'}», нужен «{texts.PRIORITY}»"


@rule("HL203", "error", "тема запроса инженеру не обязательная")
def hl203(f: Facts) -> Iterator[str]:
    d = f.case.disputed
    if d is None:
        return
    expected = texts.subject(f.case.client_name, d.number)
    for e in f.requests:
        s = (e.get("subject") or "").strip()
        if s != expected:
            yield f"запрос инженеру {_d(e.at.day)}: тема «{s or '—'}», нужна «{expected}»"


@rule("HL204", "error", "в копии запроса инженеру нет адреса АСЦ или адреса из списка копий")
def hl204(f: Facts) -> Iterator[str]:
    d = f.case.disputed
    need = ([d.asc_email] if d is not None and d.asc_email else []) + list(f.cfg.copy)
    for e in f.requests:
        cc = {a.strip().lower() for a in e.get("cc") or ()}
        missing = [a for a in need if a.strip().lower() not in cc]
        if missing:
            yield f"запрос инженеру {_d(e.at.day)}: в копии нет {', '.join(missing)}"


def _silences(f: Facts, follow_type: str) -> Iterator[tuple]:
    """Cycles the engineer let pass (no answer by the due date) whose next working day is
    over by --today, with no `follow_type` event after the start up to that day."""
    for c in f.cycles:
        if c.due is None or (c.stopped is not None and c.stopped <= c.due):
            continue
        deadline = f.cal.add(c.due, 1)
        if f.as_of <= deadline:
            continue
        if not any(e.type == follow_type and c.start < e.at.day <= deadline for e in f.case.events):
            yield c, deadline


@rule("HL205", "error", "инженер молчит 3 рабочих дня, повторного запроса на следующий рабочий день нет")
def hl205(f: Facts) -> Iterator[str]:
    for c, deadline in _silences(f, "re_request"):
        yield (f"цикл {c.cycle}: запрос инженеру {_d(c.start)}, ответа к {_d(c.due)} нет, повторного запроса "
               f"до {_d(deadline)} включительно нет")


@rule("HL206", "error", "инженер молчит 3 рабочих дня, клиенту не позвонили о задержке на следующий рабочий день")
def hl206(f: Facts) -> Iterator[str]:
    for c, deadline in _silences(f, "delay_call"):
        yield (f"цикл {c.cycle}: ответа инженера к {_d(c.due)} нет, звонка клиенту о задержке "
               f"до {_d(deadline)} включительно нет")


@rule("HL207", "warning", "обещание клиенту (3 рабочих дня) не выполнено")
def hl207(f: Facts) -> Iterator[str]:
    if not f.expert_stage:
        return
    p = client_promise(f.case, f.cal, f.as_of)
    if p.status == "missed":
        yield f"звонок эксперта {_d(p.start)}, обещанный срок {_d(p.due)}, обратная связь только {_d(p.stopped)}"
    elif p.status == "overdue":
        yield f"звонок эксперта {_d(p.start)}, обещанный срок {_d(p.due)} прошёл, обратной связи нет"


@rule("HL208", "error", "клиент угрожает, а в тексте запроса инженеру этого нет")
def hl208(f: Facts) -> Iterator[str]:
    if not f.case.intents or not f.requests:
        return
    bodies = " ".join((e.get("body") or "") for e in f.requests).lower()
    missing = [i for i in f.case.intents if texts.INTENT_MARKERS[i] not in bodies]
    if missing:
        yield ("клиент намерен " + "; ".join(texts.INTENT_RU[i] for i in missing)
               + ", но в тексте запроса инженеру это не зафиксировано")


@rule("HL209", "error", "отказ с угрозой и требованиями, но тикет не передан в группу рекламаций")
def hl209(f: Facts) -> Iterator[str]:
    fb = f.feedback
    if fb is None or fb.get("outcome") != "rejected" or not f.case.intents or not has_demands(f.case):
        return
    if f.case.first("claims_handoff", after=fb.at.at) is None:
        yield (f"обратная связь {_d(fb.at.day)}: клиент не принял аргументы, угрожает, требования заявлены, "
               "но тикет не передан в группу рекламаций")


@rule("HL210", "warning", "отказ с угрозой без требований, но требования у клиента не запрошены")
def hl210(f: Facts) -> Iterator[str]:
    fb = f.feedback
    if fb is None or fb.get("outcome") != "rejected" or not f.case.intents or has_demands(f.case):
        return
    if f.case.first("demands_requested", after=fb.at.at) is None:
        yield (f"обратная связь {_d(fb.at.day)}: клиент не принял аргументы и угрожает, требований нет, "
               "но клиенту не предложено их изложить")


@rule("HL211", "error", "закрыто или дана обратная связь без ответа инженера")
def hl211(f: Facts) -> Iterator[str]:
    answers = [e.at.at for e in f.case.events if e.type == "engineer_answer"]
    for e in f.case.events:
        if e.type in ("closed", "feedback_call") and not any(a <= e.at.at for a in answers):
            what = "запрос закрыт" if e.type == "closed" else "дана обратная связь клиенту"
            yield f"{_d(e.at.day)} {what} без ответа ответственного инженера (ответ АСЦ решением не является)"


# ------------------------------------------------------------------ the final consultation


@rule("HL301", "error", "«Описание заказчика» не начинается с обязательной фразы")
def hl301(f: Facts) -> Iterator[str]:
    c = f.case.consultation
    if c is None:
        return
    desc = (c.get("customer_description") or "").lstrip()
    if not desc.startswith(texts.FIRST_SENTENCE):
        start = desc[:60] + ("…" if len(desc) > 60 else "")
        yield f"«Описание заказчика» начинается с «{start or '—'}», а не с «{texts.FIRST_SENTENCE}»"


@rule("HL302", "error", "в «Примечаниях» нет ссылки на запрос инженеру")
def hl302(f: Facts) -> Iterator[str]:
    c = f.case.consultation
    if c is None:
        return
    notes = c.get("notes") or ""
    tickets = [e.get("ticket") for e in f.requests if e.get("ticket")]
    missing = [t for t in dict.fromkeys(tickets) if t not in notes]
    if missing:
        yield "в «Примечаниях» нет ссылки на тикет запроса инженеру: " + ", ".join(missing)


@rule("HL303", "error", "запрос закрыт без итоговой консультации")
def hl303(f: Facts) -> Iterator[str]:
    closed = f.case.last("closed")
    c = f.case.consultation or {}
    if closed is not None and not (c.get("customer_description") or "").strip():
        yield f"запрос закрыт {_d(closed.at.day)}, а итоговой консультации в GSIS нет"


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


def audit_case(case: Case, cfg: Config, cal: ProductionCalendar, as_of: date, rules: list[AuditRule]) -> dict:
    f = Facts(case, cfg, cal, as_of)
    findings = [{"code": r.code, "severity": r.severity, "message": m} for r in rules if r.code != "HL001"
                for m in r.check(f)]
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

    def add(self, r: dict) -> None:
        self.read += 1
        findings = r.get("findings") or ()
        for x in findings:
            self.per_rule[x["code"]] = self.per_rule.get(x["code"], 0) + 1
        if "error" in r:
            self.invalid += 1
            return
        key = r.get("situation") or r.get("verdict")
        self.per_situation[key] = self.per_situation.get(key, 0) + 1
        if any(x["severity"] == "error" for x in findings):
            self.with_errors += 1
        elif findings:
            self.with_warnings += 1
        else:
            self.clean += 1

    @staticmethod
    def has_error_finding(r: dict) -> bool:
        return any(x["severity"] == "error" for x in r.get("findings") or ())

    @property
    def compliant(self) -> int:
        """Valid cases without an error-level finding."""
        return self.read - self.invalid - self.with_errors

    def as_dict(self) -> dict:
        return {"read": self.read, "invalid": self.invalid, "with_errors": self.with_errors,
                "with_warnings_only": self.with_warnings, "clean": self.clean, "compliant": self.compliant,
                "per_rule": dict(sorted(self.per_rule.items())),
                "per_situation": {str(k): v for k, v in sorted(self.per_situation.items(), key=lambda kv: str(kv[0]))}}
