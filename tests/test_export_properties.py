"""Every valid document exports, and nyttolib reads every export back: generated documents with every
kind of line and field (tests/strategies.py), per-year lists of the wrong length included."""

from __future__ import annotations

import io

import openpyxl
from hypothesis import HealthCheck, given, settings

from nyttolib.assessment.documents import assessment_json, check_text
from nyttolib.exports.report import render_html, render_printed_html
from nyttolib.exports.spreadsheet import calculation_workbook

from strategies import CONTENT, assessments


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assessments())
def test_every_valid_document_exports_and_reads_back(assessment):
    html = render_html(assessment, CONTENT)
    assert html.startswith("<!DOCTYPE html>") and "</html>" in html
    assert render_printed_html(assessment, CONTENT).startswith("<!DOCTYPE html>")
    workbook = openpyxl.load_workbook(io.BytesIO(calculation_workbook(assessment, CONTENT)))
    assert workbook.sheetnames
    again = check_text(assessment_json(assessment), CONTENT)
    assert again.ok, again.problems
    assert again.assessment == assessment
