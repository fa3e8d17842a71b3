"""The portfolio page's tables as HTML: one string per table, so a page of 50 initiatives is one widget
rather than hundreds. Every user text is escaped; buttons in the table pick an option of a select outside
it (nyttolib.js: data-nyttolib-pick), so sorting and "Ändra" work by keyboard as ordinary buttons."""

from __future__ import annotations

import urllib.parse
from html import escape
from typing import TYPE_CHECKING, Any

from nyttolib import formatting as fmt
from nyttolib.content import Content
from nyttolib.portfolio.queries import COLUMNS, NO_VALUE, Funding

if TYPE_CHECKING:
    import pandas as pd

FORM_PAGE = "bedomning.ipynb"
NUMBER_COLUMNS = {"cost_kr", "net_kr", "annual_realisable_net_kr", "completeness_percent"}
LIGHT_SYMBOLS = {"green": "●", "yellow": "▲", "red": "■", "none": "○"}
# Where a long heading may break (soft hyphens at its compound's seam), so thirteen columns fit 1280 px.
HEADING_BREAKS = {
    "Utvecklingsärende": "Utvecklings\u00adärende",
    "Verksamhet": "Verksam\u00adhet",
    "Prioriteringsgrund": "Prioriterings\u00adgrund",
    "Nyttovärdering": "Nytto\u00advärdering",
    "Nettonytta (kalkylen)": "Netto\u00adnytta (kalkylen)",
    "Årlig realiserbar nettonytta": "Årlig realiserbar netto\u00adnytta",
    "Uppföljning": "Upp\u00adföljning",
}
SORT_TARGET = "nyttolib-portfolio-sort"
CHANGE_TARGET = "nyttolib-portfolio-choose"


def form_link(assessment_id: str) -> str:
    return f"{FORM_PAGE}?{urllib.parse.urlencode({'id': assessment_id})}"


def _missing(value: Any) -> bool:
    """None, NaN or pandas' NA (an empty cell of the frame)."""
    import pandas as pd

    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def kr(value: Any) -> str:
    return NO_VALUE if _missing(value) else fmt.kr(float(value))


def cell_text(column: str, value: Any) -> str:
    """A table value as users read it (amounts in kr, percent, "–" for nothing given)."""
    if _missing(value) or value == "":
        return NO_VALUE
    if column in {"cost_kr", "net_kr", "annual_realisable_net_kr"}:
        return fmt.kr(float(value))
    if column == "completeness_percent":
        return fmt.percent(float(value))
    if column == "year":
        return str(int(value))
    return str(value)


def sort_options() -> list[tuple[str, tuple[str, bool]]]:
    """The sort select's options: every column ascending and descending (the header buttons pick them)."""
    options = []
    for column, heading in COLUMNS.items():
        options.append((f"{heading}, stigande", (column, False)))
        options.append((f"{heading}, fallande", (column, True)))
    return options


def _header(column: str, heading: str, sort_column: str, descending: bool) -> str:
    options = [value for _, value in sort_options()]
    sorted_here = column == sort_column
    next_descending = not descending if sorted_here else False
    index = options.index((column, next_descending))
    state = ""
    if sorted_here:
        state = f" aria-sort='{'descending' if descending else 'ascending'}'"
    arrow = ("▼" if descending else "▲") if sorted_here else ""
    how = "fallande" if next_descending else "stigande"
    css = f" class='nyttolib-col-{column}{' nyttolib-number' if column in NUMBER_COLUMNS else ''}'"
    return (
        f"<th scope='col'{state}{css}><button type='button' class='nyttolib-sort-button' "
        f"data-nyttolib-pick='{SORT_TARGET}' data-nyttolib-index='{index}' data-nyttolib-key='sort-{column}' "
        f"aria-label='{escape(heading, quote=True)}, sortera {how}'>{escape(HEADING_BREAKS.get(heading, heading))}"
        f"<span aria-hidden='true' class='nyttolib-sort-arrow'>{arrow}</span></button></th>"
    )


