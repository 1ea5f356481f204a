"""Hypothesis strategies: valid cases of the contract, with every part and every event type,
dates around the 2025 November holidays (a working Saturday and two days off inside)."""

import copy
from datetime import date, timedelta

from hypothesis import strategies as st

CATEGORIES = ["air_conditioner", "refrigerator", "washing_machine", "tv", "other"]
EVENT_TYPES = ["hpcc_request", "hpcc_documents", "expert_call", "engineer_request", "asc_answer", "engineer_answer",
               "re_request", "delay_call", "feedback_call", "demands_requested", "claims_handoff", "client_ticket",
               "claim", "claim_satisfied", "closed"]
DEMANDS = ["refund", "exchange", "repair", "price_reduction", "substitute_device"]
FIRST = "В случае повторного обращения перевести звонок на эксперта, консультацию не проводить"
START = date(2025, 10, 20)

days = st.integers(0, 40).map(lambda n: START + timedelta(n))
times = st.tuples(st.integers(8, 20), st.sampled_from([0, 15, 30, 45]))


@st.composite
def stamps(draw, bare=True):
    d = draw(days)
    if bare and draw(st.booleans()):
        return d.isoformat()
    h, m = draw(times)
    return f"{d.isoformat()}T{h:02d}:{m:02d}:00+03:00"


@st.composite
def requests(draw, index):
    r = {"number": f"4003{index:04d}", "type": draw(st.sampled_from(["diagnostics", "diagnostics", "repair", "no_asc"]))}
    if draw(st.integers(0, 4)):
        r["created_at"] = draw(stamps())
    if draw(st.booleans()):
        r["asc"] = {"name": "Сервис-Плюс", "email": draw(st.sampled_from(["asc@example.ru", None]))}
    r["conclusion"] = draw(st.sampled_from(["no_fault", "no_fault", None, "physical_damage", "operation_violation"]))
    if draw(st.booleans()):
        r["documents"] = [f"Акт № {index}{k}" for k in range(draw(st.integers(0, 2)))]
    return r


@st.composite
def events(draw):
    t = draw(st.sampled_from(EVENT_TYPES))
    e = {"type": t, "at": draw(stamps())}
    if t == "feedback_call":
        e["outcome"] = draw(st.sampled_from(["accepted", "rejected"]))
    elif t in ("claim", "claim_satisfied"):
        e["demand"] = draw(st.sampled_from(DEMANDS))
        if t == "claim" and e["demand"] == "exchange" and draw(st.booleans()):
            e["quality_check"] = True
    elif t in ("engineer_request", "hpcc_request"):
        e.update(to="engineer@example.ru", cc=["asc@example.ru"], priority=draw(st.sampled_from(["Экстремальный", "x"])),
                 subject="Не согласен с заключением, что техника исправна.", ticket="https://t/1",
                 body=draw(st.sampled_from(["", "ВАЖНО: клиент намерен обратиться в суд."])))
    elif t == "client_ticket":
        e["ticket"] = "https://t/client"
    return e


@st.composite
def cases(draw):
    n = draw(st.integers(0, 3))
    case = {
        "case_id": "G-1",
        "opened_at": draw(stamps(bare=False)),
        "channel": draw(st.sampled_from(["call", "call", "site_form", "email"])),
        "client": {"name": "Петрова Анна Сергеевна", "phone": draw(st.sampled_from(["+7 903 555-12-34", None])),
                   "email": draw(st.sampled_from(["petrova@example.ru", None]))},
        "product": {"category": draw(st.sampled_from(CATEGORIES)), "price": draw(st.sampled_from([None, 54990]))},
        "city": {"name": "Казань", "asc_count": draw(st.sampled_from([None, 0, 1, 2, 3]))},
        "requests": [draw(requests(i)) for i in range(n)],
        "fault_persists": draw(st.sampled_from([None, True, False])),
        "client_intent": draw(st.lists(st.sampled_from(["court", "rospotrebnadzor", "image_damage"]), max_size=2)),
        "demands_stated": draw(st.booleans()),
        "events": draw(st.lists(events(), max_size=8)),
    }
    if draw(st.booleans()):
        case["hotline"] = {"second_asc_request": draw(st.sampled_from([None, "40030001", "49999999"])),
                           "consultation": draw(st.sampled_from([None, {"l2": "Политика", "l3": "Обслуживание"}])),
                           "naumen_request": None, "site_form_advised": draw(st.booleans())}
    if draw(st.booleans()):
        case["consultation"] = {"customer_description": draw(st.sampled_from([FIRST + ". Текст.", "Текст."])),
                                "notes": draw(st.sampled_from(["", "https://t/1 https://t/client"]))}
    return case


# ---------------------------------------------------------------- mutations of valid cases

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False, allow_infinity=False, width=16)
    | st.sampled_from(["", "x", "call", "email", "air_conditioner", "2025-10-31", "2025-10-31T10:15:00+03:00",
                       "no_fault", "feedback_call", "claim", "accepted", "refund", "Europe/Moscow", "1.0"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["name", "type", "at", "outcome", "demand", "number", "category", "x"]), children, max_size=3),
    max_leaves=8)

NEW_KEYS = ["extra", "outcome", "demand", "conclusion", "by", "email", "phone"]


def json_paths(value, prefix=()):
    """Every path into a JSON value, the root's () first."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from json_paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from json_paths(v, prefix + (i,))


@st.composite
def mutated_cases(draw, seeds, changes=(1, 3)):
    """A seed case with a few changes: a value replaced, a key deleted, one added (to an object or
    an array), an integer written as a float."""
    case = copy.deepcopy(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(*changes))):
        paths = [p for p in json_paths(case) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = case
        for key in path[:-1]:
            parent = parent[key]
        last = path[-1]
        action = draw(st.sampled_from(["replace", "delete", "add", "int_to_float"]))
        if action == "delete":
            del parent[last]
        elif action == "replace":
            parent[last] = draw(JSON_VALUES)
        elif action == "int_to_float":
            if type(parent[last]) is int:
                parent[last] = float(parent[last])
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(NEW_KEYS))] = draw(JSON_VALUES)
        else:
            parent.append(draw(JSON_VALUES))
    return case


def generated_export(path, examples, seed):
    """A JSON Lines export of generated valid cases (the same ones every run), shuffled by `seed`;
    returns the cases written."""
    import json
    import random

    from hypothesis import HealthCheck, Phase, given, settings

    found = []

    @settings(max_examples=examples, phases=[Phase.generate], suppress_health_check=list(HealthCheck),
              derandomize=True)
    @given(cases())
    def collect(c):
        found.append(c)

    collect()
    random.Random(seed).shuffle(found)
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in found), encoding="utf-8")
    return found
