"""Texts the procedure mandates, word for word, and the fixed Russian wording around them.

Source: shared/procedure/disagree-no-fault.ru.txt (quoted in shared/spec/case-format.md,
«Mandatory texts»). The constants marked MANDATED are byte-exact: tests compare them
with the procedure file itself.
"""

# MANDATED: first sentence of the final GSIS consultation's «Описание заказчика» (expert, step 5)
FIRST_SENTENCE = "В случае повторного обращения перевести звонок на эксперта, консультацию не проводить"

# MANDATED: subject of the HPCC request (Usedesk agent, 2) and of the engineer request (3.4)
SUBJECT_PREFIX = "Не согласен с заключением, что техника исправна."


def subject(client_name: str, request_number: str) -> str:
    return f"{SUBJECT_PREFIX} {client_name} {request_number}"


# MANDATED: priority of the HPCC request (Usedesk agent, 3) and of the engineer request (3.3)
PRIORITY = "Экстремальный"

# MANDATED: situation 3, step 4 — the Naumen request
NAUMEN_TEMPLATE = "Запрос от Горячей линии"
NAUMEN_COMMENT = ("Клиент не согласен с заключением по заявке. Отчета от АСЦ на момент звонка нет, "
                  "второй АСЦ в городе отсутствует")
# the air-conditioner variant (situation 3 through the exception, 2+ ASCs in the city),
# where "второй АСЦ в городе отсутствует" would be false
NAUMEN_COMMENT_AC = ("Клиент не согласен с заключением по заявке. Отчета от АСЦ на момент звонка нет, "
                     "заявка на другой АСЦ не оформляется (кондиционер)")

# MANDATED: situation 2, step 4 — the hotline consultation's levels
CONSULTATION_L2 = "Политика"
CONSULTATION_L3 = "Обслуживание"

# situation 5: the article to use instead of this one
NON_WARRANTY_ARTICLE = "Клиент не согласен с заключением мастера, что случай негарантийный"

# the expert's default concrete question (3.5)
DEFAULT_QUESTION = "Возможно ли провести ремонт в рамках лояльности или актирование техники?"

CONCLUSION_RU = {
    "no_fault": "техника исправна",
    "physical_damage": "физическое повреждение",
    "operation_violation": "нарушение правил эксплуатации",
    None: "заключения (отчёта АСЦ) нет",
}

REQUEST_TYPE_RU = {"diagnostics": "диагностика", "repair": "ремонт", "no_asc": "«Нет АСЦ»"}

CATEGORY_RU = {
    "air_conditioner": "кондиционер",
    "refrigerator": "холодильник",
    "freezer": "морозильник",
    "washing_machine": "стиральная машина",
    "dryer": "сушильная машина",
    "dishwasher": "посудомоечная машина",
    "cooking": "техника для приготовления пищи",
    "water_heater": "водонагреватель",
    "tv": "телевизор",
    "small_appliance": "мелкая бытовая техника",
    "other": "другое",
}

CHANNEL_RU = {"call": "звонок на ГЛ", "site_form": "форма «Напишите нам» на сайте", "email": "письмо напрямую на почту"}

INTENT_RU = {
    "court": "обратиться в суд",
    "rospotrebnadzor": "обратиться в Роспотребнадзор",
    "image_damage": "действовать в ущерб имиджу компании (подрыв имиджа)",
}

# what HL208 looks for in the engineer request's body, per intent (any case)
INTENT_MARKERS = {"court": "суд", "rospotrebnadzor": "роспотребнадзор", "image_damage": "имидж"}

DEMAND_RU = {
    "refund": "возврат денег",
    "exchange": "замена товара",
    "repair": "ремонт",
    "price_reduction": "уменьшение цены",
    "substitute_device": "подменный аппарат",
}

OUTCOME_RU = {"accepted": "клиент принял аргументы", "rejected": "клиент не принял аргументы"}


def intent_line(intents) -> str:
    """The mandatory line of the engineer request when the client threatens (3.5)."""
    return "ВАЖНО: клиент намерен " + "; ".join(INTENT_RU[i] for i in intents) + "."


_RU_DATES: dict = {}


def ru_date(d) -> str:
    """DD.MM.YYYY. An audit writes a few dates per finding, from a few hundred distinct
    days in an export: each is formatted once."""
    s = _RU_DATES.get(d)
    if s is None:
        if len(_RU_DATES) > 20_000:
            _RU_DATES.clear()
        s = _RU_DATES[d] = f"{d.day:02d}.{d.month:02d}.{d.year}"
    return s