def _change_button(name: str, change_index: int) -> str:
    """A row's "Ändra": picks the initiative in the change panel and moves the focus to its stage."""
    return (
        " <button type='button' class='nyttolib-change-button' "
        f"data-nyttolib-pick='{CHANGE_TARGET}' data-nyttolib-index='{change_index}' "
        f"data-nyttolib-focus-after='{CHANGE_TARGET}-stage' "
        f"aria-label='Ändra steg eller prioriteringsgrund för {escape(name, quote=True)}'>Ändra</button>"
    )


def _row(record: dict[str, Any], change_index: int | None) -> str:
    cells = []
    for column, heading in COLUMNS.items():
        text = cell_text(column, record.get(column))
        label = f" data-label='{escape(heading, quote=True)}'"
        if column == "name":
            name = record.get("name") or "(namnlöst initiativ)"
            cells.append(
                f"<th scope='row'{label}><a href='{escape(form_link(record['id']), quote=True)}'>{escape(name)}</a>"
                f"{'' if change_index is None else _change_button(name, change_index)}</th>"
            )
        elif column == "light_label":
            light = record.get("light") or "none"
            cells.append(
                f"<td{label} class='nyttolib-light-{escape(light)}'><span aria-hidden='true'>"
                f"{LIGHT_SYMBOLS.get(light, '○')}</span> {escape(text)}</td>"
            )
        else:
            css = " class='nyttolib-number'" if column in NUMBER_COLUMNS else ""
            cells.append(f"<td{label}{css}>{escape(text)}</td>")
    return "<tr>" + "".join(cells) + "</tr>"


