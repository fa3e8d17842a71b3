"""The start page, the portfolio page and the workshop lists under JupyterHub, as each user sees them.

Real stores on one database, one per user (as the hub users' kernels have); the local user of `make app`
sees the pages exactly as before identities existed."""

from __future__ import annotations

import re

import pytest

from nyttolib.app.portfolio_page import PortfolioPage
from nyttolib.app.start_page import StartPage
from nyttolib.identity import User
from nyttolib.portfolio.store import PortfolioStore
from nyttolib.storage.database import damaged_mark
from nyttolib.survey.store import WorkshopStore

from conftest import INVOICE

ANNA = User("anna", hub=True)
BO = User("bo", hub=True)
OFFICE = User("kerstin", frozenset({"portfoljkontoret"}), hub=True)
LOCAL = User("lokal")
CHANGE = r"data-nyttolib-pick='nyttolib-portfolio-choose' data-nyttolib-index='(\d+)'"


@pytest.fixture
def stores(tmp_path, content):
    opened = {user.name: PortfolioStore(tmp_path, content, user=user) for user in (ANNA, BO, OFFICE, LOCAL)}
    yield opened
    for store in opened.values():
        store.close()


@pytest.fixture
def saved(stores, invoice):
    """Anna's three assessments: one her own only, one shared with Bo to read, one to edit; and Bo's own."""
    ids = {}
    for key, name in [("own", "Annas egen"), ("read", "Läses av Bo"), ("edit", "Ändras av Bo")]:
        document = invoice.model_copy(
            update={"id": None, "initiative": invoice.initiative.model_copy(update={"name": name})}
        )
        ids[key] = stores["anna"].save(document).id
    stores["anna"].share(ids["read"], "bo", "read")
    stores["anna"].share(ids["edit"], "bo", "edit")
    document = invoice.model_copy(
        update={"id": None, "initiative": invoice.initiative.model_copy(update={"name": "Bos"})}
    )
    ids["bos"] = stores["bo"].save(document).id
    return ids


def rows(table: str) -> dict[str, str]:
    """The start page's table: each initiative's name and the rest of its row."""
    found = re.findall(r"<tr><th scope='row'><a [^>]*>([^<]*)</a></th>(.*?)</tr>", table)
    return dict(found)


def test_the_start_page_says_who_is_logged_in_and_whose_each_assessment_is(stores, content, saved):
    page = StartPage(stores["bo"], content)
    intro = page.children[0].value
    assert "Inloggad som <strong>bo</strong></p>" in intro
    listed = rows(page.table.value)
    assert set(listed) == {"Läses av Bo", "Ändras av Bo", "Bos"}  # not Anna's own
    assert "<td>anna</td><td>Delad med dig: läsa</td>" in listed["Läses av Bo"]
    assert "<td>anna</td><td>Delad med dig: ändra</td>" in listed["Ändras av Bo"]
    assert "<td>du</td><td>Din</td>" in listed["Bos"]
    assert "<th scope='col'>Ägare</th><th scope='col'>Tillgång</th>" in page.table.value
    office = StartPage(stores["kerstin"], content)
    assert "Inloggad som <strong>kerstin</strong>, portföljkontoret" in office.children[0].value
    listed = rows(office.table.value)
    assert len(listed) == 4 and "<td>anna</td><td>Portföljkontoret: läsa</td>" in listed["Annas egen"]


def test_the_local_start_page_is_as_before(stores, content, saved):
    page = StartPage(stores["lokal"], content)
    assert "Inloggad" not in page.children[0].value
    table = page.table.value
    assert "Ägare" not in table and "Tillgång" not in table and len(rows(table)) == 4
    assert "<th scope='col'>Ifyllt</th></tr></thead>" in table


def test_an_import_that_is_refused_says_so_where_the_file_was_chosen(stores, content, saved):
    page = StartPage(stores["bo"], content)
    damaged_mark(stores["bo"].path).touch()  # the database refuses every write from now on
    upload = {"name": "fakturor.json", "type": "application/json", "size": 1, "content": INVOICE.read_bytes()}
    page._on_upload({"new": (upload,)})
    result = page.import_result.value
    assert "role='alert'" in result and "kunde inte importeras" in result and "skadad" in result


