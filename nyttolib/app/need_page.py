"""Behov före lösning (behov.ipynb): write the need (what is missing or asked for, for whom, what should
be achieved – not how), answer the risks of solution-first thinking and "Är det ett projekt?" ja/nej with
what follows from each answer, read the seed's two example needs, and go on to the project canvas.

What the user writes is the first part of a canvas: it is saved as it is typed on DocumentStore("canvas"),
so a closed tab or a dead kernel loses nothing, and "Fortsätt till projektcanvas" opens that canvas."""

from __future__ import annotations

import logging
from html import escape

import ipywidgets as widgets

from nyttolib.app.canvas_page import (
    CANVAS_PAGE,
    NEED_PAGE,
    FieldAccess,
    SaveStatus,
    address_marker,
    canvas_field,
    document_for_request,
    document_page,
    page_link,
)
from nyttolib.app.errors import add_reporter, guarded
from nyttolib.app.fields import LabelledControl, html, lock, paragraphs, shared_layout, shared_style
from nyttolib.app.sharing import CANVAS, AccessArea
from nyttolib.canvas.content import CanvasContent, Question
from nyttolib.canvas.export import project_verdict
from nyttolib.canvas.session import CanvasSession
from nyttolib.storage.documents import DocumentStore

log = logging.getLogger("nyttolib.app")


class AnswerField(LabelledControl):
    """One ja/nej question of a self-check; below it, what follows from the answer given."""

    def __init__(self, session: CanvasSession, group: str, question: Question, content: CanvasContent):
        self.session, self.group, self.question = session, group, question
        answers = content.need.answers
        current = getattr(session.canvas, group).get(question.id)
        control = widgets.RadioButtons(
            options=[(answers.answer_yes, "ja"), (answers.answer_no, "nej")],
            value=current,
            description=question.question,
            layout=shared_layout(width="auto"),
            style=shared_style("description"),
        )
        control.add_class("nyttolib-horizontal")
        super().__init__(control)
        self.follows = html("", "nyttolib-follows")
        self.children = [*self.children, self.follows]
        control.observe(guarded(self._on_value), names="value")
        self.show_follows()

    def _on_value(self, change: dict) -> None:
        self.session.answer(self.group, self.question.id, change["new"])
        self.show_follows()

    def show_follows(self) -> None:
        answer = getattr(self.session.canvas, self.group).get(self.question.id)
        text = {"ja": self.question.if_yes, "nej": self.question.if_no}.get(answer or "", "")
        self.follows.value = f"<p aria-live='polite'>{escape(text)}</p>" if text else "<p aria-live='polite'></p>"


class NeedPage(widgets.VBox):
    def __init__(self, session: CanvasSession, content: CanvasContent):
        super().__init__()
        self.add_class("nyttolib-form")
        self.session, self.content = session, content
        need = content.need
        self.access = FieldAccess(session)
        self.address = html("")
        self.notice = html("", "nyttolib-notice")
        add_reporter(self._show_notice)
        self.status = SaveStatus(session, "det du skriver sparas automatiskt")
        self.access_area = AccessArea(session, CANVAS, on_handed_over=self._lock_if_read_only)
        head = html(
            f"<nav aria-label='Sidor'><a href='start.ipynb'>← Startsidan</a></nav><h1>{escape(need.title)}</h1>"
        )
        self.fields = {name: canvas_field(self.access, name, content) for name in need.write.fields}
        self.risk_answers = [AnswerField(session, "solution_risks", q, content) for q in need.risks.items]
        self.criteria_answers = [AnswerField(session, "project_criteria", q, content) for q in need.project.criteria]
        self.verdict = html("")
        self.continue_link = html("")
        risks: list[widgets.Widget] = []
        for item, answer in zip(need.risks.items, self.risk_answers, strict=True):
            risks += [html(f"<p class='nyttolib-risk'>{escape(item.risk)}</p>"), answer]
        digital = need.project.digital
        self.children = [
            head,
            self.status,
            self.access_area,
            self.address,
            self.notice,
            paragraphs(need.intro),
            html(f"<h2>{escape(need.what_is_a_need.title)}</h2>", "nyttolib-heading"),
            paragraphs(need.what_is_a_need.texts),
            html(f"<h2>{escape(need.write.title)}</h2>", "nyttolib-heading"),
            paragraphs(need.write.text),
            *self.fields.values(),
            html(
                f"<h2>{escape(need.examples.title)}</h2><ul class='nyttolib-examples'>"
                + "".join(f"<li>{escape(t)}</li>" for t in need.examples.texts)
                + "</ul>",
                "nyttolib-heading",
            ),
            html(f"<h2>{escape(need.risks.title)}</h2>", "nyttolib-heading"),
            paragraphs(need.risks.text),
            *risks,
            paragraphs(need.risks.sound_off) if need.risks.sound_off else html(""),
            html(f"<h2>{escape(need.project.title)}</h2>", "nyttolib-heading"),
            paragraphs(need.project.text),
            html("<ul>" + "".join(f"<li>{escape(c.criterion)}</li>" for c in need.project.criteria) + "</ul>"),
            *self.criteria_answers,
            self.verdict,
            html(f"<h3>{escape(digital.title)}</h3><p>{escape(digital.text)}</p>") if digital else html(""),
            html(f"<h2>{escape(need.continue_.label)}</h2>", "nyttolib-heading"),
            paragraphs(need.continue_.text),
            self.continue_link,
            html(f"<p class='nyttolib-source'>{escape(need.source)}</p>") if need.source else html(""),
            self.access_area.panel_area,
        ]
        session.on_change(guarded(self.refresh))
        session.on_status(guarded(self._on_status))
        self.refresh()
        self._lock_if_read_only()

    def _lock_if_read_only(self) -> None:
        if self.session.read_only:
            lock(self)

    def _on_status(self) -> None:
        """After changes from another tab were taken in, the inputs show them (an input with an error keeps
        the user's text)."""
        from nyttolib.app.form import _show_value

        if self.session.status == "saved" and self.session.news:
            for field in self.fields.values():
                _show_value(field)  # type: ignore[arg-type]
            for answer in [*self.risk_answers, *self.criteria_answers]:
                answer.control.value = getattr(self.session.canvas, answer.group).get(answer.question.id)
                answer.show_follows()
        self.access_area.update()
        if self.session.status == "refused":
            self._lock_if_read_only()
        self.refresh()

    def refresh(self) -> None:
        s = self.session
        self.address.value = address_marker(s.id)
        verdict = project_verdict(s.canvas, self.content)
        self.verdict.value = f"<p role='status' class='nyttolib-verdict'><strong>{escape(verdict)}</strong></p>"
        href = escape(page_link(CANVAS_PAGE, s.id), quote=True)
        label = escape(self.content.need.continue_.label)
        self.continue_link.value = f"<p><a class='nyttolib-primary-link' href='{href}'>{label}</a></p>"

    def _show_notice(self, message: str) -> None:
        self.notice.value = f"<div role='alert' class='nyttolib-error'>{escape(message)}</div>"


def need_page(
    canvas_id: str | None = None, *, store: DocumentStore | None = None, content: CanvasContent | None = None
) -> widgets.Widget:
    return document_page(NeedPage, NEED_PAGE, canvas_id, store, content)


def need_for_request() -> widgets.Widget:
    failure = "Något gick fel när sidan skulle öppnas. Det som är sparat finns kvar."
    return document_for_request(NeedPage, NEED_PAGE, failure)
