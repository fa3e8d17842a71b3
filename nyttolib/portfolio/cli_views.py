"""`nyttolib portfolio list | summary | export`: the portfolio as a terminal table, its figures, its files.

All three take the same filters (--year, --department, --stage, --kind, --priority, --light, --text).
A filter value that does not exist (a stage id not in the content) is invalid input (exit 1) and the
message lists the valid ones. What is printed reaches the terminal through the CLI's TerminalSafe
writer, and every cell is made terminal-safe before it is measured, so a name cannot colour the screen,
move the cursor or break the table's columns.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from nyttolib import formatting as fmt
from nyttolib.content import Content
from nyttolib.exitcodes import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from nyttolib.portfolio.queries import Filters
from nyttolib.portfolio.rows import LIGHT_ORDER
from nyttolib.portfolio.store import PortfolioStore
from nyttolib.text import BIDI_CONTROLS, terminal_safe

#: Also in Swedish, as the page shows them.
LIGHT_WORDS = {"röd": "red", "gul": "yellow", "grön": "green", "ingen": "none"}


class FilterError(ValueError):
    """A filter value that matches nothing the portfolio knows (said in Swedish, with the valid ones)."""


def _add_filters(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("urval (kan upprepas; flera värden av samma slag: något av dem)")
    group.add_argument("--year", action="append", type=int, default=[], metavar="ÅR", help="portföljlistans År")
    group.add_argument("--department", action="append", default=[], metavar="VERKSAMHET", help="verksamhet")
    group.add_argument("--stage", action="append", default=[], metavar="STEG", help="stegets id, t.ex. steg_0")
    group.add_argument("--kind", action="append", default=[], metavar="TYP", help="typens id, t.ex. forstudie")
    group.add_argument(
        "--priority", action="append", default=[], metavar="GRUND", help="prioriteringsgrundens id, t.ex. lag"
    )
    group.add_argument(
        "--light", action="append", default=[], metavar="LJUS", help="uppföljningens ljus: röd, gul, grön, ingen"
    )
    group.add_argument("--text", default="", metavar="TEXT", help="text i Nr, namn, verksamhet, ägare, projektnr")


def add_parsers(actions: argparse._SubParsersAction) -> None:
    listing = actions.add_parser("list", help="lista initiativen i portföljen (tabell eller JSON)")
    listing.add_argument("--json", action="store_true", help="skriv initiativen som JSON")
    _add_filters(listing)
    summary = actions.add_parser("summary", help="portföljens summering: steg, år, balans, medel, indikatorer")
    summary.add_argument("--json", action="store_true", help="skriv summeringen som JSON")
    summary.add_argument("--budget", metavar="KR", help="budget för centrala medel (2 %%-medel), t.ex. 5 000 000")
    _add_filters(summary)
    export = actions.add_parser("export", help="portföljrapport (html, pdf) och tabellen (xlsx, csv)")
    export.add_argument("--format", default="html,pdf,xlsx,csv", help="ett eller flera av html,pdf,xlsx,csv")
    export.add_argument("--out", metavar="MAPP", required=True, help="mapp att skriva till")
    export.add_argument("--budget", metavar="KR", help="budget för centrala medel (2 %%-medel)")
    _add_filters(export)


# -- filters -----------------------------------------------------------------------------------------


def _ids(given: list[str], choices: list[Any], what: str) -> tuple[str, ...]:
    valid = {choice.id for choice in choices}
    unknown = [value for value in given if value not in valid]
    if unknown:
        listed = ", ".join(f"{choice.id} ({choice.label})" for choice in choices)
        shown = ", ".join(f"'{value}'" for value in unknown)
        raise FilterError(f"Det finns inget {what} {shown}. Giltiga: {listed}.")
    return tuple(dict.fromkeys(given))


def _departments(given: list[str], known_values: Any) -> tuple[str, ...]:
    """Verksamheter as typed, matched to those in the portfolio regardless of case and outer spaces."""
    known = sorted({value for value in known_values if isinstance(value, str) and value})
    by_key = {name.casefold(): name for name in known}
    found, unknown = [], []
    for value in given:
        match = by_key.get(value.strip().casefold())
        (found if match else unknown).append(match or value)
    if unknown:
        listed = "; ".join(known[:30]) + (f" … ({len(known)} i allt)" if len(known) > 30 else "")
        shown = ", ".join(f"'{value}'" for value in unknown)
        raise FilterError(f"Ingen verksamhet i portföljen heter {shown}. Verksamheter: {listed or 'inga angivna'}.")
    return tuple(dict.fromkeys(found))


def _lights(given: list[str]) -> tuple[str, ...]:
    chosen = []
    for value in given:
        key = value.strip().casefold()
        colour = LIGHT_WORDS.get(key, key)
        if colour not in LIGHT_ORDER:
            raise FilterError(
                f"Det finns inget ljus '{value}'. Giltiga: röd, gul, grön, ingen (eller red, yellow, green, none)."
            )
        chosen.append(colour)
    return tuple(dict.fromkeys(chosen))


def filters_from(args: argparse.Namespace, content: Content, data: Any) -> Filters:
    """The filters the arguments give; `data` is the store's portfolio_data() (its verksamheter)."""
    ic = content.initiative
    readable = data.table[data.table["unreadable"].isna()]
    return Filters(
        years=tuple(dict.fromkeys(args.year)),
        departments=_departments(args.department, readable["department"].tolist()) if args.department else (),
        stages=_ids(args.stage, ic.portfolio_stages, "steg"),
        kinds=_ids(args.kind, ic.kinds, "typ"),
        priority_classes=_ids(args.priority, ic.priority_classes, "prioriteringsgrund"),
        lights=_lights(args.light),
        text=args.text,
    )


