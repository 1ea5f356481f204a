"""triage — the hotline operator's verdict: the decision table R0–R9 of rules.md.

`RULES` is the table itself, in order, each rule with the procedure's sentence behind it;
the first rule whose condition holds decides (`classify`). `PLAYBOOK` holds what each
verdict makes the operator do and say (the procedure's situations 1–5). `decide(case, decision)`
turns the journey's verdict for a new contact into the operator's card.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

from hotline_cli.procedure import sentences, texts
from hotline_cli.procedure.case import SERVICE_TYPES, Case, Request

Facts = dict[str, Any]

PROTECTED_CONCLUSIONS: Final = ("physical_damage", "operation_violation")
_QUOTES_AND_SPACE: Final = "«»\"„“”'‘’ \t\r\n\u00a0"
_MARK: Final = texts.FIRST_SENTENCE.casefold()


def marked(description: str | None) -> bool:
    """Does «Описание заказчика» begin with the mandatory sentence? Tolerates what people
    type around it: leading spaces, quotes, letter case, a trailing full stop."""
    if not description:
        return False
    return description.lstrip(_QUOTES_AND_SPACE).casefold().startswith(_MARK)


def facts_of(case: Case, requests: tuple[Request, ...], disputed: Request | None, claim: bool) -> Facts:
    """The facts the table reads, over a set of requests (all of them, or those of the first contact)."""
    cons = case.consultation or {}
    return {
        "consultation_marked": marked(cons.get("customer_description")),
        "demands_stated": case.demands_stated,
        "claim": claim,
        "channel": case.channel,
        "requests": len(requests),
        "fault_persists": case.fault_persists,
        "disputed_request": disputed.number if disputed else None,
        "conclusion": disputed.conclusion if disputed else None,
        "conclusion_known": disputed is None or disputed.conclusion_checked,
        "has_conclusion": bool(disputed and disputed.conclusion),
        "service_requests": len([r for r in requests if r.type in SERVICE_TYPES]),
        "no_asc_request": "no_asc" in [r.type for r in requests],
        "category": case.category,
        "city": case.city,
        "asc_count": case.asc_count,
    }


@dataclass(frozen=True)
class Rule:
    code: str
    condition: str  # the table's wording, in Russian (the rule book)
    source: str  # the procedure's sentence this rule applies
    when: Callable[[Facts], bool]
    verdict: Callable[[Facts], str]
    situation: Callable[[Facts], int | None]
    uses: tuple[str, ...]
    why: Callable[[Facts], str]
    exception: str | None = None
    every_channel: bool = False  # keeps its verdict for channel email (R0–R3); else email_flow


def _const(v: Any) -> Callable[[Facts], Any]:
    return lambda f: v


def _n_requests(f: Facts) -> str:
    n = f["service_requests"]
    text = f"заявок на диагностику или ремонт — {n}"
    return text + (", есть запрос «Нет АСЦ»" if f["no_asc_request"] else "")


def _ascs(f: Facts) -> str:
    n = f["asc_count"]
    if n is None:
        return f"число АСЦ в городе {f['city']} не проверено"
    return f"в городе {f['city']} АСЦ нет" if n == 0 else f"в городе {f['city']} {n} АСЦ"


# The decision table of rules.md («triage»). First match wins.
RULES: Final[tuple[Rule, ...]] = (
    Rule("R0", "итоговая консультация начинается с обязательной фразы",
         "Эксперт формирует в GSIS итоговую консультацию: в поле «Описание заказчика» первая фраза: "
         "«В случае повторного обращения перевести звонок на эксперта, консультацию не проводить».",
         lambda f: f["consultation_marked"], _const("transfer_to_expert"), _const(None),
         ("consultation_marked", "demands_stated", "claim"),
         lambda f: "«Описание заказчика» итоговой консультации начинается с фразы «" + texts.FIRST_SENTENCE
         + "»: это повторное обращение, консультацию не проводить, перевести звонок на эксперта.",
         every_channel=True),
    Rule("R1", "заявок нет",
         "Идентифицировать клиента, найти заявку/ки в GSIS (шаг 1): без заявки статья не применяется.",
         lambda f: f["requests"] == 0, _const("not_applicable"), _const(None),
         ("requests",), lambda f: "По неисправности нет ни одной заявки в GSIS: статья не применяется, "
         "оформить заявку на диагностику по общему сценарию.", every_channel=True),
    Rule("R2", "клиент не сообщает, что неисправность сохранилась",
         "Ситуации 1–4: «неисправность по мнению клиента сохранилась».",
         lambda f: not f["fault_persists"], _const("not_applicable"), _const(None),
         ("fault_persists",), lambda f: "Клиент не сообщает, что неисправность сохранилась: статья не применяется.",
         every_channel=True),
    Rule("R3", "заключение АСЦ — физическое повреждение или нарушение правил эксплуатации",
         "5. По заключению АСЦ физическое повреждение/нарушение правил эксплуатации. Используем статью "
         "«Клиент не согласен с заключением мастера, что случай негарантийный».",
         lambda f: f["conclusion_known"] and f["conclusion"] in PROTECTED_CONCLUSIONS, _const("non_warranty_article"),
         _const(5),
         ("disputed_request", "conclusion"),
         lambda f: f"По заявке № {f['disputed_request']} заключение АСЦ — {texts.CONCLUSION_RU[f['conclusion']]}: "
         f"ситуация 5, действовать по статье «{texts.NON_WARRANTY_ARTICLE}».", every_channel=True),
    Rule("R4", "2 и более заявок на диагностику/ремонт или запрос «Нет АСЦ»",
         "4. Несколько обращений (2 или более заявок) — неисправность по мнению клиента сохранилась, или клиент "
         "не согласен с заключением инженера в рамках запроса «Нет АСЦ».",
         lambda f: f["conclusion_known"] and (f["service_requests"] >= 2 or f["no_asc_request"]),
         _const("paid_or_third_party"), _const(4),
         ("service_requests", "no_asc_request"),
         lambda f: f"Несколько обращений ({_n_requests(f)}): ситуация 4 — сторонний сервисный центр "
         "или наш АСЦ платно."),
    Rule("R5", "кондиционер",
         "Исключение — кондиционеры: заявку на другой АСЦ не заводим; если есть заключение от АСЦ, действуем "
         "как в ситуации 2; если заключения нет, действуем как в ситуации 3.",
         lambda f: f["conclusion_known"] and f["category"] == "air_conditioner",
         lambda f: "site_form_consultation" if f["has_conclusion"] else "naumen_request",
         lambda f: 2 if f["has_conclusion"] else 3,
         ("category", "disputed_request", "conclusion", "asc_count"),
         lambda f: "Кондиционер — исключение: заявку на другой АСЦ не оформляем; по заявке № "
         f"{f['disputed_request']} " + ("есть заключение — действуем как в ситуации 2." if f["has_conclusion"]
                                        else "заключения нет — действуем как в ситуации 3."),
         exception="air_conditioner"),
    Rule("R6", "не проверено то, от чего зависит ситуация: заключение АСЦ в GSIS (шаг 2) или число АСЦ в городе "
         "(шаг 4)",
         "2. Проверить заключение мастера в заявке и документы от АСЦ. 4. Проверить количество АСЦ в городе (на "
         "случай оформления второй заявки).",
         lambda f: not f["conclusion_known"] or f["asc_count"] is None, _const("need_info"), _const(None),
         ("conclusion_known", "asc_count", "city"),
         lambda f: (f"Не проверено заключение АСЦ по заявке № {f['disputed_request']} в GSIS (шаг 2): от него "
                    "зависит ситуация." if not f["conclusion_known"] else
                    f"Не проверено количество АСЦ в городе {f['city']} (шаг 4): от него зависит ситуация 1, 2 или 3.")),
    Rule("R7", "в городе 2 и более АСЦ",
         "1. Была одна заявка на диагностику/ремонт — неисправность по мнению клиента сохранилась, в городе есть "
         "другой АСЦ: формируем заявку на другой АСЦ для повторной проверки техники.",
         lambda f: f["asc_count"] >= 2, _const("second_asc"), _const(1),
         ("asc_count", "city", "disputed_request"),
         lambda f: f"Одна заявка (№ {f['disputed_request']}), неисправность, по словам клиента, сохраняется, "
         f"{_ascs(f)} — ситуация 1: заявка на другой АСЦ для повторной проверки."),
    Rule("R8", "есть заключение по заявке",
         "2. Была одна заявка на диагностику/ремонт — неисправность по мнению клиента сохранилась, в городе один "
         "АСЦ, есть заключение по заявке.",
         lambda f: f["has_conclusion"], _const("site_form_consultation"), _const(2),
         ("asc_count", "disputed_request", "conclusion"),
         lambda f: f"Одна заявка (№ {f['disputed_request']}), {_ascs(f)}, заключение есть "
         f"({texts.CONCLUSION_RU[f['conclusion']]}) — ситуация 2."),
    Rule("R9", "иначе (один АСЦ, заключения нет)",
         "3. Была одна заявка на диагностику/ремонт — неисправность по мнению клиента сохранилась, в городе один "
         "АСЦ, нет заключения по заявке.",
         lambda f: True, _const("naumen_request"), _const(3),
         ("asc_count", "disputed_request", "conclusion"),
         lambda f: f"Одна заявка (№ {f['disputed_request']}), {_ascs(f)}, отчёта АСЦ нет — ситуация 3."),
)



_WITHOUT_R0: Final = tuple(r for r in RULES if r.code != "R0")  # the table for the first contact (audit)


class Decision(NamedTuple):
    """Which rule decided, over which facts: the situation and the verdict."""

    rule: Rule
    facts: Facts
    situation: int | None
    verdict: str


def classify(facts: Facts, with_r0: bool = True) -> Decision:
    """The first rule of the table that holds (audit judges the first contact: without R0).
    Not memoised on the facts: the table decides in 0.6 µs, a key of the facts costs 1.5 µs
    (measured on the benchmark export, benchmarks/bench.py)."""
    for rule in RULES if with_r0 else _WITHOUT_R0:
        if rule.when(facts):
            verdict = rule.verdict(facts)
            if facts["channel"] == "email" and not rule.every_channel:
                verdict = "email_flow"  # the client bypassed the hotline: the expert's e-mail flow
            return Decision(rule, facts, rule.situation(facts), verdict)
    raise AssertionError("R9 always matches")


@dataclass
class Verdict:
    rule: str
    verdict: str
    situation: int | None
    exception: str | None
    why: str
    facts: Facts
    actions: list[str] = field(default_factory=list)
    say: list[str] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    missing: list[dict[str, str]] = field(default_factory=list)
    internal: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "situation": self.situation,
            "verdict": self.verdict,
            "exception": self.exception,
            "rule": self.rule,
            "why": self.why,
            "facts": self.facts,
            "actions": self.actions,
            "say": self.say,
            "records": self.records,
            "missing": self.missing,
            "internal": self.internal,
        }


def decide(case: Case, d: Decision) -> Verdict:
    """The operator's card for a new contact now (`Journey.now`: every request counts, R0 included)."""
    rule, f = d.rule, d.facts
    why = rule.why(f)
    if d.verdict == "email_flow":
        why += " Клиент написал напрямую на почту, минуя ГЛ: ведёт эксперт (письменно)."
    v = Verdict(rule.code, d.verdict, d.situation, rule.exception, why, {k: f[k] for k in rule.uses})
    PLAYBOOK[d.verdict](case, f, v)
    if rule.exception == "air_conditioner":
        v.actions.insert(0, "Исключение — кондиционер: заявку на другой АСЦ не оформлять.")
    if case.channel == "call":
        v.actions.append("Зарегистрировать обращение в GSIS и в Naumen (общий сценарий звонка: "
                         f"«{texts.REGISTER_CALL}»).")
    return v


