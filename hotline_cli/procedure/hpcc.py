"""The Usedesk/HPCC stage: before the engineer is asked. With no ASC conclusion on the disputed
request, the Usedesk agent asks the HPCC manager for the documents (stage 1); the request to the
engineer is due once they arrive and the expert has called (stage 2).
"""

from __future__ import annotations

from datetime import date

from hotline_cli.procedure import texts
from hotline_cli.procedure.calendar import ProductionCalendar
from hotline_cli.procedure.case import Case, Request
from hotline_cli.procedure.story import Due, Events, Step


class HpccStage:
    def __init__(self, case: Case, events: Events, calendar: ProductionCalendar, email_flow: bool):
        self.case = case
        self.events = events
        self.cal = calendar
        self.email_flow = email_flow
        self._engineer_request_from: date | None = None

    def documents_step(self, disputed: Request) -> Step | None:
        """Stage 1 while the disputed request has no conclusion and no documents have come."""
        ev, cal = self.events, self.cal
        if disputed.conclusion is not None or ev.has("hpcc_documents"):
            return None
        sent = ev.first("hpcc_request")
        if sent is not None:
            return Step(1, "await_documents", since=sent.at.day, due=cal.add(sent.at.day, 1))
        return Step(1, "hpcc_request", since=self.case.opened.day, due=cal.add(self.case.opened.day, 0))

    @property
    def engineer_request_from(self) -> date:
        """The day the request to the engineer became due: the latest of the contact, the HPCC
        documents' arrival and the expert's call (worked out once)."""
        v = self._engineer_request_from
        if v is None:
            v = self._engineer_request_from = self._engineer_request_from_of()
        return v

    def _engineer_request_from_of(self) -> date:
        days = [self.case.opened.day]
        for t in ("hpcc_documents", "expert_call"):
            e = self.events.last(t)
            if e is not None:
                days.append(e.at.day)
        return max(days)

    def engineer_request_step(self) -> Step:
        """Stage 2: the request to the responsible engineer."""
        start = self.engineer_request_from
        return Step(2, "engineer_request", since=start, due=self.cal.add(start, 0))

    def due(self, st: Step) -> list[Due]:
        """What stage 1 or 2 calls for."""
        s = st.step
        if s == "hpcc_request":
            assert st.due is not None
            return [Due(st.due, s, "Агент Usedesk: направить менеджеру HPCC запрос данных по заявке (акт, описание "
                                   "дефекта) с обязательными темой и приоритетом.")]
        if s == "await_documents":
            assert st.since is not None and st.due is not None
            return [Due(st.due, s, f"Проверить, поступили ли от менеджера HPCC документы по заявке (запрос от "
                                   f"{texts.ru_date(st.since)}); по получении передать запрос эксперту.")]
        assert st.due is not None
        out = []
        if not self.email_flow and not self.events.has("expert_call"):
            out.append(Due(st.due, "expert_call", "Позвонить клиенту: представиться, сообщить, что вопрос на "
                           "персональном контроле и будет решён в течение трёх рабочих дней."))
        out.append(Due(st.due, s, "Направить запрос ответственному инженеру (hotline escalate)."))
        return out
