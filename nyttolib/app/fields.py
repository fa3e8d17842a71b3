"""Form fields bound to one path of the assessment: a visible label tied to the input, guidance, and a
Swedish message beside it when the input is not accepted. Nothing is clamped or thrown away: text that
is not valid yet stays in the input and is kept as a draft in the store."""

from __future__ import annotations

import datetime as dt
import functools
from html import escape
from typing import Any

import ipywidgets as widgets

from nyttolib.app.errors import guarded
from nyttolib.app.session import AssessmentSession, FieldError, Path, path_key
from nyttolib.assessment.validation import number_range
from nyttolib.numbers import Range, format_input, parse_number, swedish

READING = "nyttolib-reading"  # a part of a step that only reads (exports, comparing revisions): never made read-only

swedish()  # load the locale's CLDR data while a kernel is preheated, not when the first visitor types


@functools.cache
def shared_layout(**properties: str) -> widgets.Layout:
    """One Layout model per distinct look, shared by every widget that has it.

    Each widget otherwise gets Layout and Style models of its own; a page with a few hundred models
    takes noticeably longer to become interactive in the browser.
    """
    return widgets.Layout(**properties)


@functools.cache
def shared_style(kind: str) -> widgets.Widget:
    from ipywidgets.widgets.widget_bool import CheckboxStyle
    from ipywidgets.widgets.widget_description import DescriptionStyle
    from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

    styles = {"text": TextStyle, "description": DescriptionStyle, "checkbox": CheckboxStyle, "html": HTMLStyle}
    return styles[kind](description_width="initial") if kind != "html" else styles[kind]()


@functools.cache
def shared_button_style() -> widgets.ButtonStyle:
    return widgets.ButtonStyle()


def wide() -> widgets.Layout:
    return shared_layout(width="100%", max_width="42rem")


def html(text: str, *classes: str) -> widgets.HTML:
    widget = widgets.HTML(text, layout=shared_layout(), style=shared_style("html"))
    for name in classes:
        widget.add_class(name)
    return widget


def download_link(name: str, mime: str, data: bytes) -> str:
    """A file offered as a link to save (Voilà has no download widget of its own)."""
    import base64

    uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    kind = name.rsplit(".", 1)[-1].upper()
    size = f"{max(1, round(len(data) / 1024))} kB"
    return (
        f"<p role='status'><a download='{escape(name, quote=True)}' href='{uri}'>Spara {escape(name)}</a> "
        f"({kind}, {size})</p>"
    )


def heading(text: str, level: int = 2) -> widgets.HTML:
    return html(f"<h{level}>{escape(text)}</h{level}>", "nyttolib-heading")


def paragraphs(texts: list[str] | str, css: str = "nyttolib-guidance") -> widgets.HTML:
    items = [texts] if isinstance(texts, str) else texts
    return html("".join(f"<p>{escape(t)}</p>" for t in items), css)


def text_control(
    label: str, value: str = "", *, multiline: bool = False, rows: int = 3, placeholder: str = ""
) -> widgets.Text | widgets.Textarea:
    """A text input (or text area) with its label above it, updated as the user types."""
    cls = widgets.Textarea if multiline else widgets.Text
    control = cls(
        value=value,
        description=label,
        placeholder=placeholder,
        continuous_update=True,
        layout=wide(),
        style=shared_style("text"),
    )
    if multiline:
        control.rows = rows
    return control


def dropdown_control(label: str, options: list[tuple[str, Any]], value: Any = None) -> widgets.Dropdown:
    """A dropdown showing `value`, or the first option when `value` is not one of them."""
    values = [v for _, v in options]
    return widgets.Dropdown(
        options=options,
        value=value if value in values else values[0],
        description=label,
        layout=shared_layout(width="auto", max_width="42rem"),
        style=shared_style("description"),
    )


class LabelledControl(widgets.VBox):
    """An input with its visible label, optional help, and a Swedish message beside it when it is refused."""

    def __init__(self, control: widgets.Widget, help_text: str = ""):
        self.control = control
        control.add_class("nyttolib-control")
        self.message: widgets.HTML | None = None  # created on the first error: most inputs never need one
        children = [control]
        if help_text:
            children.append(html(f"<p>{escape(help_text)}</p>", "nyttolib-help"))
        super().__init__(children, layout=shared_layout())
        self.add_class("nyttolib-field")
        self.has_error = False
        self.rule: str | None = None  # a broken rule between fields (e.g. date order), shown when no input error

    def show_error(self, text: str) -> None:
        self.has_error = True
        self._show_message(text)

    def clear_error(self) -> None:
        if not self.has_error:
            return
        self.has_error = False
        self._show_message(self.rule)

    def show_rule(self, text: str | None) -> None:
        """Show (or, with None, clear) a message from a rule between fields; an input error goes first."""
        if text == self.rule:
            return
        self.rule = text
        if not self.has_error:
            self._show_message(text)

    def _show_message(self, text: str | None) -> None:
        if text is None:
            if self.message is not None:
                self.children = [c for c in self.children if c is not self.message]
                self.message = None
            self.control.remove_class("nyttolib-invalid")
            return
        if self.message is None:
            self.message = html("", "nyttolib-message")
            self.children = [*self.children, self.message]
        self.message.value = f"<p role='alert'><strong>Fel:</strong> {escape(text)}</p>"
        self.control.add_class("nyttolib-invalid")

    def focus(self) -> None:
        self.control.focus()


