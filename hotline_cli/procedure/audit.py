"""audit — compliance of exported cases with the procedure (rules.md «audit»).

Each code HL001–HL304 is declared once, below, with its severity, title, the stage and
channels it applies to, the part of the record it needs and the procedure's sentence it
enforces; its check reads the journey (the first contact's situation, the engineer cycles,
the step after feedback) instead of deriving them again. A rule whose facts are absent from
the record does not fire: no `hotline` part, no hotline-stage rules; no events, no
expert-stage rules; inside a part that is present, a missing field counts as not done.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from hotline_cli.procedure import month, texts
from hotline_cli.procedure.case import disputed_request
from hotline_cli.procedure.journey import Journey
from hotline_cli.procedure.settings import Settings
from hotline_cli.procedure.triage import naumen_comment

Check = Callable[[Journey, Settings], list[str]]

ALL = frozenset({"call", "site_form", "email"})
CALL = frozenset({"call"})
SPOKEN: Final = frozenset({"call", "site_form"})  # the client takes calls (not the direct e-mail flow)


@dataclass(frozen=True)
class Code:
    code: str
    severity: str  # "error" | "warning"
    title: str
    stage: str  # "запись", "ГЛ", "Usedesk", "эксперт", "консультация" (for the rule book)
    channels: frozenset[str]
    part: str  # the part of the record the rule needs: "hotline", "events", "consultation" or ""
    source: str  # the procedure's sentence this rule enforces
    check: Check
    # the rule can find something only in a case with an event of one of these types (empty: in any case):
    # a case without them is not even asked
    needs: frozenset[str] = frozenset()


CODES: dict[str, Code] = {}
NONE: list[str] = []  # returned by a rule that holds (never mutated)


def code(code_: str, severity: str, title: str, stage: str, channels: frozenset[str], part: str,
         source: str, needs: Iterable[str] = ()) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        CODES[code_] = Code(code_, severity, title, stage, channels, part, source, fn, frozenset(needs))
        return fn

    return register


# HL001 has no check: an unreadable or invalid record's result carries it (`findings_for_error`).
CODES["HL001"] = Code("HL001", "error", "запись не является корректным делом", "запись", ALL, "",
                      "Контракт выгрузки: запись дела должна соответствовать схеме.", lambda j, cfg: NONE)

_d = texts.ru_date


def _hotline(j: Journey) -> dict[str, Any]:
    return j.case.hotline or {}


# ------------------------------------------------------------------ the hotline stage (calls)


@code("HL101", "error", "для кондиционера оформлена заявка на другой АСЦ", "ГЛ", CALL, "hotline",
      "Исключение — кондиционеры: заявку на другой АСЦ не заводим.")
def hl101(j: Journey, cfg: Settings) -> list[str]:
    second = _hotline(j).get("second_asc_request")
    if j.case.category == "air_conditioner" and second:
        return [f"для кондиционера оформлена заявка на другой АСЦ № {second}: "
                "по статье заявку на другой АСЦ для кондиционеров не заводят"]
    return NONE


@code("HL102", "error", "ситуация 1 без заявки на другой АСЦ", "ГЛ", CALL, "hotline",
      "Ситуация 1: формируем заявку на другой АСЦ для повторной проверки техники.")
def hl102(j: Journey, cfg: Settings) -> list[str]:
    if j.first_contact.situation == 1 and not _hotline(j).get("second_asc_request"):
        return [f"ситуация 1 (в городе {j.case.city} АСЦ — {j.case.asc_count}), но заявка на другой АСЦ "
                "для повторной проверки не оформлена"]
    return NONE


@code("HL103", "warning", "заявка на другой АСЦ в другой ситуации", "ГЛ", CALL, "hotline",
      "Заявка на другой АСЦ формируется только в ситуации 1.")
def hl103(j: Journey, cfg: Settings) -> list[str]:
    second = _hotline(j).get("second_asc_request")
    fc = j.first_contact
    if second and fc.situation != 1 and j.case.category != "air_conditioner":
        sit = f"ситуация {fc.situation}" if fc.situation else f"правило {fc.rule.code}"
        return [f"оформлена заявка на другой АСЦ № {second}, хотя при обращении была {sit}"]
    return NONE


@code("HL104", "error", "ситуация 2 без консультации L2 «Политика» / L3 «Обслуживание»", "ГЛ", CALL, "hotline",
      "Ситуация 2: формируем консультацию (L2 — Политика, L3 — Обслуживание), где отражаем, что клиент не "
      "согласен с заключением по заявке и отправит запрос через сайт.")
def hl104(j: Journey, cfg: Settings) -> list[str]:
    if j.first_contact.situation != 2:
        return NONE
    c = _hotline(j).get("consultation") or {}
    l2, l3 = (c.get("l2") or "").strip(), (c.get("l3") or "").strip()
    if not c:
        return ["ситуация 2: консультация оператора не оформлена (нужны L2 «Политика», L3 «Обслуживание»)"]
    if (l2, l3) != (texts.CONSULTATION_L2, texts.CONSULTATION_L3):
        return [f"ситуация 2: консультация оформлена с L2 «{l2 or '—'}», L3 «{l3 or '—'}»; "
                f"нужны L2 «{texts.CONSULTATION_L2}», L3 «{texts.CONSULTATION_L3}»"]
    return NONE


@code("HL105", "error", "ситуация 3 без запроса из Naumen или с другим шаблоном", "ГЛ", CALL, "hotline",
      "Ситуация 3: создаём запрос из Naumen, шаблон «Запрос от Горячей линии».")
def hl105(j: Journey, cfg: Settings) -> list[str]:
    if j.first_contact.situation != 3:
        return NONE
    n = _hotline(j).get("naumen_request") or {}
    template = (n.get("template") or "").strip()
    if not n:
        return [f"ситуация 3: запрос из Naumen не создан (шаблон «{texts.NAUMEN_TEMPLATE}»)"]
    if template != texts.NAUMEN_TEMPLATE:
        return [f"ситуация 3: запрос из Naumen создан по шаблону «{template or '—'}», нужен «{texts.NAUMEN_TEMPLATE}»"]
    return NONE


@code("HL106", "warning", "ситуация 3: комментарий Naumen отличается от обязательного текста", "ГЛ", CALL, "hotline",
      "Ситуация 3: в комментарии указываем «Клиент не согласен с заключением по заявке. Отчета от АСЦ на момент "
      "звонка нет, второй АСЦ в городе отсутствует».")
def hl106(j: Journey, cfg: Settings) -> list[str]:
    if j.first_contact.situation != 3:
        return NONE
    n = _hotline(j).get("naumen_request")
    if not n:
        return NONE  # HL105 says so
    comment = (n.get("comment") or "").strip()
    expected = naumen_comment(j.case)
    if comment == expected:
        return NONE
    if j.case.category == "air_conditioner" and j.case.asc_count is None and comment == texts.NAUMEN_COMMENT:
        return NONE  # ASC count unknown: either wording may be true
    return [f"комментарий запроса Naumen «{comment or '—'}» отличается от обязательного «{expected}»"]


@code("HL107", "warning", "ситуации 2–3: клиенту не предложено написать через «Напишите нам»", "ГЛ", CALL, "hotline",
      "Ситуации 2 и 3: просим клиента отправить фото/видео дефекта через форму обратной связи на сайте (кнопка "
      "«Напишите нам») с номером телефона, который использовали при оформлении заявки.")
def hl107(j: Journey, cfg: Settings) -> list[str]:
    sit = j.first_contact.situation
    if sit in (2, 3) and not _hotline(j).get("site_form_advised"):
        return [f"ситуация {sit}: клиенту не предложено отправить фото/видео дефекта через форму "
                "«Напишите нам» с номером телефона из заявки"]
    return NONE


# ------------------------------------------------------------------ the Usedesk agent's stage


def _from(e: Any) -> str:
    """« (usedesk.json:8, тикет 2265310)»: where an imported message came from, so that a supervisor
    opens the ticket behind the finding; nothing for a case that does not say."""
    src = e.get("source")
    return f" ({src})" if isinstance(src, str) and src else ""


def _wrong_priority(j: Journey, event_type: str, what: str) -> list[str]:
    """Each request of this type whose priority is not the mandated «Экстремальный»."""
    out: list[str] = []
    for e in j.events.of(event_type):
        p = (e.get("priority") or "").strip()
        if p not in texts.MANDATED_PRIORITIES:
            out.append(f"{what} {_d(e.at.day)}: приоритет «{p or '—'}», нужен «{texts.PRIORITY}»{_from(e)}")
    return out


def _wrong_subject(j: Journey, event_type: str, what: str) -> list[str]:
    """Each request of this type whose subject is not the mandated one: the client's name and the
    disputed request among the requests that existed when it was sent (rules.md: a message is
    judged as of its sending — a request created later does not make an earlier subject wrong)."""
    out: list[str] = []
    requests = j.case.requests
    for e in j.events.of(event_type):
        then = tuple(r for r in requests if r.created is None or r.created.at <= e.at.at)
        d = disputed_request(then)
        if d is None:
            continue
        expected = texts.subject(j.case.client_name, d.number)
        s = (e.get("subject") or "").strip()
        if s != expected:
            out.append(f"{what} {_d(e.at.day)}: тема «{s or '—'}», нужна «{expected}»{_from(e)}")
    return out


@code("HL108", "error", "приоритет запроса менеджеру HPCC не «Экстремальный»", "Usedesk", ALL, "events",
      "Действия агента в Usedesk, 3: приоритет выставляем «Экстремальный» — необходимо для фильтрации "
      "из общего списка.", needs=("hpcc_request",))
def hl108(j: Journey, cfg: Settings) -> list[str]:
    return _wrong_priority(j, "hpcc_request", "запрос менеджеру HPCC")


@code("HL109", "error", "тема запроса менеджеру HPCC не обязательная", "Usedesk", ALL, "events",
      "Действия агента в Usedesk, 2: тема письма «Не согласен с заключением, что техника исправна. "
      "ФИО номер заявки».", needs=("hpcc_request",))
def hl109(j: Journey, cfg: Settings) -> list[str]:
    return _wrong_subject(j, "hpcc_request", "запрос менеджеру HPCC")


# ------------------------------------------------------------------ the expert stage

EXPERT_AT_WORK = ("expert_call", "engineer_request", "engineer_answer", "re_request", "delay_call", "feedback_call",
                  "demands_requested", "claims_handoff", "closed")


@code("HL201", "warning", "на этапе эксперта нет звонка эксперта клиенту", "эксперт", SPOKEN, "events",
      "Действия эксперта, 2: позвонить клиенту, представиться, сообщить, что вопрос находится на персональном "
      "контроле и будет решён в течение трёх рабочих дней.", needs=EXPERT_AT_WORK)
def hl201(j: Journey, cfg: Settings) -> list[str]:
    ev = j.events
    if not ev.has("expert_call") and any(ev.has(t) for t in EXPERT_AT_WORK):
        return ["эксперт не позвонил клиенту (звонка эксперта в выгрузке нет): вопрос на персональном контроле, "
                "срок — три рабочих дня"]
    return NONE


@code("HL202", "error", "приоритет запроса инженеру не «Экстремальный»", "эксперт", ALL, "events",
      "Действия эксперта, 3.3: приоритет выставляем «Экстремальный».", needs=("engineer_request",))
def hl202(j: Journey, cfg: Settings) -> list[str]:
    return _wrong_priority(j, "engineer_request", "запрос инженеру")


@code("HL203", "error", "тема запроса инженеру не обязательная", "эксперт", ALL, "events",
      "Действия эксперта, 3.4: в теме письма пишем «Не согласен с заключением, что техника исправна. "
      "ФИО номер заявки».", needs=("engineer_request",))
def hl203(j: Journey, cfg: Settings) -> list[str]:
    return _wrong_subject(j, "engineer_request", "запрос инженеру")


@code("HL204", "error", "в копии запроса инженеру нет адреса АСЦ или адреса из списка копий", "эксперт", ALL,
      "events", "Действия эксперта, 3.2: в копию ставим АСЦ (почту берём из GSIS) и адреса из списка.",
      needs=("engineer_request",))
def hl204(j: Journey, cfg: Settings) -> list[str]:
    requests = j.events.of("engineer_request")
    if not requests:
        return NONE
    d = j.case.disputed
    need = ([d.asc_email] if d is not None and d.asc_email else []) + list(cfg.copy)
    out: list[str] = []
    for e in requests:
        cc = {a.strip().casefold() for a in e.get("cc") or ()}
        missing = [a for a in need if a.strip().casefold() not in cc]
        if missing:
            out.append(f"запрос инженеру {_d(e.at.day)}: в копии нет {', '.join(missing)}{_from(e)}")
    return out


@code("HL205", "error", "инженер молчит 3 рабочих дня, повторного запроса на следующий рабочий день нет", "эксперт",
      ALL, "events", "ВАЖНО: если по внутреннему запросу ответ не поступил в течение 3 рабочих дней, необходимо "
      "написать повторно адресату (инженеру).", needs=("engineer_request",))
def hl205(j: Journey, cfg: Settings) -> list[str]:
    if not j.silences:
        return NONE
    return [f"цикл {c.cycle}: запрос инженеру {_d(c.start)}, ответа к {_d(c.due)} нет, повторного запроса "
            f"до {_d(deadline)} включительно нет" for c, deadline in j.unfollowed("re_request")]


@code("HL206", "error", "инженер молчит 3 рабочих дня, клиенту не позвонили о задержке на следующий рабочий день",
      "эксперт", SPOKEN, "events", "ВАЖНО: если ответ не поступил в течение 3 рабочих дней — перезвонить клиенту и "
      "проинформировать, что на решение вопроса требуется дополнительное время.", needs=("engineer_request",))
def hl206(j: Journey, cfg: Settings) -> list[str]:
    if not j.silences:
        return NONE
    return [f"цикл {c.cycle}: ответа инженера к {_d(c.due)} нет, звонка клиенту о задержке "
            f"до {_d(deadline)} включительно нет" for c, deadline in j.unfollowed("delay_call")]


@code("HL207", "warning", "обещание клиенту (3 рабочих дня) не выполнено", "эксперт", SPOKEN, "events",
      "Действия эксперта, 2: вопрос будет решён в течение трёх рабочих дней.", needs=("expert_call",))
def hl207(j: Journey, cfg: Settings) -> list[str]:
    p = j.promise
    if p is None or p.start is None or p.due is None:
        return NONE
    if p.status == "missed" and p.stopped is not None:
        return [f"звонок эксперта {_d(p.start)}, обещанный срок {_d(p.due)}, обратная связь только {_d(p.stopped)}"]
    if p.status == "overdue":
        return [f"звонок эксперта {_d(p.start)}, обещанный срок {_d(p.due)} прошёл, обратной связи нет"]
    return NONE


@code("HL208", "error", "клиент угрожает, а в тексте запроса инженеру этого нет", "эксперт", ALL, "events",
      "Действия эксперта, 3.5: обязательно фиксируем в тикете, если клиент намерен обращаться в "
      "суд/Роспотребнадзор.", needs=("engineer_request",))
def hl208(j: Journey, cfg: Settings) -> list[str]:
    requests = j.events.of("engineer_request")
    if not j.case.intents or not requests:
        return NONE
    bodies = " ".join((e.get("body") or "") for e in requests).casefold()
    missing = [i for i in j.case.intents if texts.INTENT_MARKERS[i] not in bodies]
    if missing:
        return ["клиент намерен " + "; ".join(texts.INTENT_RU[i] for i in missing)
                + ", но в тексте запроса инженеру это не зафиксировано" + _from(requests[-1])]
    return NONE


def _undone(j: Journey, step: str) -> Any:
    """The journey's step after the client's feedback (stage 4), when it is `step` and
    nobody has done it."""
    if not j.case.intents:
        return None  # with no threat, stage 4 is always "close"
    st = j.step
    return st if st is not None and st.stage == 4 and st.step == step and st.done is None else None


@code("HL209", "error", "отказ с угрозой и требованиями, но тикет не передан в группу рекламаций", "эксперт", ALL,
      "events", "Действия эксперта, 4.2: если в первоначальном запросе были требования, передаём тикет в группу "
      "рекламаций.", needs=("feedback_call",))
def hl209(j: Journey, cfg: Settings) -> list[str]:
    st = _undone(j, "claims_handoff")
    if st is None:
        return NONE
    return [f"обратная связь {_d(st.feedback.at.day)}: клиент не принял аргументы, угрожает, требования "
            "заявлены, но тикет не передан в группу рекламаций"]


@code("HL210", "warning", "отказ с угрозой без требований, но требования у клиента не запрошены", "эксперт", ALL,
      "events", "Действия эксперта, 4.2: если требования не были чётко сформулированы, просим их изложить.",
      needs=("feedback_call",))
def hl210(j: Journey, cfg: Settings) -> list[str]:
    st = _undone(j, "ask_demands")
    if st is None:
        return NONE
    return [f"обратная связь {_d(st.feedback.at.day)}: клиент не принял аргументы и угрожает, требований нет, "
            "но клиенту не предложено их изложить"]


@code("HL211", "error", "закрыто или дана обратная связь без ответа инженера", "эксперт", ALL, "events",
      "ВАЖНО! При получении даже исчерпывающего ответа от АСЦ Контактный Центр всё равно будет ожидать только "
      "решение ответственного Инженера. Итоговое решение выдаёт только ответственный инженер.",
      needs=("feedback_call", "closed"))
def hl211(j: Journey, cfg: Settings) -> list[str]:
    feedback, closed = j.events.of("feedback_call"), j.events.of("closed")
    if not (feedback or closed):
        return NONE
    answer = j.events.first("engineer_answer")
    if answer is not None and all(answer.at.at <= e.at.at for e in (*feedback, *closed)):
        return NONE  # everything done rests on the answer
    out: list[str] = []
    done = heapq.merge(feedback, closed, key=lambda e: (e.at.at, e.pos))
    for e in done:
        if answer is None or answer.at.at > e.at.at:
            what = "запрос закрыт" if e.type == "closed" else "дана обратная связь клиенту"
            out.append(f"{_d(e.at.day)} {what} без ответа ответственного инженера (ответ АСЦ решением не является)")
    return out


@code("HL212", "error", "требование после закрытия не передано в группу рекламаций к следующему рабочему дню",
      "эксперт", ALL, "events", "Действия эксперта, 6: в случае поступления повторного обращения с требованиями "
      "тикет передаётся в группу рекламаций.", needs=("claim",))
def hl212(j: Journey, cfg: Settings) -> list[str]:
    out: list[str] = []
    closed = j.events.first("closed")
    after = f"после закрытия {_d(closed.at.day)}" if closed is not None else "после итоговой консультации"
    for claim in j.post_closure_claims:  # after `closed`, or, with a final consultation on record (R0), every claim
        deadline = j.cal.add(claim.at.day, 1)
        if j.as_of <= deadline:
            continue
        handoff = j.events.first("claims_handoff", after=claim.at.at)
        if handoff is None or handoff.at.day > deadline:
            late = f" (передан только {_d(handoff.at.day)})" if handoff else ""
            out.append(f"требование «{texts.DEMAND_RU[claim.get('demand')]}» {_d(claim.at.day)} {after}: "
                       f"тикет не передан в группу рекламаций до {_d(deadline)} включительно{late}")
    return out


# ------------------------------------------------------------------ the final consultation


@code("HL301", "error", "«Описание заказчика» не начинается с обязательной фразы", "консультация", ALL,
      "consultation", "Эксперт формирует в GSIS итоговую консультацию: в поле «Описание заказчика» первая фраза: "
      "«В случае повторного обращения перевести звонок на эксперта, консультацию не проводить».")
def hl301(j: Journey, cfg: Settings) -> list[str]:
    c = j.case.consultation or {}
    desc = (c.get("customer_description") or "").lstrip()
    if desc.startswith(texts.FIRST_SENTENCE):
        return NONE
    start = desc[:60] + ("…" if len(desc) > 60 else "")
    return [f"«Описание заказчика» начинается с «{start or '—'}», а не с «{texts.FIRST_SENTENCE}»"]


@code("HL302", "error", "в «Примечаниях» нет ссылки на запрос инженеру", "консультация", ALL, "consultation",
      "Эксперт в поле «Примечания» вставляет ссылку на тикет (внутренний запрос на инженера).",
      needs=("engineer_request",))
def hl302(j: Journey, cfg: Settings) -> list[str]:
    notes = (j.case.consultation or {}).get("notes") or ""
    tickets = dict.fromkeys(e.get("ticket") for e in j.events.of("engineer_request") if e.get("ticket"))
    missing = [t for t in tickets if t not in notes]
    if missing:
        return ["в «Примечаниях» нет ссылки на тикет запроса инженеру: " + ", ".join(missing)]
    return NONE


@code("HL303", "error", "запрос закрыт без итоговой консультации", "консультация", ALL, "events",
      "Эксперт формирует в GSIS итоговую консультацию (шаг 5) — после закрытия запроса она должна быть.",
      needs=("closed",))
def hl303(j: Journey, cfg: Settings) -> list[str]:
    closed = j.events.last("closed")
    if closed is None:
        return NONE
    c = j.case.consultation or {}
    if not (c.get("customer_description") or "").strip():
        return [f"запрос закрыт {_d(closed.at.day)}, а итоговой консультации в GSIS нет"]
    return NONE


@code("HL304", "error", "письмо напрямую: в «Примечаниях» нет ссылки на тикет клиента", "консультация",
      frozenset({"email"}), "consultation",
      "Прямой запрос на почту, 4: в поле «Примечания» вставляет ссылку на тикет (внутренний запрос на инженера, "
      "клиентский тикет).")
def hl304(j: Journey, cfg: Settings) -> list[str]:
    notes = (j.case.consultation or {}).get("notes") or ""
    tickets = list(dict.fromkeys(e.get("ticket") for e in j.events.of("client_ticket") if e.get("ticket")))
    if not tickets:
        return ["в «Примечаниях» нет ссылки на тикет клиента: в выгрузке тикета клиента нет"]
    missing = [t for t in tickets if t not in notes]
    if missing:
        return ["в «Примечаниях» нет ссылки на тикет клиента: " + ", ".join(missing)]
    return NONE


# ------------------------------------------------------------------ running the rules

ORDER = sorted(CODES)


def select_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Code]:
    """--select / --ignore by code or prefix (HL2 = every HL2xx), like linters."""
    sel = [s.strip().upper() for s in select if s.strip()]
    ign = [s.strip().upper() for s in ignore if s.strip()]
    unknown = [s for s in sel + ign if not any(c.startswith(s) for c in CODES)]
    if unknown:
        raise ValueError("неизвестный код правила: " + ", ".join(unknown))
    out = []
    for c in ORDER:
        if sel and not any(c.startswith(s) for s in sel):
            continue
        if any(c.startswith(s) for s in ign):
            continue
        out.append(CODES[c])
    return out


_AskedKey = tuple[int, str, bool, frozenset[str], bool]
_ASKED: Final[dict[_AskedKey, tuple[list[Code], tuple[tuple[str, str, Check], ...]]]] = {}


def _asked(rules: list[Code], channel: str, hotline: bool, events: frozenset[str], consultation: bool) -> tuple[
        tuple[str, str, Check], ...]:
    """The rules to ask of a record of this channel, with or without each part and with these
    types of events: a part absent from the record is not audited, and a rule that needs an
    event the case does not have is not even asked."""
    key = (id(rules), channel, hotline, events, consultation)
    hit = _ASKED.get(key)
    if hit is None or hit[0] is not rules:
        present = {"": True, "hotline": hotline, "events": bool(events), "consultation": consultation}
        asked = tuple((r.code, r.severity, r.check) for r in rules if present[r.part] and channel in r.channels
                      and (not r.needs or not r.needs.isdisjoint(events)))
        if len(_ASKED) >= 10_000:
            _ASKED.clear()
        hit = _ASKED[key] = (rules, asked)
    return hit[1]


# the expert stage's own events: whoever did them (`by`) is the expert (or the Usedesk agent) of the case
STAFF_EVENTS = ("hpcc_request", "hpcc_documents", "expert_call", "engineer_request", "re_request", "delay_call",
                "feedback_call", "demands_requested", "claims_handoff", "closed")
STAFF_SET: Final = frozenset(STAFF_EVENTS)


_WEEKS: Final[dict[Any, tuple[str, str, str]]] = {}


def about(j: Journey) -> dict[str, Any]:
    """The case's facts a supervisor breaks an audit down by."""
    case = j.case
    day = case.opened.day
    known = _WEEKS.get(day)
    if known is None:  # a few hundred distinct days in an export: each worked out once
        year, week, _ = day.isocalendar()
        if len(_WEEKS) > 20_000:
            _WEEKS.clear()
        known = _WEEKS[day] = (day.isoformat(), f"{year}-W{week:02d}", month.month_of(day))
    experts = sorted({by for e in case.events if e.type in STAFF_SET and (by := e.data.get("by"))})
    out = {"opened": known[0], "week": known[1], "month": known[2], "city": case.city,
           "category": case.category, "channel": case.channel, "operator": case.operator, "experts": experts,
           "deadlines": month.deadline_facts(j, case.channel in SPOKEN)}
    if case.origin:  # an imported case: the systems' records behind it, so that a finding can be traced
        out["origin"] = case.origin
    return out