def _budget(text: str | None) -> float | None:
    from nyttolib.numbers import parse_number

    if text is None:
        return None
    try:
        value = parse_number(text, unit="kr")
    except ValueError as exc:
        raise FilterError(f"Budgeten '{text}' går inte att läsa: {exc}") from None
    if value is None or value < 0:
        raise FilterError(f"Budgeten '{text}' ska vara ett belopp i kronor, 0 eller mer.")
    return value


# -- list --------------------------------------------------------------------------------------------


def cell(text: Any, width: int) -> str:
    """A table cell of at most `width` characters: terminal-safe first (so escapes are counted as the
    visible codes they become), one line, cut with "…"."""
    shown = terminal_safe(str(text), keep_newlines=False)
    return shown if len(shown) <= width else shown[: width - 1] + "…"


#: (heading, width, right-aligned, value of a table record)
LIST_COLUMNS: list[tuple[str, int, bool, Callable[[dict[str, Any]], Any]]] = [
    ("Nr", 8, False, lambda r: r["number"] or "–"),
    ("År", 4, False, lambda r: "–" if r["year"] is None or str(r["year"]) == "<NA>" else int(r["year"])),
    ("Utvecklingsärende", 40, False, lambda r: r["name"] or "(namnlöst)"),
    ("Verksamhet", 22, False, lambda r: r["department"] or "–"),
    ("Steg", 24, False, lambda r: r["stage_label"]),
    ("Kostnad", 15, True, lambda r: fmt.kr(r["cost_kr"])),
    ("Nettonytta", 15, True, lambda r: fmt.kr(r["net_kr"])),
    ("Ifyllt", 6, True, lambda r: fmt.percent(r["completeness_percent"])),
    ("Uppföljning", 18, False, lambda r: r["light_label"].split(" – ")[0]),
]


def table_lines(records: list[dict[str, Any]]) -> list[str]:
    def line(values: list[str]) -> str:
        parts = []
        for (_, width, right, _), value in zip(LIST_COLUMNS, values, strict=True):
            text = cell(value, width)
            parts.append(text.rjust(width) if right else text.ljust(width))
        return "  ".join(parts).rstrip()

    lines = [line([heading for heading, *_ in LIST_COLUMNS])]
    lines.append("  ".join("-" * width for _, width, _, _ in LIST_COLUMNS))
    lines += [line([value(record) for *_, value in LIST_COLUMNS]) for record in records]
    return lines


