"""Someone else's assessment opened by a pasted link (the form's and the report's `?id=`): the store's Swedish
refusal on the page, with the way back; nothing of the assessment shown, no traceback."""

from __future__ import annotations

from nyttolib.app.form import assessment_form
from nyttolib.app.report_page import report_for
from nyttolib.identity import User
from nyttolib.portfolio.store import PortfolioStore

ANNA = User("anna", hub=True)
BERTIL = User("bertil", hub=True)


def page_text(widget) -> str:
    """The HTML of a page's widgets, all the way down."""
    parts = [getattr(widget, "value", "") or ""]
    for child in getattr(widget, "children", ()):
        parts.append(page_text(child))
    return "".join(part for part in parts if isinstance(part, str))


def test_a_pasted_id_of_someone_elses_assessment_is_refused_in_swedish(tmp_path, content, invoice):
    with PortfolioStore(tmp_path, content, user=ANNA) as annas:
        saved = annas.save(invoice)
    with PortfolioStore(tmp_path, content, user=BERTIL) as bertils:
        form = page_text(assessment_form(saved.id, store=bertils, content=content))
        report = report_for(saved.id, store=bertils).data
    for shown in (form, report):
        assert "Du har inte tillgång till bedömningen" in shown
        assert f"Du får inte se bedömningen &#x27;{saved.id}&#x27;. Be ägaren dela den med dig." in shown
        assert "href='start.ipynb'" in shown
        assert invoice.initiative.name not in shown
    with PortfolioStore(tmp_path, content, user=ANNA) as annas:  # the owner still opens it
        assert invoice.initiative.name in page_text(assessment_form(saved.id, store=annas, content=content))