def audit_case(j: Journey, cfg: Settings, rules: list[Code],
               waivers: Mapping[tuple[str, str], month.Waiver] | None = None) -> dict[str, Any]:
    case = j.case
    asked = _asked(rules, case.channel, case.hotline is not None, j.events.types(), case.consultation is not None)
    findings = [{"code": c, "severity": severity, "message": m} for c, severity, check in asked
                for m in check(j, cfg)]
    if waivers and findings:
        month.waive(case.case_id, findings, waivers)
    fc = j.first_contact
    return {"situation": fc.situation, "verdict": fc.verdict, "rule": fc.rule.code, "as_of": j.as_of.isoformat(),
            "case": about(j), "findings": findings}


def findings_for_error(result: dict[str, Any], rules: list[Code]) -> dict[str, Any]:
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


DIMENSIONS = ("situation", "week", "month", "city", "category", "channel", "operator", "expert")
COUNTED: Final = ("situation", "week", "month", "city", "category", "channel")  # kept in `by`; people: in `people`
PEOPLE: Final = ("operator", "expert")
WORST: Final = 25  # the cases with the most serious findings a summary keeps


# the breakdowns read from the case's facts (the situation is the result's own). A row of a
# breakdown: its cases, compliant cases and findings. Whose findings: the operator's are the
# hotline stage's (HL1xx); the expert's, the expert stage's and the final consultation's (HL2xx,
# HL3xx); every other breakdown counts them all.
_FACT_BREAKDOWNS: Final = COUNTED[1:]