# ------------------------------------------------------------------ the playbook

LISTEN = "Внимательно выслушать клиента и не вступать в спор."
CALM = "Успокоить клиента."
ASK = "Задать уточняющие вопросы по проблеме / провести диагностику повторно (если это уместно)."
EXPERT_INTERNAL = ("Внутренняя информация: при поступлении запроса через сайт эксперт созванивается с клиентом "
                   "и ведёт дальнейшую коммуникацию, чтобы исключить повторные обращения клиента на ГЛ.")
SITE_FORM_ASK = ("Пожалуйста, отправьте фото или видео дефекта и подробное описание проблемы через форму обратной "
                 "связи на сайте — кнопка «Напишите нам».")


def _phone_line(case: Case) -> str:
    tail = f" ({case.client_phone})" if case.client_phone else ""
    return f"В запросе обязательно укажите номер телефона, который вы использовали при оформлении заявки{tail}."


def _need_phone(case: Case, v: Verdict) -> None:
    if not case.client_phone:
        v.missing.append({"field": "/client/phone", "message": "номер телефона клиента не указан: уточнить номер, "
                          "который использовался при оформлении заявки (он нужен в запросе через сайт)"})


def _second_asc(case: Case, f: Facts, v: Verdict) -> None:
    v.actions += [LISTEN, CALM, ASK,
                  f"Оформить в GSIS заявку на другой АСЦ для повторной проверки техники (спорная заявка "
                  f"№ {f['disputed_request']})."]
    v.say += ["Понимаю, как неприятна ситуация, и сожалею, что неисправность сохраняется.",
              "Чтобы исключить ошибку, мы оформим заявку в другой авторизованный сервисный центр вашего города "
              "для повторной проверки техники.",
              "Данные заявки и контакты сервисного центра мы отправим вам по СМС."]
    v.records.append({"system": "GSIS", "kind": "second_asc_request",
                      "fields": {"based_on": f["disputed_request"], "type": "diagnostics",
                                 "text": f"Повторная проверка техники в другом АСЦ: клиент не согласен с заключением "
                                         f"по заявке № {f['disputed_request']}."}})


