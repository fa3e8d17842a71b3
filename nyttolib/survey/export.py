"""A workshop's files: the report as HTML and PDF, and the raw answers as CSV and xlsx.

Raw answers are one row per participant and statement (long format: easy to filter and pivot), for
the statements the participant was asked, and one row per dimension comment. Participants who answered
are numbered in the order they joined; a name appears only if the participant wrote one. Roles and
systems are named as the compilation groups them. Files are for Swedish spreadsheets: the CSV has
decimal commas, the xlsx numbers and dates as such, times in Swedish time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from nyttolib import formatting
from nyttolib.exports.filenames import safe_filename
from nyttolib.survey.participant import COMMENTS, NUMBERS
from nyttolib.survey.questionnaire import Questionnaire, display_name, group_key
from nyttolib.survey.statistics import DONT_KNOW, has_answered, statement_key
from nyttolib.survey.store import Response, Workshop, WorkshopStore

WORKSHOP_FORMATS = ("html", "pdf", "csv", "xlsx")
COMMENT_COLUMN = "Kommentar"
COMMENT_ROW = "Kommentar till dimensionen"
DATE_FORMAT, TIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"


def workshop_file_stem(workshop: Workshop) -> str:
    date = workshop.held_on or formatting.local_time(workshop.created_at)[:10]
    return f"{safe_filename(workshop.name, fallback='workshop')} ({safe_filename(date)})"


def _answer(value: object, questionnaire: Questionnaire) -> tuple[object, str]:
    """The value for the sheet (a number, or empty) and its label."""
    if value == DONT_KNOW:
        return "", questionnaire.dont_know
    labels = {level.value: level.label for level in questionnaire.scale}
    if value in labels:
        return value, labels[value]
    return "", ""


def _names(texts: list[str | None]) -> dict[str, str]:
    """Each typed name's group key and the name shown for it, as the compilation groups them."""
    names: dict[str, str] = {}
    for text in texts:
        names.setdefault(group_key(text), display_name(text))
    return names


def answer_rows(questionnaire: Questionnaire, responses: list[Response]) -> tuple[list[str], list[list[object]]]:
    """Header and rows of the raw answers. Values keep their type (numbers; datetimes in Swedish time):
    each file writes them its own way."""
    header = ["Deltagare", "Namn", "Roll/verksamhet"]
    if questionnaire.per_subject:
        header.append("Objekt")
    header += [f"Inskickad ({formatting.LOCAL_ZONE_TEXT})", "Dimension", "Påstående", "Nuläge", "Nuläge (text)"]
    if questionnaire.gap_analysis:
        header += ["Börläge", "Börläge (text)"]
    header.append(COMMENT_COLUMN)
    no_answer = ["", ""] * (2 if questionnaire.gap_analysis else 1)
    answered = [r for r in responses if has_answered(r.answers)]
    roles = _names([r.role for r in answered])
    subjects = _names([r.subject for r in answered])
    rows: list[list[object]] = []
    for number, response in enumerate(answered, start=1):
        who: list[object] = [f"Deltagare {number}", response.name or "", roles[group_key(response.role)]]
        if questionnaire.per_subject:
            who.append(subjects[group_key(response.subject)])
        who.append(formatting.local_datetime(response.submitted_at) or "")
        comments = response.answers.get(COMMENTS, {})
        for dimension in questionnaire.dimensions_for(response.role):
            for statement in dimension.statements:
                answer = response.answers.get(statement_key(dimension.id, statement.id), {})
                row = [*who, dimension.title, statement.text, *_answer(answer.get("now"), questionnaire)]
                if questionnaire.gap_analysis:
                    row += [*_answer(answer.get("target"), questionnaire)]
                rows.append([*row, ""])
            comment = comments.get(dimension.id, "")
            if isinstance(comment, str) and comment.strip():  # once per dimension, not on each statement
                rows.append([*who, dimension.title, COMMENT_ROW, *no_answer, comment.strip()])
        for numeric in questionnaire.numeric_fields_for(response.role):
            value = response.answers.get(NUMBERS, {}).get(numeric.id)
            label = f"{numeric.label} ({numeric.unit})" if numeric.unit else numeric.label
            number_value = value if isinstance(value, int | float) and not isinstance(value, bool) else ""
            rows.append([*who, "Siffror", label, number_value, *no_answer[1:], ""])
    return header, rows


def _cell_text(value: object) -> object:
    """Text that a spreadsheet would run as a formula is prefixed with ' (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_value(value: object) -> object:
    """As Swedish Excel reads a cell: decimal comma, a time as 'yyyy-mm-dd hh:mm', text never a formula."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return formatting.plain_decimal(value)
    return _cell_text(value)


def answers_csv(questionnaire: Questionnaire, responses: list[Response]) -> bytes:
    """Semicolon-separated UTF-8 with BOM: opens with å, ä, ö intact in Swedish Excel."""
    header, rows = answer_rows(questionnaire, responses)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _date(workshop: Workshop) -> dt.date | str:
    """The workshop's date as a date (the day it was created, in Swedish time, when none was given)."""
    text = workshop.held_on or formatting.local_time(workshop.created_at)[:10]
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


def _write(cell, value: object) -> None:
    """A value in its own type: text as text (never a formula), numbers as numbers, times as dates."""
    from nyttolib.exports.spreadsheet import write_text

    if isinstance(value, str):
        write_text(cell, value)
        return
    cell.value = value
    if isinstance(value, dt.datetime):
        cell.number_format = TIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT


def answers_xlsx(questionnaire: Questionnaire, responses: list[Response], workshop: Workshop) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    header, rows = answer_rows(questionnaire, responses)
    book = Workbook()
    sheet = book.active
    sheet.title = "Svar"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([None] * len(row))
        for column, value in enumerate(row, start=1):
            _write(sheet.cell(row=sheet.max_row, column=column), value)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    widths = {"Påstående": 60, COMMENT_COLUMN: 40, "Dimension": 26}
    for column, title in enumerate(header, start=1):
        letter = sheet.cell(row=1, column=column).column_letter
        sheet.column_dimensions[letter].width = widths.get(title, 16)
        if title in widths:
            for cell in sheet[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    about = book.create_sheet("Om")
    for label, value in [
        ("Workshop", workshop.name),
        ("Enkät", questionnaire.title),
        ("Datum", _date(workshop)),
        ("Antal deltagare", len(responses)),
        ("Har svarat", sum(1 for r in responses if has_answered(r.answers))),
        ("Enkäten stängd", formatting.local_datetime(workshop.closed_at) or "nej, öppen"),
        ("Tider", f"i {formatting.LOCAL_ZONE_TEXT} ({formatting.LOCAL_ZONE})"),
    ]:
        about.append([label, None])
        _write(about.cell(row=about.max_row, column=1), label)
        cell = about.cell(row=about.max_row, column=2)
        _write(cell, value)
        cell.alignment = Alignment(horizontal="left")
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 50
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workshop_export_bytes(store: WorkshopStore, questionnaire: Questionnaire, workshop: Workshop, fmt: str) -> bytes:
    """One export file of the workshop, as bytes."""
    from nyttolib.survey.report import render_pdf, render_workshop_html

    if fmt == "html":
        return render_workshop_html(store, questionnaire, workshop).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(render_workshop_html(store, questionnaire, workshop))
    responses = store.responses_of(workshop.id)
    if fmt == "csv":
        return answers_csv(questionnaire, responses)
    if fmt == "xlsx":
        return answers_xlsx(questionnaire, responses, workshop)
    raise ValueError(f"okänt format: {fmt} (välj bland {', '.join(WORKSHOP_FORMATS)})")