class Field(LabelledControl):
    """One labelled input bound to `path`; subclasses say how text becomes a value."""

    def __init__(self, session: AssessmentSession, path: Path, control: widgets.Widget, help_text: str = ""):
        self.session = session
        self.path = path
        super().__init__(control, help_text)
        self.after_change: list = []
        control.observe(guarded(self._on_value), names="value")

    @property
    def key(self) -> str:
        return path_key(self.path)

    def to_value(self, raw: Any) -> Any:
        return raw

    def _on_value(self, change: dict) -> None:
        raw = change["new"]
        try:
            value = self.to_value(raw)
            self.session.set(self.path, value)
        except (ValueError, FieldError) as exc:
            had_error = self.has_error
            self.show_error(str(exc))
            if isinstance(raw, str):
                self.session.set_draft(self.path, raw)
            if not had_error:
                self.session.notify()
            return
        self.clear_error()
        for hook in self.after_change:
            hook()


def _restore_draft(field: Field) -> None:
    draft = field.session.draft(field.path)
    if draft is None:
        return
    field.control.value = draft  # triggers validation, shows the message again
    if not field.has_error:
        field.session.clear_draft(field.path)


class TextField(Field):
    def __init__(
        self,
        session: AssessmentSession,
        path: Path,
        label: str,
        *,
        multiline: bool = False,
        help_text: str = "",
        placeholder: str = "",
        rows: int = 3,
    ):
        control = text_control(label, session.get(path) or "", multiline=multiline, rows=rows, placeholder=placeholder)
        super().__init__(session, path, control, help_text)
        _restore_draft(self)  # e.g. a text too long to save: shown again with its message, not the older text


class NumberField(Field):
    """A number typed as text: "1 234,5" is fine, "12,5,0" gets a message and stays as typed.

    The allowed range is the model's for `path` (so the form and an imported file obey the same rules),
    unless `allowed` narrows it (hours in a cost line)."""

    def __init__(
        self,
        session: AssessmentSession,
        path: Path,
        label: str,
        *,
        unit: str = "",
        help_text: str = "",
        width: str = "14rem",
        allowed: Range | None = None,
    ):
        self.unit = unit
        self.allowed = allowed or number_range(tuple(path))
        current = session.get(path)
        description = f"{label} ({unit})" if unit else label
        control = widgets.Text(
            value=format_input(current),
            description=description,
            continuous_update=True,
            layout=shared_layout(width=width),
            style=shared_style("text"),
        )
        super().__init__(session, path, control, help_text)
        _restore_draft(self)

    def to_value(self, raw: str) -> float | int | None:
        return parse_number(raw, unit=self.unit, allowed=self.allowed)


class ChoiceField(Field):
    """A dropdown of content choices, with an explicit "not chosen" first."""

    def __init__(
        self,
        session: AssessmentSession,
        path: Path,
        label: str,
        options: list[tuple[str, Any]],
        *,
        none_label: str = "– Välj –",
        help_text: str = "",
        allow_none: bool = True,
    ):
        choices = ([(none_label, None)] if allow_none else []) + list(options)
        super().__init__(session, path, dropdown_control(label, choices, session.get(path)), help_text)


class RadioField(Field):
    """Radio buttons: JA/NEJ, or the five cells of a classification axis. Arrow keys move between options."""

    def __init__(
        self,
        session: AssessmentSession,
        path: Path,
        label: str,
        options: list[tuple[str, Any]],
        *,
        help_text: str = "",
        orientation: str = "vertical",
    ):
        current = session.get(path)
        values = [value for _, value in options]
        control = widgets.RadioButtons(
            options=options,
            value=current if current in values else None,
            description=label,
            layout=shared_layout(width="auto"),
            style=shared_style("description"),
        )
        if orientation == "horizontal":
            control.add_class("nyttolib-horizontal")
        super().__init__(session, path, control, help_text)


class CheckboxField(Field):
    def __init__(self, session: AssessmentSession, path: Path, label: str, *, help_text: str = ""):
        control = widgets.Checkbox(
            value=bool(session.get(path)),
            description=label,
            indent=False,
            layout=shared_layout(width="auto"),
            style=shared_style("checkbox"),
        )
        super().__init__(session, path, control, help_text)


class DateField(Field):
    def __init__(self, session: AssessmentSession, path: Path, label: str, *, help_text: str = ""):
        control = widgets.DatePicker(
            value=session.get(path), description=label, layout=shared_layout(), style=shared_style("description")
        )
        super().__init__(session, path, control, help_text)

    def to_value(self, raw: dt.date | None) -> dt.date | None:
        return raw


class YesNoField(Field):
    """Mätbar (ja/nej) and similar: a tri-state choice where "not answered" is a real state."""

    def __init__(self, session: AssessmentSession, path: Path, label: str):
        current = session.get(path)
        control = widgets.RadioButtons(
            options=[("Ja", True), ("Nej", False)],
            value=current if current is not None else None,
            description=label,
            style=shared_style("description"),
        )
        control.add_class("nyttolib-horizontal")
        super().__init__(session, path, control)


def lock(widget: widgets.Widget) -> None:
    """Disable every input and button inside `widget`, except in parts marked as only reading."""
    if READING in getattr(widget, "_dom_classes", ()):
        return
    if widget.has_trait("disabled") and not widget.disabled:
        widget.disabled = True
    for child in getattr(widget, "children", ()):
        lock(child)