def _site_form(case: Case, f: Facts, v: Verdict) -> None:
    v.actions += [LISTEN, CALM, ASK,
                  "Попросить клиента отправить фото/видео дефекта и подробное описание проблемы через форму обратной "
                  "связи на сайте (кнопка «Напишите нам»); в запросе указать номер телефона, который использовался "
                  "при оформлении заявки.",
                  f"Сформировать консультацию в GSIS: L2 — «{texts.CONSULTATION_L2}», L3 — «{texts.CONSULTATION_L3}»; "
                  "отразить, что клиент не согласен с заключением по заявке и отправит запрос через сайт."]
    v.say += ["Понимаю вас. Чтобы специалисты детально разобрались в ситуации, нужна дополнительная информация.",
              SITE_FORM_ASK, _phone_line(case),
              "После получения запроса с вами свяжется эксперт."]
    v.records.append({"system": "GSIS", "kind": "consultation",
                      "fields": {"l2": texts.CONSULTATION_L2, "l3": texts.CONSULTATION_L3,
                                 "text": f"Клиент не согласен с заключением по заявке № {f['disputed_request']}, "
                                         "отправит запрос через сайт (форма «Напишите нам»)."}})
    v.internal = EXPERT_INTERNAL
    _need_phone(case, v)


def naumen_comment(case: Case) -> str:
    """The mandated comment; the air-conditioner variant wherever "no second ASC" could be false."""
    if case.category == "air_conditioner" and (case.asc_count is None or case.asc_count >= 2):
        return texts.NAUMEN_COMMENT_AC
    return texts.NAUMEN_COMMENT