def initiatives_table(
    page_rows: pd.DataFrame,
    *,
    offset: int,
    total: int,
    sort_column: str,
    descending: bool,
    caption: str,
    change_positions: dict[str, int] | None = None,
) -> str:
    """One page of the initiative table; `offset` is the first row's place in the filtered list (the index
    of its option in the change panel's select). With `change_positions` (a user who may change only some),
    only those rows get "Ändra", picking their place among the panel's options."""
    headers = "".join(_header(c, h, sort_column, descending) for c, h in COLUMNS.items())
    records = page_rows.to_dict("records")
    if change_positions is None:
        indexes = [offset + index for index in range(len(records))]
    else:
        indexes = [change_positions.get(record["id"]) for record in records]
    body = "".join(_row(record, index) for record, index in zip(records, indexes, strict=True))
    shown = f"{offset + 1}–{offset + len(page_rows)} av {total}" if total else "0"
    return (
        # A narrow window scrolls the table inside its own box (a keyboard user scrolls it with the arrows).
        "<div class='nyttolib-portfolio-scroll' role='region' tabindex='0' aria-label='Tabellen med initiativ'>"
        f"<table class='nyttolib-table nyttolib-portfolio-table'><caption>{escape(caption)} "
        f"<span class='nyttolib-caption-count'>(visar {shown})</span></caption>"
        f"<thead><tr>{headers}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def simple_table(caption: str, headings: list[str], rows: list[list[str]], numbers: set[int]) -> str:
    """A small data table: the first column names the row, columns in `numbers` are right-aligned."""
    number_css = " class='nyttolib-number'"
    head = "".join(
        f"<th scope='col'{number_css if i in numbers else ''}>{escape(h)}</th>" for i, h in enumerate(headings)
    )
    body = []
    for row in rows:
        cells = [f"<th scope='row'>{escape(row[0])}</th>"]
        for i, value in enumerate(row[1:], start=1):
            css = " class='nyttolib-number'" if i in numbers else ""
            cells.append(f"<td data-label='{escape(headings[i], quote=True)}'{css}>{escape(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table class='nyttolib-table'><caption>{escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def funnel_table(funnel: pd.DataFrame) -> str:
    rows = [[r["label"], fmt.number(r["count"]), fmt.kr(r["cost_kr"])] for r in funnel.to_dict("records")]
    rows.append(["Totalt", fmt.number(int(funnel["count"].sum())), fmt.kr(float(funnel["cost_kr"].sum()))])
    return simple_table("Initiativ per steg", ["Steg", "Antal", "Kostnad"], rows, {1, 2})


def share_text(value: float | None) -> str:
    return NO_VALUE if value is None else fmt.percent(value)


def balance_tables(balance: pd.DataFrame, shares: list[tuple[str, str, float | None, float | None]]) -> str:
    """Per axis: its five cells with count, share of count and share of cost; then the mean positions."""
    parts = []
    for _axis_id, cells in balance.groupby("axis", sort=False):
        records = cells.to_dict("records")
        rows = [
            [
                f"{r['level']}. {r['cell']}",
                fmt.number(r["count"]),
                fmt.percent(r["count_percent"]),
                fmt.kr(r["cost_kr"]),
                fmt.percent(r["cost_percent"]),
            ]
            for r in records
        ]
        table = simple_table(
            records[0]["axis_label"],
            ["Läge", "Antal", "Andel av antal", "Kostnad", "Andel av kostnad"],
            rows,
            {1, 2, 3, 4},
        )
        unclassified = records[0]["unclassified"]
        if unclassified:
            table += f"<p>{fmt.number(unclassified)} initiativ är inte klassificerade på axeln.</p>"
        parts.append(table)
    mean_rows = [
        [f"{left} – {right}", share_text(counted), share_text(weighted)] for left, right, counted, weighted in shares
    ]
    parts.append(
        simple_table(
            "Andel till höger på varje axel", ["Axel", "Räknat i antal", "Viktat med kostnad"], mean_rows, {1, 2}
        )
    )
    return "".join(parts)


def per_year_table(per_year: pd.DataFrame) -> str:
    rows = [
        [
            str(int(r["year"])),
            fmt.kr(r["cost_kr"]),
            fmt.kr(r["realisable_benefit_kr"]),
            fmt.kr(r["realised_benefit_kr"]),
            fmt.kr(r["net_kr"]),
        ]
        for r in per_year.to_dict("records")
    ]
    table = simple_table(
        "Kostnader och nyttor per kalenderår",
        ["År", "Kostnader", "Realiserbar nytta (planerad)", "Realiserad nytta", "Netto (planerat)"],
        rows,
        {1, 2, 3, 4},
    )
    unplaced = per_year.attrs.get("unplaced", 0)
    if unplaced:
        table += (
            f"<p>{fmt.number(unplaced)} initiativ har en kalkyl utan känt startår och räknas inte per "
            "kalenderår. Ange kalkylens första år i bedömningen.</p>"
        )
    return table


def funding_text(funding: Funding) -> str:
    used = fmt.kr(funding.used_kr)
    if funding.budget_kr is None:
        return f"<p>Centrala medel i de filtrerade initiativen: <strong>{used}</strong>.</p>"
    left = funding.left_kr or 0.0
    share = funding.used_percent
    remaining = (
        f"Kvar av budgeten: <strong>{fmt.kr(left)}</strong>."
        if left >= 0
        else f"<strong>Budgeten överskrids med {fmt.kr(-left)}.</strong>"
    )
    used_share = f" ({fmt.percent(share)} av budgeten)" if share is not None else ""
    return (
        f"<p>Centrala medel i de filtrerade initiativen: <strong>{used}</strong>{used_share} av en budget på "
        f"{fmt.kr(funding.budget_kr)}. {remaining}</p>"
    )


def _amount(value: float) -> str:
    return fmt.number(value, 0 if float(value).is_integer() else 1)


def indicator_tables(totals: pd.DataFrame, content: Content) -> str:
    parts = []
    for indicator in content.portfolio.indicators:
        own = totals[totals["indicator"] == indicator.id].to_dict("records")
        parts.append(f"<h3>{escape(indicator.label)}</h3><p>{escape(indicator.description)}</p>")
        if indicator.purpose:
            parts.append(f"<p><strong>Syfte:</strong> {escape(indicator.purpose)}</p>")
        if not own:
            parts.append("<p>Inget av de filtrerade initiativen anger något bidrag till indikatorn.</p>")
            continue
        rows = [
            [
                NO_VALUE if _missing(r["year"]) else str(int(r["year"])),
                f"{_amount(r['expected'])} {r['unit']}",
                f"{_amount(r['realised'])} {r['unit']}",
                fmt.number(r["initiatives"]),
            ]
            for r in own
        ]
        parts.append(
            simple_table(
                f"{indicator.label}: bidrag per år",
                ["År", "Förväntat bidrag", "Uppnått bidrag", "Antal bidrag"],
                rows,
                {1, 2, 3},
            )
        )
    return "".join(parts)


def figure(png: bytes, alt: str, caption: str) -> str:
    import base64

    data = base64.b64encode(png).decode("ascii")
    return (
        f"<figure class='nyttolib-chart'><img src='data:image/png;base64,{data}' alt='{escape(alt, quote=True)}'>"
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


# -- Prioritering ---------------------------------------------------------------------------------


def plan_link(assessment_id: str) -> str:
    """The assessment's realisation plan in the form (the form opens at `?steg=`)."""
    return f"{FORM_PAGE}?{urllib.parse.urlencode({'id': assessment_id, 'steg': 'plan'})}"


def _name_link(assessment_id: str, name: str | None, href: str | None = None) -> str:
    href = href or form_link(assessment_id)
    return f"<a href='{escape(href, quote=True)}'>{escape(name or '(namnlöst initiativ)')}</a>"


def _cells(
    headings: list[str], values: list[str], numbers: set[int], raw: set[int] = frozenset(), header: int = 0
) -> str:
    """One body row: the value at `header` names the row (a th); `raw` values are markup made here, the
    rest are escaped."""
    cells = []
    for index, value in enumerate(values):
        text = value if index in raw else escape(value)
        css = " class='nyttolib-number'" if index in numbers else ""
        if index == header:
            cells.append(f"<th scope='row'{css}>{text}</th>")
        else:
            cells.append(f"<td data-label='{escape(headings[index], quote=True)}'{css}>{text}</td>")
    return "<tr>" + "".join(cells) + "</tr>"


def _table(caption: str, headings: list[str], body: list[str], numbers: set[int], css: str) -> str:
    number_css = " class='nyttolib-number'"
    head = "".join(
        f"<th scope='col'{number_css if i in numbers else ''}>{escape(h)}</th>" for i, h in enumerate(headings)
    )
    return (
        f"<table class='nyttolib-table nyttolib-portfolio-list {css}'><caption>{escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


RANKING_HEADINGS = [
    "Plats",
    "Nr",
    "Utvecklingsärende",
    "Prioriteringsgrund",
    "Nyttovärdering",
    "Årlig realiserbar nettonytta",
    "Skäl till platsen",
]


def ranking_table(ranking: Any, caption: str) -> str:
    """The ranked list with the reason for every place in words, and what is not in it and why."""
    from nyttolib.portfolio.prioritisation import plain_score

    body = []
    for position in ranking.positions:
        row = position.row
        priority = f"{position.priority_rank}. {position.priority_label}" if position.priority_rank else "Ingen angiven"
        valuation = f"{plain_score(position.valuation.score)} av {plain_score(position.valuation.maximum)}"
        body.append(
            _cells(
                RANKING_HEADINGS,
                [
                    str(position.place),
                    row.get("number") or NO_VALUE,
                    _name_link(row["id"], row.get("name")),
                    priority,
                    valuation,
                    kr(row.get("annual_realisable_net_kr")),
                    position.reason,
                ],
                {0, 5},
                raw={2},
                header=2,
            )
        )
    notes = "".join(f"<p>{escape(note)}</p>" for note in ranking.notes)
    if not body:
        return "<p>Inget av de filtrerade initiativen står i ett steg som prioriteras.</p>" + notes
    return _table(caption, RANKING_HEADINGS, body, {0, 5}, "nyttolib-ranking-table") + notes


SELECTION_HEADINGS = ["Plats", "Utvecklingsärende", "Nr", "Kostnad året", "Nyttovärdering", "Kommentar"]


def _selection_rows(entries: list[Any], content: Content) -> list[str]:
    from nyttolib.portfolio.prioritisation import plain_score

    texts = content.portfolio.prioritisation.texts
    rows = []
    for entry in entries:
        row = entry.position.row
        notes = [entry.reason] if entry.reason else []
        if entry.from_listing:
            notes.append(texts.cost_from_listing)
        rows.append(
            _cells(
                SELECTION_HEADINGS,
                [
                    str(entry.position.place),
                    _name_link(row["id"], row.get("name")),
                    row.get("number") or NO_VALUE,
                    fmt.kr(entry.cost_kr),
                    plain_score(entry.position.valuation.score),
                    "; ".join(notes) or NO_VALUE,
                ],
                {0, 3, 4},
                raw={1},
                header=1,
            )
        )
    return rows


def selection_html(selection: Any, content: Content, key: str) -> str:
    """One answer to the budget question: its rule, what is in, what is left out and why, its sum."""
    texts = content.portfolio.prioritisation.texts
    parts = [
        f"<section class='nyttolib-selection' aria-labelledby='nyttolib-selection-{key}'>",
        f"<h4 id='nyttolib-selection-{key}'>{escape(selection.title)}</h4><p>{escape(selection.rule)}</p>",
        f"<p role='status'><strong>{escape(selection.summary(content))}</strong></p>",
    ]
    if not selection.selected:
        parts.append(f"<p>{escape(texts.nothing_selected)}</p>")
    for title, entries in ((texts.selected_title, selection.selected), (texts.left_out_title, selection.left_out)):
        if entries:
            rows = _selection_rows(entries, content)
            parts.append(
                _table(f"{title} ({len(entries)})", SELECTION_HEADINGS, rows, {0, 3, 4}, "nyttolib-selection-table")
            )
    if selection.note:
        parts.append(f"<p>{escape(selection.note)}</p>")
    parts.append("</section>")
    return "".join(parts)


def budget_html(result: Any, content: Content) -> str:
    """The budget question's answer: (a) in order, (b) the best selection, how they compare, the notes."""
    parts = [f"<h4>{escape(result.title)}</h4><p>{escape(result.cost_rule)}</p>"]
    parts.append(selection_html(result.in_order, content, "in-order"))
    parts.append(selection_html(result.optimum, content, "optimum"))
    parts.append(f"<p><strong>{escape(result.comparison)}</strong></p>")
    parts.extend(f"<p>{escape(note)}</p>" for note in result.notes)
    return "".join(parts)


def disclaimer_html(text: str) -> str:
    return f"<p class='nyttolib-disclaimer'><strong>Underlag, inte beslut:</strong> {escape(text)}</p>"


# -- Uppföljning ----------------------------------------------------------------------------------

REGISTER_HEADINGS = [
    "Nytta",
    "Utvecklingsärende",
    "Nr",
    "Ansvarig",
    "Mätetal, nuläge och mål",
    "Senaste mätning",
    "Ljus",
    "Nästa mätning",
]
REGISTER_LIMIT = 300  # rows drawn at once; the filters narrow a larger register


def _date_html(day: Any) -> str:
    """A date that never breaks at its hyphens."""
    return f"<span class='nyttolib-nowrap'>{day.isoformat()}</span>"


def _latest(item: Any) -> str:
    """The latest measurement as markup: its value and (unbreakable) date."""
    from nyttolib.portfolio.register import figure

    if item.latest_date:
        return f"{escape(figure(item.latest_value))} ({_date_html(item.latest_date)})"
    return NO_VALUE if item.latest_value is None else f"{escape(figure(item.latest_value))} (utan datum)"


def _measure(item: Any) -> str:
    """The unit, the baseline and the target with its date, as markup (user text escaped)."""
    from nyttolib.portfolio.register import figure

    target = f"mål {escape(figure(item.target))}"
    if item.target_date:
        target += f" senast {_date_html(item.target_date)}"
    if item.target_passed:
        target += " (passerat utan att målet nåtts)"
    return f"{escape(item.unit or NO_VALUE)}: nuläge {escape(figure(item.baseline))}, {target}"


def _register_row(item: Any) -> str:
    from nyttolib.portfolio.register import Interval

    interval = Interval(item.interval, None, item.interval_label, item.interval_inferred).text
    light = (
        f"<span class='nyttolib-light-{escape(item.light)}'><span aria-hidden='true'>"
        f"{LIGHT_SYMBOLS.get(item.light, '○')}</span> {escape(item.light_label)}</span>"
    )
    due = f"<span class='nyttolib-due-{escape(item.due.state)}'>{escape(item.due.label)}</span>"
    return _cells(
        REGISTER_HEADINGS,
        [
            item.benefit or "(nytta utan beskrivning)",
            _name_link(item.assessment_id, item.name, plan_link(item.assessment_id)),
            item.number or NO_VALUE,
            item.responsible or NO_VALUE,
            _measure(item),
            _latest(item),
            light,
            f"{due}<br>Mäts: {escape(interval)}",
        ],
        set(),
        raw={1, 4, 5, 6, 7},
    )


def register_html(register: Any, limit: int = REGISTER_LIMIT) -> str:
    """The register's counts and its rows, most urgent first (at most `limit` drawn)."""
    from nyttolib.portfolio.register import NO_INTERVAL

    entries = register.entries
    counts = register.counts()
    initiatives = len({item.assessment_id for item in entries})
    summary = (
        f"{fmt.number(len(entries))} nyttor i {fmt.number(initiatives)} initiativ, {register.today.isoformat()}. "
        f"Försenade: {counts['overdue']} · dags att mäta: {counts['due']} · inte dags: {counts['not_due']}"
        f" · {NO_INTERVAL}: {counts['no_interval']}."
    )
    parts = [f"<p role='status'>{escape(summary)}</p>"]
    if not entries:
        words = register.filters.describe()
        parts.append("<p>Inga nyttor i registret" + (" med de här filtren." if words else ".") + "</p>")
        return "".join(parts)
    shown = entries[:limit]
    if len(entries) > limit:
        parts.append(
            f"<p>Tabellen visar de {fmt.number(limit)} mest brådskande av {fmt.number(len(entries))} nyttor. "
            "Smalna av med filtren för att se de övriga.</p>"
        )
    parts.append(
        _table(
            f"Nyttoregister {register.today.isoformat()}",
            REGISTER_HEADINGS,
            [_register_row(item) for item in shown],
            set(),
            "nyttolib-register-table",
        )
    )
    if register.unreadable:
        names = ", ".join(name or assessment_id for assessment_id, name in register.unreadable)
        parts.append(f"<p class='nyttolib-error'>Kunde inte läsas och saknas i registret: {escape(names)}</p>")
    return "".join(parts)


def economics_html(economics: Any, initiatives: int) -> str:
    """Planned against realised economic benefit per year, its sum, and the rule in words."""
    rows = [
        [
            year.year,
            fmt.kr(year.planned_kr),
            fmt.kr(year.realised_kr),
            NO_VALUE if year.realised_percent is None else fmt.percent(year.realised_percent),
        ]
        for year in economics.per_year
    ]
    parts = []
    if rows:
        planned = sum(y.planned_kr for y in economics.per_year)
        realised = sum(y.realised_kr for y in economics.per_year)
        share = fmt.percent(100.0 * realised / planned) if planned else NO_VALUE
        rows.append(["Summa", fmt.kr(planned), fmt.kr(realised), share])
        parts.append(
            simple_table(
                f"Per kalenderår, över {fmt.number(initiatives)} initiativ",
                ["År", "Planerad nytta", "Realiserad nytta", "Andel realiserad"],
                rows,
                {1, 2, 3},
            )
        )
    else:
        parts.append("<p>Ingen planerad ekonomisk nytta med kalenderår i de filtrerade initiativen.</p>")
    if economics.without_year_count:
        parts.append(
            f"<p>{fmt.number(economics.without_year_count)} initiativ har {fmt.kr(economics.without_year_kr)} "
            "planerad nytta utan kalenderår (inget startår eller År i kalkylen) och kan inte fördelas på år.</p>"
        )
    parts.append(f"<p><strong>Så räknas det:</strong> {escape(economics.rule)}</p>")
    return "".join(parts)