def _list_json(records: list[dict[str, Any]], content: Content) -> list[dict[str, Any]]:
    criteria = [c.id for c in content.initiative.valuation_criteria]
    return [
        {
            "id": r["id"],
            "number": r["number"],
            "year": None if r["year"] is None or str(r["year"]) == "<NA>" else int(r["year"]),
            "name": r["name"],
            "department": r["department"],
            "owner": r["owner"],
            "project_number": r["project_number"],
            "stage": r["stage"],
            "stage_label": r["stage_label"],
            "kind": r["kind"],
            "priority_class": r["priority_class"],
            "valuation": {c: _int_or_none(r.get(f"valuation_{c}")) for c in criteria},
            "cost_kr": float(r["cost_kr"]),
            "net_kr": float(r["net_kr"]),
            "annual_realisable_net_kr": float(r["annual_realisable_net_kr"]),
            "completeness_percent": float(r["completeness_percent"]),
            "light": r["light"],
        }
        for r in records
    ]


def json_text(data: Any) -> str:
    """JSON that reads back exactly and is safe on a terminal: the characters a terminal would obey or
    that reorder a line (DEL, C1 controls, bidi controls, line and paragraph separators) as \\u escapes,
    which JSON reads as the same characters; Swedish letters stay as they are."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029" + "".join(sorted(BIDI_CONTROLS)) + "]")


def _int_or_none(value: Any) -> int | None:
    import pandas as pd

    return None if value is None or pd.isna(value) else int(value)


def _list(args: argparse.Namespace, store: PortfolioStore, out: TextIO, err: TextIO) -> int:
    from nyttolib.portfolio.overview import in_order, overview

    content = store.content
    data = store.portfolio_data()
    view = overview(data, content, filters_from(args, content, data))
    records = in_order(view).to_dict("records")
    if args.json:
        print(json_text(_list_json(records, content)), file=out)
        return EXIT_OK
    if not records:
        empty = f"Portföljen är tom: inga bedömningar i {store.where}."
        print("Inga initiativ i urvalet." if len(data.table) else empty, file=out)
        return EXIT_OK
    for text in table_lines(records):
        print(text, file=out)
    print(f"\n{len(records)} initiativ · kostnad {fmt.kr(view.total_cost_kr)}", file=out)
    _unreadable_note(view, err)
    return EXIT_OK


def _unreadable_note(view: Any, err: TextIO) -> None:
    for item in view.unreadable:
        print(f"Bedömningen {item.id} går inte att läsa och räknas inte med (se nyttolib history).", file=err)


# -- summary -----------------------------------------------------------------------------------------


def summary_lines(view: Any, content: Content) -> list[str]:
    """The summary in words and columns, as the terminal shows it."""
    from nyttolib.portfolio.overview import axis_positions
    from nyttolib.portfolio.report import filter_text

    lines = [
        f"Portföljen: {view.count} initiativ, kostnad (totalt) {fmt.kr(view.total_cost_kr)}",
        f"Urval: {filter_text(view.filters, content)}",
        f"Nettonytta enligt kalkylerna: {fmt.kr(view.net_kr)}; "
        f"årlig realiserbar nettonytta: {fmt.kr(view.annual_realisable_net_kr)}",
        "",
        "Per steg:",
    ]
    for stage in view.funnel.to_dict("records"):
        lines.append(f"  {cell(stage['label'], 40):<40} {stage['count']:>6}  {fmt.kr(stage['cost_kr']):>18}")
    lines += ["", "Per år (portföljlistans År):"]
    for year in view.by_year.to_dict("records"):
        shown = "–" if year["year"] is None or str(year["year"]) == "<NA>" else str(int(year["year"]))
        lines.append(f"  {shown:<40} {int(year['count']):>6}  {fmt.kr(year['cost_kr']):>18}")
    lines += ["", "Kostnader och nytta per kalenderår (kalkylerna):"]
    if len(view.per_year):
        lines.append(f"  {'År':<6}{'Kostnader':>18}{'Realiserbar nytta':>20}{'Realiserad nytta':>20}{'Nettonytta':>18}")
        for y in view.per_year.to_dict("records"):
            lines.append(
                f"  {int(y['year']):<6}{fmt.kr(y['cost_kr']):>18}{fmt.kr(y['realisable_benefit_kr']):>20}"
                f"{fmt.kr(y['realised_benefit_kr']):>20}{fmt.kr(y['net_kr']):>18}"
            )
    else:
        lines.append("  Inga kalkyler med kostnader eller nytta i urvalet.")
    unplaced = int(view.per_year.attrs.get("unplaced", 0))
    if unplaced:
        lines.append(f"  {unplaced} kalkyler utan känt startår räknas inte per år.")
    lines += ["", "Portföljens balans (läge 0 % = vänster, 100 % = höger):"]
    for position in axis_positions(view, content):

        def share(value: float | None) -> str:
            return "–" if value is None else fmt.percent(value)

        counts = view.balance[view.balance["axis"] == position["axis"]]["count"].tolist() if len(view.balance) else []
        lines.append(
            f"  {position['left']} – {position['right']}: {share(position['right_share_percent'])} i antal, "
            f"{share(position['right_share_cost_percent'])} viktat med kostnad; per ruta: "
            + " · ".join(str(int(c)) for c in counts)
            + (f" ({position['unclassified']} inte placerade)" if position["unclassified"] else "")
        )
    funding = view.funding
    text = f"Centrala medel: {fmt.kr(funding.used_kr)} sökta"
    if funding.budget_kr is not None:
        text += f" av budgeten {fmt.kr(funding.budget_kr)}; kvar {fmt.kr(funding.left_kr)}"
    lines += ["", text, "", "Indikatorer:"]
    for indicator in content.portfolio.indicators:
        years = view.indicators[view.indicators["indicator"] == indicator.id].to_dict("records")
        lines.append(f"  {indicator.label}")
        if not years:
            lines.append("    inget bidrag angivet")
        for y in years:
            year = "inget år" if y["year"] is None or y["year"] != y["year"] else str(int(y["year"]))
            lines.append(
                f"    {year}: förväntat {fmt.number(y['expected'])}, uppnått {fmt.number(y['realised'])} "
                f"{indicator.unit} ({int(y['initiatives'])} initiativ)"
            )
    return lines


def _summary(args: argparse.Namespace, store: PortfolioStore, out: TextIO, err: TextIO) -> int:
    from nyttolib.portfolio.overview import overview, summary_json

    content = store.content
    data = store.portfolio_data()
    view = overview(data, content, filters_from(args, content, data), _budget(args.budget))
    if args.json:
        print(json_text(summary_json(view, content)), file=out)
    else:
        for line in summary_lines(view, content):
            print(line, file=out)
    _unreadable_note(view, err)
    return EXIT_OK


# -- export ------------------------------------------------------------------------------------------


def _export(args: argparse.Namespace, store: PortfolioStore, out: TextIO, err: TextIO) -> int:
    from nyttolib.exports.batch import parse_formats
    from nyttolib.portfolio.export import FORMATS, write_exports
    from nyttolib.portfolio.overview import overview
    from nyttolib.portfolio.report_sections import contributed_sections

    try:
        formats = parse_formats(args.format, FORMATS)
    except ValueError as exc:
        print(f"nyttolib portfolio export: {exc}", file=err)
        return EXIT_USAGE
    content = store.content
    data = store.portfolio_data()
    filters = filters_from(args, content, data)
    view = overview(data, content, filters, _budget(args.budget), rows=store.portfolio_rows(plans=True))
    written = write_exports(view, content, formats, Path(args.out), **contributed_sections(view, content))
    print(f"Portföljen ({view.count} initiativ) är exporterad till {args.out} ({len(written)} filer):", file=out)
    for path in written:
        print(f"- {path}", file=out)
    _unreadable_note(view, err)
    return EXIT_OK


def _guarded(action: Callable[[argparse.Namespace, PortfolioStore, TextIO, TextIO], int]):
    """A filter or budget that cannot be used: its Swedish message, exit 1 (invalid input)."""

    def run(args: argparse.Namespace, store: PortfolioStore, out: TextIO, err: TextIO) -> int:
        try:
            return action(args, store, out, err)
        except FilterError as exc:
            print(f"nyttolib portfolio {args.action}: {exc}", file=err)
            return EXIT_INVALID

    return run


ACTIONS = {"list": _guarded(_list), "summary": _guarded(_summary), "export": _guarded(_export)}
