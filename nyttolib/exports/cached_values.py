"""Cached results next to the formulas of an xlsx, so that previewers (mail, SharePoint, phones) that
never recalculate show the figures.

openpyxl writes every formula with an empty `<v/>`. Here the workbook's formulas are evaluated (the
small set of functions nyttolib writes: arithmetic, comparison, SUM, SUMIF, COUNTIF, COUNTA, IF, NPV, tokenised by
openpyxl's own formula tokenizer), and the results are written into the `<v>` elements of the sheet
XML, as ECMA-376 describes (`t="str"` for text results, `t="e"` for errors). Excel and LibreOffice
still recalculate on opening (openpyxl sets fullCalcOnLoad); the tests compare the cached values with
LibreOffice's recalculation.
"""

from __future__ import annotations

import io
import logging
import math
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

log = logging.getLogger("nyttolib.exports")

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


class FormulaError(Exception):
    """A spreadsheet error value (#DIV/0!, #VALUE!) as the result of a formula."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class _Unsupported(Exception):
    """A formula this evaluator does not know; its cell is left without a cached value."""


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def _cell(reference: str) -> tuple[int, int]:
    match = _CELL.match(reference)
    if not match:
        raise _Unsupported(reference)
    return int(match.group(2)), _column_index(match.group(1))


class Evaluator:
    """The values of an openpyxl workbook's cells, formulas evaluated on demand (each once)."""

    def __init__(self, book: Any):
        self.book = book
        self.values: dict[tuple[str, int, int], Any] = {}
        self._busy: set[tuple[str, int, int]] = set()

    def formula_cells(self) -> Iterator[tuple[str, Any]]:
        for sheet in self.book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f" and isinstance(cell.value, str):
                        yield sheet.title, cell

    def value(self, sheet: str, row: int, column: int) -> Any:
        key = (sheet, row, column)
        if key in self.values:
            return self.values[key]
        if key in self._busy:
            raise _Unsupported("circular reference")
        cell = self.book[sheet].cell(row=row, column=column)
        if cell.data_type == "f" and isinstance(cell.value, str):
            self._busy.add(key)
            try:
                result = self._formula(sheet, cell.value)
            except FormulaError as error:
                result = error
            finally:
                self._busy.discard(key)
        else:
            result = cell.value
        self.values[key] = result
        return result

    def _formula(self, sheet: str, formula: str) -> Any:
        tokens = tokenize(formula)
        parser = _Parser(tokens, self, sheet)
        thunk = parser.expression()
        if parser.position != len(tokens):
            raise _Unsupported(formula)
        result = thunk()
        if isinstance(result, list):
            raise _Unsupported(formula)  # a range as a cell's result
        return result

    def reference(self, sheet: str, text: str) -> Any:
        """A cell's value, or a list of values for a range ('Indata!$B$5:$B$9')."""
        if "!" in text:
            sheet, text = text.rsplit("!", 1)
            sheet = sheet.strip("'").replace("''", "'")
        first, _, last = text.partition(":")
        top, left = _cell(first)
        bottom, right = _cell(last) if last else (top, left)
        if (top, left) == (bottom, right) and not last:
            return self.value(sheet, top, left)
        return [self.value(sheet, r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)]


@dataclass(frozen=True)
class _Token:
    value: str
    type: str
    subtype: str = ""


_TOKEN = re.compile(
    r"""\s*(?:
    (?P<TEXT>"(?:[^"]|"")*")
    |(?P<FUNC>[A-Z][A-Z0-9.]*\()
    |(?P<RANGE>(?:(?:'(?:[^']|'')+'|[^\W\d][\w.]*)!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)
    |(?P<NUMBER>\d+(?:\.\d+)?(?:[Ee][+-]?\d+)?)
    |(?P<LOGICAL>(?:TRUE|FALSE)(?![\w(]))
    |(?P<OPERATOR><=|>=|<>|[-+*/^&=<>])
    |(?P<PERCENT>%)
    |(?P<OPEN>\()
    |(?P<CLOSE>\))
    |(?P<SEP>,)
    )""",
    re.VERBOSE,
)
_AFTER_WHICH_MINUS_IS_A_SIGN = ("OPERATOR-INFIX", "OPERATOR-PREFIX", "SEP", "OPEN")