def _naumen(case: Case, f: Facts, v: Verdict) -> None:
    comment = naumen_comment(case)
    v.actions += [LISTEN, CALM, ASK,
                  "Сообщить клиенту, что отчёт от АСЦ ещё не поступил; проинформировать, что будет отправлен запрос "
                  "для проверки информации; попросить отправить фото/видео дефекта через форму обратной связи "
                  "(«Напишите нам») с номером телефона, который использовался при оформлении заявки.",
                  f"Создать запрос из Naumen по шаблону «{texts.NAUMEN_TEMPLATE}», в комментарии: «{comment}»."]
    v.say += ["Понимаю вас. Отчёт от сервисного центра по вашей заявке к нам ещё не поступил.",
              "Мы отправим запрос для проверки информации.",
              SITE_FORM_ASK, _phone_line(case)]
    v.records.append({"system": "Naumen", "kind": "naumen_request",
                      "fields": {"template": texts.NAUMEN_TEMPLATE, "comment": comment}})
    v.internal = ("Запрос обрабатывает агент Usedesk: запрашивает у менеджера HPCC данные по заявке "
                  "(акт, описание дефекта) и по получении документов передаёт запрос эксперту.")
    _need_phone(case, v)
    if case.category == "air_conditioner" and case.asc_count is None:
        v.missing.append({"field": "/city/asc_count", "message": "число АСЦ не проверено: комментарий дан в варианте "
                          "для кондиционера («заявка на другой АСЦ не оформляется»), он верен при любом числе АСЦ"})