@dataclass
class Summary:
    """The supervisor's summary: totals, each code's count, and every breakdown (cases,
    compliant cases, findings) by situation at the first contact, week, month, city, category,
    channel, operator and expert (a case naming nobody: the row None, «не указано»); the
    deadlines as rates (month.Deadlines); each person by month and by code; the waived
    findings; the ids seen twice. Mergeable: each worker process folds its own share.
    `add(…, sign=-1)` takes a case back out (the older copy of a case given twice)."""

    read: int = 0
    unread: int = 0  # inputs that hold no record at all
    invalid: int = 0
    with_errors: int = 0
    with_warnings: int = 0
    clean: int = 0
    per_rule: dict[str, int] = field(default_factory=dict)
    waived: dict[str, int] = field(default_factory=dict)
    waivers_used: set[tuple[str, str]] = field(default_factory=set)
    by: dict[str, dict[Any, list[int]]] = field(default_factory=lambda: {d: {} for d in COUNTED})
    worst: list[tuple[int, int, int, str, str, tuple[str, ...]]] = field(default_factory=list)  # a min-heap
    deadlines: month.Deadlines = field(default_factory=month.Deadlines)
    people: dict[tuple[str, Any, Any], list[int]] = field(default_factory=dict)  # (role, name, month): 4 counts
    people_codes: dict[tuple[str, Any], dict[str, int]] = field(default_factory=dict)
    first: str | None = None  # the period: the first and last day of contact
    last: str | None = None
    ids: month.IdSet = field(default_factory=month.IdSet)
    dropped: set[tuple[str, str]] = field(default_factory=set)  # (case id, source) taken back out
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    duplicates_unresolved: int = 0  # ids seen twice in standard input (it cannot be read again)
    repeated: int = 0  # records taken back out: an older copy of a case given again
    extra: dict[str, Any] = field(default_factory=dict)  # what the shell adds: the comparison, the waivers
    # each record's place in the input, for ties among the worst (the earlier is kept): a worker starts
    # each piece of the input at its own place, so that any number of workers keeps the same cases
    position: int = 0

    def add(self, error: str | None, findings: tuple[tuple[str, str], ...], situation: Any,
            facts: dict[str, Any] | None = None, ident: tuple[Any, str] | None = None, sign: int = 1) -> None:
        """Count one result by its meta: (stderr line or None, ((code, severity), …), situation, case
        facts, (case id, source)). An error line marked as an input's (a missing file, an empty folder)
        is an unread input: no record was read from it. A waived finding's severity is "waived"."""
        per_rule = self.per_rule
        if error is not None and type(error) is not str:  # the shell's InputProblem: a subclass of str
            self.unread += 1
            for c, _ in findings:
                per_rule[c] = per_rule.get(c, 0) + 1
            return
        if sign > 0:
            self.read += 1
            self.position += 1
        else:
            self.repeated += 1
        if error is not None:
            self.invalid += 1
            for c, _ in findings:
                per_rule[c] = per_rule.get(c, 0) + 1
            return
        n = errors = hot = other = hot_errors = expert_errors = 0
        for c, severity in findings:
            if severity == "waived":
                self.waived[c] = self.waived.get(c, 0) + sign
                if ident is not None and sign > 0:
                    self.waivers_used.add((ident[0], c))
                continue
            n += 1
            per_rule[c] = per_rule.get(c, 0) + sign
            stage = c[2:3]
            if stage == "1":
                hot += 1
            elif stage == "0":
                other += 1
            if severity == "error":
                errors += 1
                if stage == "1":
                    hot_errors += 1
                elif stage == "2" or stage == "3":
                    expert_errors += 1
        if n and ident is not None and sign > 0:
            # the order of the worst: errors, warnings, then the earlier place (each place is one case's,
            # so these three decide); the case's codes are gathered only when it makes the list
            worst = self.worst
            rank = (errors, n - errors, -self.position)
            if len(worst) < WORST or rank > worst[0][:3]:
                self._keep(rank + (ident[0] or "", ident[1],
                                   tuple(dict.fromkeys(c for c, sev in findings if sev != "waived"))))
        if errors:
            self.with_errors += sign
        elif n:
            self.with_warnings += sign
        else:
            self.clean += sign
        by = self.by
        good, found = sign * (not errors), sign * n  # what the case adds to each row it counts in
        row = by["situation"].get(situation)
        if row is None:
            row = by["situation"][situation] = [0, 0, 0]
        row[0] += sign
        row[1] += good
        row[2] += found
        if not facts:
            return
        if ident is not None and ident[0] and sign > 0:
            self.ids.add(month.id_hash(ident[0]))
        opened = facts.get("opened")
        if opened and sign > 0:
            if self.first is None or opened < self.first:
                self.first = opened
            if self.last is None or opened > self.last:
                self.last = opened
        for dimension in _FACT_BREAKDOWNS:  # a row: cases, compliant cases, findings
            table = by[dimension]
            key = facts.get(dimension)
            row = table.get(key)
            if row is None:
                row = table[key] = [0, 0, 0]
            row[0] += sign
            row[1] += good
            row[2] += found
        self.deadlines.add(facts, sign)
        codes = [c for c, sev in findings if sev != "waived"] if findings else []
        mon = facts.get("month")
        self._person("operator", facts.get("operator"), mon, hot, hot_errors, [c for c in codes if c[2:3] == "1"],
                     sign)
        expert_codes = [c for c in codes if c[2:3] in ("2", "3")]
        for expert in facts.get("experts") or (None,):
            self._person("expert", expert, mon, n - hot - other, expert_errors, expert_codes, sign)

    def _person(self, role: str, name: Any, mon: Any, findings: int, errors: int, codes: list[str],
                sign: int) -> None:
        """A person's row for the month (cases, compliant, findings, errors, and an expert's deadline
        counters): their breakdown (by_operator, by_expert) is these rows added up."""
        key = (role, name, mon)
        row = self.people.get(key)
        if row is None:
            row = self.people[key] = [0, 0, 0, 0]
        row[0] += sign
        row[1] += sign * (not errors)
        row[2] += sign * findings
        row[3] += sign * errors
        if codes:
            mine = self.people_codes.get((role, name))
            if mine is None:
                mine = self.people_codes[(role, name)] = {}
            for c in codes:
                mine[c] = mine.get(c, 0) + sign

    def _keep(self, item: tuple[int, int, int, str, str, tuple[str, ...]]) -> None:
        """The WORST cases with the most error findings (then warnings, then the earlier)."""
        if len(self.worst) < WORST:
            heapq.heappush(self.worst, item)
        elif item > self.worst[0]:
            heapq.heapreplace(self.worst, item)

    def merge(self, other: Summary) -> None:
        """Add another part's counts (a worker process's share of the batch)."""
        for item in other.worst:  # each keyed by its place in the whole input (`position`): the same as one process
            self._keep(item)
        self.read += other.read
        self.repeated += other.repeated
        self.unread += other.unread
        self.invalid += other.invalid
        self.with_errors += other.with_errors
        self.with_warnings += other.with_warnings
        self.clean += other.clean
        for mine_, theirs_ in ((self.per_rule, other.per_rule), (self.waived, other.waived)):
            for key, n in theirs_.items():
                mine_[key] = mine_.get(key, 0) + n
        self.waivers_used |= other.waivers_used
        for dimension, theirs in other.by.items():
            mine = self.by.setdefault(dimension, {})
            for label, row in theirs.items():  # a label of any type (a situation is a number): not `key`'s str
                cur = mine.setdefault(label, [0, 0, 0])
                for i in range(3):
                    cur[i] += row[i]
        self.deadlines.merge(other.deadlines)
        for pkey, row in other.people.items():
            cur = self.people.setdefault(pkey, [0] * len(row))
            for i, v in enumerate(row):
                cur[i] += v
        for ckey, codes in other.people_codes.items():
            mine_codes = self.people_codes.setdefault(ckey, {})
            for c, k in codes.items():
                mine_codes[c] = mine_codes.get(c, 0) + k
        for first, last in ((other.first, other.last),):
            if first is not None and (self.first is None or first < self.first):
                self.first = first
            if last is not None and (self.last is None or last > self.last):
                self.last = last
        self.ids.merge(other.ids)

    @property
    def valid(self) -> int:
        return self.read - self.invalid - self.repeated

    @property
    def compliant(self) -> int:
        """Valid cases without an error-level finding."""
        return self.valid - self.with_errors

    def as_dict(self, shown: int | None = None) -> dict[str, Any]:
        """The summary as data (`--statistics`): every total, every code, every breakdown, the
        deadlines, each person by month and by code — every list whole. With `shown` (for a page,
        a workbook, a screen): a breakdown of more labels is its `shown` worst and «прочие», and the
        deadlines and scorecards are those of the people shown — built without the whole lists."""
        rate = month.rate(self.compliant, self.valid)
        out: dict[str, Any] = {
            "period": {"first": self.first, "last": self.last},
            "read": self.read, "unread_inputs": self.unread, "invalid": self.invalid, "repeated": self.repeated,
            "valid": self.valid,
            "with_errors": self.with_errors,
            "with_warnings_only": self.with_warnings, "clean": self.clean, "compliant": self.compliant,
            "compliance_rate": rate,
            "rules": [{"code": c, "severity": CODES[c].severity, "title": CODES[c].title,
                       "findings": self.per_rule.get(c, 0), "waived": self.waived.get(c, 0)} for c in ORDER],
        }
        people: dict[str, set[Any] | None] = {}
        for dimension in DIMENSIONS:
            table = self._people_totals(dimension) if dimension in PEOPLE else self.by.get(dimension, {})
            items = [(key, row) for key, row in table.items() if row[0]]
            cut = shown is not None and dimension not in ("week", "month") and len(items) > shown
            if cut:
                assert shown is not None
                items.sort(key=lambda kv: month.worst_first(kv[1][0], kv[1][1], str(kv[0])))
                rows = [_row(dimension, key, row) for key, row in items[:shown]]
                rest = [{"cases": r[0], "compliant": r[1], "findings": r[2]} for _, r in items[shown:]]
                out[f"by_{dimension}"] = rows + [month.others(rest)]
            else:
                items.sort(key=lambda kv: (kv[0] is None, str(kv[0])))
                out[f"by_{dimension}"] = [_row(dimension, key, row) for key, row in items]
            if dimension in PEOPLE:
                people[dimension] = {r["key"] for r in out[f"by_{dimension}"] if not r.get("others")} if cut else None
        d = self.deadlines
        experts = people.get("expert")
        out["deadlines"] = {"overall": d.overall(),
                            **{f"by_{scope}": [dict(rates, key=key, label=label(scope, key))
                                               for key, rates in d.scope(scope, experts if scope == "expert" else None)]
                               for scope in d.SCOPES}}
        out["scorecards"] = {role: self.scorecards(role, people.get(role)) for role in PEOPLE}
        dropped = self.dropped
        out["worst"] = [{"case_id": w[3], "source": w[4], "errors": w[0], "warnings": w[1], "codes": list(w[5])}
                        for w in sorted(self.worst, reverse=True) if (w[3], w[4]) not in dropped]
        out["duplicates"] = list(self.duplicates)
        if self.duplicates_unresolved:
            out["duplicates_unresolved"] = self.duplicates_unresolved
        out.update(self.extra)
        return out

    def _people_totals(self, role: str) -> dict[Any, list[int]]:
        """A role's breakdown: each person's months added up (cases, compliant, findings)."""
        out: dict[Any, list[int]] = {}
        for (r, name, _mon), row in self.people.items():
            if r == role:
                cur = out.get(name)
                if cur is None:
                    out[name] = row[:3]
                else:
                    cur[0] += row[0]
                    cur[1] += row[1]
                    cur[2] += row[2]
        return out

    def scorecards(self, role: str, only: set[Any] | None = None) -> list[dict[str, Any]]:
        """Each person of a role (or of `only`): a row per month (cases, compliant, compliance,
        findings, errors), the whole, each code's count, the top three codes; an expert's deadlines."""
        months: dict[Any, list[tuple[Any, list[int]]]] = {}
        for (r, name, mon), row in self.people.items():
            if r == role and row[0] and (only is None or name in only):
                months.setdefault(name, []).append((mon, row))
        out = []
        for name in sorted(months, key=lambda k: (k is None, str(k))):
            rows = sorted(months[name], key=lambda kv: str(kv[0]))
            total = [sum(r[i] for _, r in rows) for i in range(4)]
            codes = {c: k for c, k in sorted((self.people_codes.get((role, name)) or {}).items()) if k}
            card: dict[str, Any] = {
                "key": name, "label": label(role, name), **_card(total),
                "by_month": [dict(_card(r), month=mon, label=label("month", mon)) for mon, r in rows],
                "codes": codes,
                "top_codes": [c for c, _ in sorted(codes.items(), key=lambda kv: (-kv[1], kv[0]))[:3]],
            }
            if role == "expert":
                card["deadlines"] = self.deadlines.of(("expert", name))
                for m, (mon, _row) in zip(card["by_month"], rows):  # bare counters: no medians
                    m["deadlines"] = month.rates(self.deadlines.counters(("expert_month", name, mon)))
            out.append(card)
        return out