def _fast_tokens(formula: str) -> list[_Token] | None:
    """The tokens of the formulas nyttolib writes, by one regular expression (openpyxl's tokenizer reads
    character by character and was most of the time); None for anything else."""
    tokens: list[_Token] = []
    stack: list[str] = []
    position, end = 1 if formula.startswith("=") else 0, len(formula.rstrip())
    while position < end:
        match = _TOKEN.match(formula, position)
        if match is None or match.end() == position:
            return None
        position, kind, text = match.end(), match.lastgroup or "", match.group(match.lastgroup or 0)
        previous = tokens[-1] if tokens else None
        if kind in ("TEXT", "RANGE", "NUMBER", "LOGICAL"):
            tokens.append(_Token(text, "OPERAND", kind))
        elif kind == "FUNC" or kind == "OPEN":
            stack.append("FUNC" if kind == "FUNC" else "PAREN")
            tokens.append(_Token(text, stack[-1], "OPEN"))
        elif kind == "CLOSE":
            if not stack:
                return None
            tokens.append(_Token(text, stack.pop(), "CLOSE"))
        elif kind == "SEP":
            tokens.append(_Token(text, "SEP", "ARG"))
        elif kind == "PERCENT":
            tokens.append(_Token(text, "OPERATOR-POSTFIX"))
        else:
            sign = previous is None or previous.type in _AFTER_WHICH_MINUS_IS_A_SIGN or previous.subtype == "OPEN"
            tokens.append(_Token(text, "OPERATOR-PREFIX" if sign and text in "+-" else "OPERATOR-INFIX"))
    return tokens if not stack else None


def tokenize(formula: str) -> list[Any]:
    """A formula's tokens, with the types and subtypes of openpyxl's tokenizer (used where ours declines)."""
    fast = _fast_tokens(formula)
    if fast is not None:
        return fast
    from openpyxl.formula.tokenizer import Token, Tokenizer

    return [t for t in Tokenizer(formula).items if t.type != Token.WSPACE]


def _number(value: Any) -> float:
    """A value in arithmetic, as a spreadsheet takes it: empty is 0, TRUE is 1, text is #VALUE!."""
    if isinstance(value, FormulaError):
        raise value
    if value is None:
        return 0.0
    if isinstance(value, bool | int | float):
        return float(value)
    raise FormulaError("#VALUE!")


def _numbers(values: list[Any]) -> list[float]:
    """The numbers among a range's values (SUM and NPV skip text and empty cells)."""
    for value in values:
        if isinstance(value, FormulaError):
            raise value
    return [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]


def _compare(left: Any, operator: str, right: Any) -> bool:
    if isinstance(left, str) or isinstance(right, str):
        # An empty cell compared with text is the empty text (Excel: =A1="" is TRUE for an empty A1).
        left, right = ("" if left is None else left), ("" if right is None else right)
        if not (isinstance(left, str) and isinstance(right, str)):
            return operator == "<>"  # text never equals a number
        left, right = left.casefold(), right.casefold()
    else:
        left, right = _number(left), _number(right)
    return {
        "=": left == right,
        "<>": left != right,
        "<": left < right,
        ">": left > right,
        "<=": left <= right,
        ">=": left >= right,
    }[operator]


def _arithmetic(left: Any, operator: str, right: Any) -> Any:
    if operator == "&":
        return f"{'' if left is None else left}{'' if right is None else right}"
    if operator in ("=", "<>", "<", ">", "<=", ">="):
        return _compare(left, operator, right)
    a, b = _number(left), _number(right)
    if operator == "+":
        return a + b
    if operator == "-":
        return a - b
    if operator == "*":
        return a * b
    if operator == "/":
        if b == 0:
            raise FormulaError("#DIV/0!")
        return a / b
    if operator == "^":
        return a**b
    raise _Unsupported(operator)