def _paid(case: Case, f: Facts, v: Verdict) -> None:
    v.actions += [LISTEN, CALM,
                  "Рекомендовать клиенту обратиться в сторонний сервисный центр либо в наш АСЦ на платной основе.",
                  "Сообщить: если заключения будут отличаться, клиент может отправить запрос через форму обратной "
                  "связи на сайте («Напишите нам») — приложить оба документа, фото/видео дефекта и указать номер "
                  "телефона, который использовался при оформлении заявки."]
    v.say += [sentences.earlier_checks(case),
              "Рекомендуем обратиться в сторонний сервисный центр либо в наш авторизованный сервисный центр "
              "на платной основе.",
              "Если заключения будут отличаться, отправьте запрос через форму обратной связи на сайте — кнопка "
              "«Напишите нам»: приложите оба документа, фото или видео дефекта и укажите номер телефона, "
              "который использовали при оформлении заявки."]
    v.internal = EXPERT_INTERNAL
    _need_phone(case, v)


def _non_warranty(case: Case, f: Facts, v: Verdict) -> None:
    if case.channel == "email":
        v.actions += [f"Ответить клиенту по статье «{texts.NON_WARRANTY_ARTICLE}» (письменно)."]
        return
    v.actions += [LISTEN, f"Действовать по статье «{texts.NON_WARRANTY_ARTICLE}»."]
    v.say += [f"Текст разговора — по статье «{texts.NON_WARRANTY_ARTICLE}»."]


def _transfer(case: Case, f: Facts, v: Verdict) -> None:
    v.actions += ["Консультацию не проводить: по делу уже есть итоговая консультация эксперта."]
    if case.channel == "email":  # the client writes and does not take calls
        v.actions.append("Передать обращение эксперту.")
    else:
        v.actions.append("Перевести звонок на эксперта.")
        v.say += ["Вашим вопросом занимается эксперт. Сейчас я переведу звонок на эксперта."]
    if f["demands_stated"] or f["claim"]:
        v.actions.append("Обращение с требованиями: тикет передаётся в группу рекламаций (действия эксперта, шаг 6).")