def _row(dimension: str, key: Any, row: list[int]) -> dict[str, Any]:
    return {"key": key, "label": label(dimension, key), "cases": row[0], "compliant": row[1], "findings": row[2],
            "compliance_rate": month.rate(row[1], row[0])}


def _card(row: list[int]) -> dict[str, Any]:
    return {"cases": row[0], "compliant": row[1], "compliance_rate": month.rate(row[1], row[0]),
            "findings": row[2], "errors": row[3]}


def label(dimension: str, key: Any) -> str:
    """A breakdown's key as a person reads it."""
    if key is None:
        return month.NOBODY if dimension in PEOPLE else ("не указано" if dimension != "situation"
                                                           else texts.situation_ru(None))
    if dimension == "situation":
        return texts.situation_ru(key) if isinstance(key, int) else texts.VERDICT_RU.get(key, str(key))
    if dimension == "category":
        return texts.CATEGORY_RU.get(key, str(key))
    if dimension == "channel":
        return texts.CHANNEL_RU.get(key, str(key))
    if dimension == "month":
        return month.month_ru(str(key))
    if dimension == "week":
        from datetime import date

        year, week = str(key).split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
        sunday = date.fromisocalendar(int(year), int(week), 7)
        return f"{int(week)}-я неделя {year} ({texts.ru_date(monday)[:5]}–{texts.ru_date(sunday)})"
    return str(key)