_PRECEDENCE = {"=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1, "&": 2, "+": 3, "-": 3, "*": 4, "/": 4, "^": 5}


Thunk = Callable[[], Any]


class _Parser:
    """Precedence climbing over openpyxl's tokens into thunks, so that IF evaluates only its chosen branch."""

    def __init__(self, tokens: list[Any], evaluator: Evaluator, sheet: str):
        self.tokens = tokens
        self.position = 0
        self.evaluator = evaluator
        self.sheet = sheet

    def peek(self) -> Any:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> Any:
        token = self.peek()
        if token is None:
            raise _Unsupported("unexpected end of formula")
        self.position += 1
        return token

    def expression(self, minimum: int = 1) -> Thunk:
        first = self.unary()
        rest: list[tuple[str, Thunk]] = []
        while (token := self.peek()) is not None and token.type == "OPERATOR-INFIX":
            precedence = _PRECEDENCE.get(token.value)
            if precedence is None:
                raise _Unsupported(token.value)
            if precedence < minimum:
                break
            self.take()
            rest.append((token.value, self.expression(precedence + 1)))
        if not rest:
            return first

        def fold() -> Any:  # left to right in one frame: a sum of a thousand terms does not recurse
            value = first()
            for operator, operand in rest:
                value = _arithmetic(value, operator, operand())
            return value

        return fold

    def unary(self) -> Thunk:
        token = self.peek()
        if token is not None and token.type == "OPERATOR-PREFIX":
            self.take()
            operand = self.unary()
            if token.value == "-":
                return lambda: -_number(operand())
            return lambda: _number(operand())
        value = self.primary()
        while (token := self.peek()) is not None and token.type == "OPERATOR-POSTFIX" and token.value == "%":
            self.take()
            value = _percent_of(value)
        return value

    def primary(self) -> Thunk:
        token = self.take()
        if token.type == "OPERAND":
            text = token.value
            if token.subtype == "NUMBER":
                number = float(text)
                return lambda: number
            if token.subtype == "TEXT":
                literal = text[1:-1].replace('""', '"')
                return lambda: literal
            if token.subtype == "LOGICAL":
                truth = text.upper() == "TRUE"
                return lambda: truth
            if token.subtype == "RANGE":
                return lambda: self.evaluator.reference(self.sheet, text)
            raise _Unsupported(text)
        if token.type == "PAREN" and token.subtype == "OPEN":
            value = self.expression()
            self._close("PAREN")
            return value
        if token.type == "FUNC" and token.subtype == "OPEN":
            name = token.value[:-1].upper()
            if name not in _FUNCTIONS:
                raise _Unsupported(name)
            arguments = self.arguments()
            return lambda: _FUNCTIONS[name](arguments)
        raise _Unsupported(token.value)

    def _close(self, kind: str) -> None:
        token = self.take()
        if token.type != kind or token.subtype != "CLOSE":
            raise _Unsupported(token.value)

    def arguments(self) -> list[Thunk]:
        arguments: list[Thunk] = []
        token = self.peek()
        if token is not None and token.type == "FUNC" and token.subtype == "CLOSE":
            self.take()
            return arguments
        while True:
            arguments.append(self.expression())
            token = self.take()
            if token.type == "SEP" and token.subtype == "ARG":
                continue
            if token.type == "FUNC" and token.subtype == "CLOSE":
                return arguments
            raise _Unsupported(token.value)


def _percent_of(inner: Thunk) -> Thunk:
    return lambda: _number(inner()) / 100


def _flat_numbers(values: list[Any]) -> list[float]:
    return [n for value in values for n in (_numbers(value) if isinstance(value, list) else [_number(value)])]


def _sum(arguments: list[Thunk]) -> float:
    return math.fsum(_flat_numbers([argument() for argument in arguments]))


def _if(arguments: list[Thunk]) -> Any:
    if len(arguments) not in (2, 3):
        raise _Unsupported("IF")
    condition = arguments[0]()
    if isinstance(condition, str | list):
        raise FormulaError("#VALUE!")
    if _number(condition):
        return arguments[1]()
    return arguments[2]() if len(arguments) == 3 else False


def _matches(value: Any, wanted: Any) -> bool:
    """SUMIF's and COUNTIF's plain criterion: text equal but for case, or a number equal to a number."""
    if isinstance(wanted, str):
        return isinstance(value, str) and value.casefold() == wanted.casefold()
    return isinstance(value, int | float) and not isinstance(value, bool) and float(value) == float(wanted)


def _plain_criterion(wanted: Any, name: str) -> None:
    """Only the criteria nyttolib writes: a text (no comparison operator, no wildcard) or a number."""
    if isinstance(wanted, str):
        if wanted[:1] in ("<", ">", "=") or any(ch in wanted for ch in "*?~"):
            raise _Unsupported(name)
    elif not isinstance(wanted, int | float) or isinstance(wanted, bool):
        raise _Unsupported(name)


def _sumif(arguments: list[Thunk]) -> float:
    if len(arguments) != 3:
        raise _Unsupported("SUMIF")
    criteria, wanted, summed = (argument() for argument in arguments)
    criteria = criteria if isinstance(criteria, list) else [criteria]
    summed = summed if isinstance(summed, list) else [summed]
    _plain_criterion(wanted, "SUMIF")
    if len(summed) != len(criteria):
        raise _Unsupported("SUMIF")
    chosen = [s for c, s in zip(criteria, summed, strict=True) if _matches(c, wanted)]
    return math.fsum(_numbers(chosen))


def _countif(arguments: list[Thunk]) -> int:
    if len(arguments) != 2:
        raise _Unsupported("COUNTIF")
    values, wanted = (argument() for argument in arguments)
    _plain_criterion(wanted, "COUNTIF")
    return sum(1 for value in (values if isinstance(values, list) else [values]) if _matches(value, wanted))


def _counta(arguments: list[Thunk]) -> int:
    """Cells that are not empty (an empty text counts, as in Excel)."""
    values = [argument() for argument in arguments]
    flat = [v for value in values for v in (value if isinstance(value, list) else [value])]
    return sum(1 for value in flat if value is not None)


def _npv(arguments: list[Thunk]) -> float:
    if len(arguments) < 2:
        raise _Unsupported("NPV")
    rate = _number(arguments[0]())
    if rate == -1:
        raise FormulaError("#DIV/0!")
    flows = _flat_numbers([argument() for argument in arguments[1:]])
    return sum(flow / (1 + rate) ** (year + 1) for year, flow in enumerate(flows))


_FUNCTIONS: dict[str, Callable[[list[Thunk]], Any]] = {
    "SUM": _sum,
    "IF": _if,
    "SUMIF": _sumif,
    "COUNTIF": _countif,
    "COUNTA": _counta,
    "NPV": _npv,
}


def cached_values(book: Any) -> dict[str, dict[str, Any]]:
    """Per sheet title, the result of every formula cell that could be evaluated, by coordinate."""
    evaluator = Evaluator(book)
    results: dict[str, dict[str, Any]] = {}
    for title, cell in evaluator.formula_cells():
        try:
            value = evaluator.value(title, cell.row, cell.column)
        except (_Unsupported, ArithmeticError, ValueError, RecursionError) as exc:
            log.warning("No cached value for %s!%s (%s): %s", title, cell.coordinate, cell.value, exc)
            continue
        if isinstance(value, float) and not math.isfinite(value):
            value = FormulaError("#NUM!")
        results.setdefault(title, {})[cell.coordinate] = value
    return results


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → the part name of its XML, through the workbook's relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in relations.iter(f"{{{PACKAGE_RELATIONSHIPS}}}Relationship")}
    paths = {}
    for sheet in workbook.iter(f"{{{MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{RELATIONSHIPS}}}id"), "")
        paths[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return paths


def _register_namespaces(xml: bytes) -> None:
    """Keep the part's own namespace prefixes when ElementTree writes it back."""
    for _event, (prefix, uri) in ElementTree.iterparse(io.BytesIO(xml), events=("start-ns",)):
        ElementTree.register_namespace(prefix, uri)


def _cell_text(value: Any) -> tuple[str, str | None]:
    """The `<v>` text and the cell's `t` attribute for a formula's result."""
    if isinstance(value, FormulaError):
        return value.code, "e"
    if isinstance(value, bool):
        return ("1" if value else "0"), "b"
    if isinstance(value, int | float):
        return repr(float(value)) if not float(value).is_integer() else str(int(value)), None
    return ("" if value is None else str(value)), "str"


def _patch_sheet(xml: bytes, values: dict[str, Any]) -> bytes:
    _register_namespaces(xml)
    root = ElementTree.fromstring(xml)
    for cell in root.iter(f"{{{MAIN}}}c"):
        coordinate = cell.get("r")
        if coordinate not in values or cell.find(f"{{{MAIN}}}f") is None:
            continue
        text, kind = _cell_text(values[coordinate])
        v = cell.find(f"{{{MAIN}}}v")
        if v is None:
            v = ElementTree.SubElement(cell, f"{{{MAIN}}}v")
        v.text = text
        if kind is None:
            cell.attrib.pop("t", None)
        else:
            cell.set("t", kind)
    return ElementTree.tostring(root, xml_declaration=True, encoding="UTF-8")


def with_cached_values(xlsx: bytes, values: dict[str, dict[str, Any]]) -> bytes:
    """The same xlsx with `values` written as the cached results of its formula cells."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    paths = {path: values[title] for title, path in _sheet_paths(source).items() if title in values}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename in paths:
                data = _patch_sheet(data, paths[item.filename])
            target.writestr(item, data)
    return buffer.getvalue()