def _not_applicable(case: Case, f: Facts, v: Verdict) -> None:
    email = case.channel == "email"
    if f["requests"] == 0:
        v.actions += ["Статья не применяется: заявок по неисправности нет."]
        if email:
            v.actions.append("Ответить клиенту письмом: для проверки техники нужна заявка на диагностику; оформить "
                             "её по общему сценарию (модель, дата покупки, магазин, город, ФИО, описание заказчика).")
        else:
            v.actions.append("Оформить заявку на диагностику по общему сценарию входящего звонка (модель, "
                             "дата покупки, магазин, город, ФИО, описание заказчика), назначить АСЦ, отправить "
                             "клиенту СМС с данными заявки.")
    else:
        v.actions += ["Статья не применяется: клиент не сообщает, что неисправность сохранилась."]
        v.actions.append("Ответить клиенту письмом по существу вопроса." if email else
                         "Проконсультировать по общему сценарию входящего звонка и зафиксировать консультацию.")


def _need_info(case: Case, f: Facts, v: Verdict) -> None:
    v.actions += [LISTEN, CALM]
    what = []
    if not f["conclusion_known"]:
        v.actions.append(f"Проверить в GSIS заключение мастера по заявке № {f['disputed_request']} и документы от "
                         "АСЦ (шаг 2): «техника исправна», физическое повреждение / нарушение правил эксплуатации или "
                         "отчёта АСЦ нет — от этого зависит ситуация.")
        d = case.disputed
        v.missing.append({"field": f"/requests/{d.pos if d else 0}/conclusion",
                          "message": f"не проверено заключение АСЦ по заявке № {f['disputed_request']} в GSIS"})
        what.append("заключением")
    if f["asc_count"] is None:
        v.actions.append(f"Проверить количество АСЦ в городе {case.city} (шаг 4): при двух и более — заявка на другой "
                         "АСЦ (ситуация 1); при одном — ситуация " + (
                             "2 или 3 (по заключению)." if not f["conclusion_known"] else
                             "2 (заключение есть)." if f["has_conclusion"] else "3 (заключения нет)."))
        v.missing.append({"field": "/city/asc_count", "message": f"не проверено количество АСЦ в городе {case.city}"})
        what.append("числом АСЦ")
    v.actions.append(f"Затем дополнить дело {' и '.join(what)} и получить решение заново: "
                     "hotline new --from ФАЙЛ-ДЕЛА.")


def _email_flow(case: Case, f: Facts, v: Verdict) -> None:
    v.actions += [
        "Клиент обратился напрямую на почту, минуя ГЛ, и звонки игнорирует: ведёт эксперт, вся связь — письменно.",
        "Идентифицировать клиента в GSIS, запросить данные по заявке.",
        "Передать данные по заявке ответственному инженеру для проверки заключения, попросить помочь с ответом "
        "(hotline escalate).",
        "По получении ответа инженера дать клиенту обратную связь письмом.",
        "Клиент принял аргументы или не намерен обращаться в суд/Роспотребнадзор — закрыть запрос; не принял и "
        "заявляет о намерении — при требованиях в первоначальном запросе передать тикет в группу рекламаций, "
        "иначе попросить изложить требования в рамках текущей переписки.",
        "Сформировать итоговую консультацию в GSIS со ссылками на тикет запроса инженеру и тикет клиента "
        "(hotline summarize).",
        "Официальная претензия или повторное обращение с требованиями — тикет в группу рекламаций.",
    ]


PLAYBOOK: dict[str, Callable[[Case, Facts, Verdict], None]] = {
    "transfer_to_expert": _transfer,
    "not_applicable": _not_applicable,
    "non_warranty_article": _non_warranty,
    "paid_or_third_party": _paid,
    "need_info": _need_info,
    "second_asc": _second_asc,
    "site_form_consultation": _site_form,
    "naumen_request": _naumen,
    "email_flow": _email_flow,
}