def test_the_portfolio_offers_a_change_only_where_the_user_may_change(stores, content, saved):
    page = PortfolioPage(stores["bo"], content)
    shown = list(page.state.shown["id"])
    assert set(shown) == {saved["read"], saved["edit"], saved["bos"]}
    offered = [value for _, value in page.choose.options]
    assert set(offered) == {saved["edit"], saved["bos"]}  # not the one shared to read
    indexes = [int(i) for i in re.findall(CHANGE, page.table.value)]
    # each row's Ändra picks the same initiative among the options; the read-only row has none
    names = re.findall(r"<th scope='row'[^>]*><a [^>]*>([^<]*)</a>( <button[^>]*>Ändra</button>)?", page.table.value)
    assert {name for name, button in names if not button} == {"Läses av Bo"}
    with_button = [shown[i] for i, (_, button) in enumerate(names) if button]
    assert [offered[i] for i in indexes] == with_button
    page.choose.value = saved["edit"]
    page.new_stage.value = "steg_3"
    page.save_chosen()
    assert "Sparat" in page.change_result.value
    assert stores["anna"].load(saved["edit"])[0].initiative.portfolio.stage == "steg_3"


def test_a_refused_portfolio_change_is_said_where_it_was_clicked(stores, content, saved):
    page = PortfolioPage(stores["bo"], content)
    page.choose.value = saved["edit"]
    stores["anna"].share(saved["edit"], "bo", "read")  # taken back to read after the page was drawn
    page.new_stage.value = "steg_3"
    page.save_chosen()
    result = page.change_result.value
    assert "role='alert'" in result and "Du får inte ändra portföljuppgifterna" in result
    assert stores["anna"].load(saved["edit"])[1] == 1


def test_the_office_changes_any_row_and_the_local_portfolio_is_as_before(stores, content, saved):
    for name in ("kerstin", "lokal"):
        page = PortfolioPage(stores[name], content)
        assert page.state.changeable is None
        assert [int(i) for i in re.findall(CHANGE, page.table.value)] == [0, 1, 2, 3]
        assert [value for _, value in page.choose.options] == list(page.state.shown["id"])
    page.choose.value = saved["own"]
    page.new_priority.value = "lag"
    page.save_chosen()
    assert "Sparat" in page.change_result.value


def test_workshops_are_listed_to_the_one_who_created_them(tmp_path):
    from nyttolib.survey.questionnaire import load_questionnaires

    questionnaire = next(iter(load_questionnaires()[0].values()))
    stores = {user.name: WorkshopStore(tmp_path, user=user) for user in (ANNA, BO, OFFICE, LOCAL)}
    try:
        annas = stores["anna"].create("Annas workshop", questionnaire.id, "2026-01-10")
        bos = stores["bo"].create("Bos workshop", questionnaire.id, "2026-02-10")
        later = stores["bo"].create("Bos nästa", questionnaire.id, "2026-03-10")
        assert [w.name for w in stores["anna"].listed_workshops()] == ["Annas workshop"]
        assert [w.name for w in stores["bo"].listed_workshops()] == ["Bos workshop", "Bos nästa"]
        for name in ("kerstin", "lokal"):
            assert [w.id for w in stores[name].listed_workshops()] == [annas.id, bos.id, later.id]
        from nyttolib.survey.report import earlier_workshops

        assert [w.id for w in earlier_workshops(stores["bo"], later)] == [bos.id]
        with pytest.raises(Exception, match="finns inte"):
            stores["bo"].set_compared_with(later.facilitator_code, [annas.id])
        # no account is needed to join or to facilitate: the codes open the workshop for anyone
        assert stores["bo"].by_join_code(annas.join_code).id == annas.id
        assert stores["bo"].by_facilitator_code(annas.facilitator_code).id == annas.id
        assert stores["bo"].join(annas.join_code)
    finally:
        for store in stores.values():
            store.close()


def test_a_reader_of_the_portfolio_is_told_why_nothing_can_be_changed(tmp_path, stores, content, saved):
    stores["anna"].share(saved["own"], "erik", "read")
    with PortfolioStore(tmp_path, content, user=User("erik", hub=True)) as store:
        page = PortfolioPage(store, content)
        assert list(page.state.shown["id"]) == [saved["own"]]
        assert not re.findall(CHANGE, page.table.value) and page.save_change.disabled
        assert "Inget av initiativen som visas kan du ändra här" in page.change_result.value
    office = PortfolioPage(stores["kerstin"], content)
    assert office.change_result.value == ""
