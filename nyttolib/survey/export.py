"""A workshop's files: the report as HTML and PDF, and the raw answers as CSV and xlsx.

Raw answers are one row per participant and statement (long format: easy to filter and pivot).
Participants are numbered in the order they joined; a name appears only if the participant wrote one.
"""

from __future__ import annotations

import csv
import io

from nyttolib.exports.filenames import safe_filename
from nyttolib.survey.participant import COMMENTS, NUMBERS
from nyttolib.survey.questionnaire import Questionnaire
from nyttolib.survey.statistics import DONT_KNOW, statement_key
from nyttolib.survey.store import Response, Workshop, WorkshopStore

WORKSHOP_FORMATS = ("html", "pdf", "csv", "xlsx")


def workshop_file_stem(workshop: Workshop) -> str:
    date = workshop.held_on or workshop.created_at[:10]
    return f"{safe_filename(workshop.name, fallback='workshop')} ({safe_filename(date)})"


def _answer(value: object, questionnaire: Questionnaire) -> tuple[object, str]:
    """The value for the sheet (a number, or empty) and its label."""
    if value == DONT_KNOW:
        return "", questionnaire.dont_know
    labels = {level.value: level.label for level in questionnaire.scale}
    if value in labels:
        return value, labels[value]
    return "", ""


def answer_rows(questionnaire: Questionnaire, responses: list[Response]) -> tuple[list[str], list[list[object]]]:
    """Header and rows of the raw answers: every participant × statement, then numeric fields."""
    header = ["Deltagare", "Namn", "Roll/verksamhet"]
    if questionnaire.per_subject:
        header.append("Objekt")
    header += ["Inskickad", "Dimension", "Påstående", "Nuläge", "Nuläge (text)"]
    if questionnaire.gap_analysis:
        header += ["Börläge", "Börläge (text)"]
    header.append("Kommentar till dimensionen")
    rows: list[list[object]] = []
    for number, response in enumerate(responses, start=1):
        who: list[object] = [f"Deltagare {number}", response.name or "", response.role or ""]
        if questionnaire.per_subject:
            who.append(response.subject or "")
        who.append((response.submitted_at or "")[:16].replace("T", " "))
        comments = response.answers.get(COMMENTS, {})
        for dimension, statement in questionnaire.statements():
            answer = response.answers.get(statement_key(dimension.id, statement.id), {})
            row = [*who, dimension.title, statement.text, *_answer(answer.get("now"), questionnaire)]
            if questionnaire.gap_analysis:
                row += [*_answer(answer.get("target"), questionnaire)]
            row.append(comments.get(dimension.id, ""))
            rows.append(row)
        for numeric in questionnaire.numeric_fields:
            value = response.answers.get(NUMBERS, {}).get(numeric.id)
            label = f"{numeric.label} ({numeric.unit})" if numeric.unit else numeric.label
            row = [*who, "Siffror", label, value if value is not None else "", ""]
            if questionnaire.gap_analysis:
                row += ["", ""]
            row.append("")
            rows.append(row)
    return header, rows


def _cell_text(value: object) -> object:
    """Text that a spreadsheet would run as a formula is prefixed with ' (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def answers_csv(questionnaire: Questionnaire, responses: list[Response]) -> bytes:
    """Semicolon-separated UTF-8 with BOM: opens with å, ä, ö intact in Swedish Excel."""
    header, rows = answer_rows(questionnaire, responses)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell_text(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def answers_xlsx(questionnaire: Questionnaire, responses: list[Response], workshop: Workshop) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from nyttolib.exports.spreadsheet import write_text

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
            cell = sheet.cell(row=sheet.max_row, column=column)
            if isinstance(value, str):
                write_text(cell, value)
            else:
                cell.value = value
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    widths = {"Påstående": 60, "Kommentar till dimensionen": 40, "Dimension": 26}
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
        ("Datum", workshop.held_on or workshop.created_at[:10]),
        ("Antal deltagare", len(responses)),
    ]:
        about.append([label, None])
        write_text(about.cell(row=about.max_row, column=1), label)
        cell = about.cell(row=about.max_row, column=2)
        if isinstance(value, str):
            write_text(cell, value)
        else:
            cell.value = value
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
