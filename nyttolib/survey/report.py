"""The workshop's compilation as the facilitator sees it and as a report (HTML and PDF through the same
machinery as the assessment report): per statement distribution, median and spread with highlights,
per dimension the levels for all and per role with charts, the next-level texts for the weakest
dimensions, notes, the action plan, participants' comments and a comparison with earlier workshops.

The tables are Jinja macros in `templates/report/workshop_parts.html.j2`, used both by the report and
by the facilitator page, so what is shown live is what is exported.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from nyttolib import __version__
from nyttolib import formatting as fmt
from nyttolib.exports.charts import png_data_uri
from nyttolib.exports.report import logo_data_uri, render_pdf, report_template_dir, template_environment
from nyttolib.survey.charts import maturity_alt_text, maturity_png
from nyttolib.survey.facilitation import PRIORITIES, Facilitation
from nyttolib.survey.participant import COMMENTS, NUMBERS
from nyttolib.survey.questionnaire import Questionnaire, display_name, group_key
from nyttolib.survey.statistics import HIGHLIGHT_SHARE, MIN_FOR_SPREAD, Compilation, compile_answers
from nyttolib.survey.store import Response, Workshop, WorkshopStore

# Results per role are shown only for roles with at least this many participants: fewer would reveal
# how one person answered.
MIN_GROUP = 2
NO_SUBJECT = "(inget angivet)"
WEAKEST = 3


@dataclass
class Chart:
    heading: str
    uri: str
    alt: str


@dataclass
class Part:
    """The compilation of one subject (a system in a per-system questionnaire), or of the whole workshop."""

    subject: str | None
    respondents: int
    compilation: Compilation
    roles: list[str]
    hidden_roles: int
    charts: list[Chart] = field(default_factory=list)
    numbers: list[dict[str, Any]] = field(default_factory=list)
    comments: dict[str, list[str]] = field(default_factory=dict)


def level_text(value: float | None) -> str:
    return "–" if value is None else fmt.number(value, decimals=1)


def amount_text(value: float | None) -> str:
    """A numeric answer or its median as it is, never rounded to a whole: 45,5 stays 45,5 (up to 2 decimals)."""
    if value is None:
        return "–"
    decimals = next((d for d in (0, 1) if round(value, d) == round(value, 2)), 2)
    return fmt.number(value, decimals=decimals)


def _charts(part: Part, questionnaire: Questionnaire, *, draw: bool) -> list[Chart]:
    if not draw or part.respondents == 0:
        return []
    titles = [d.dimension.title for d in part.compilation.dimensions]
    gap = questionnaire.gap_analysis
    groups: list[tuple[str, list, list | None]] = [
        (
            "alla",
            [d.now for d in part.compilation.dimensions],
            [d.target for d in part.compilation.dimensions] if gap else None,
        )
    ]
    for role in part.roles:
        groups.append(
            (
                role,
                [d.now_by_role.get(role) for d in part.compilation.dimensions],
                [d.target_by_role.get(role) for d in part.compilation.dimensions] if gap else None,
            )
        )
    charts = []
    for heading, now, target in groups:
        label = "Alla" if heading == "alla" else heading
        png = maturity_png(titles, now, target, questionnaire.levels, heading=label)
        charts.append(Chart(label, png_data_uri(png), maturity_alt_text(titles, now, target, heading=label)))
    return charts


def _numbers(questionnaire: Questionnaire, responses: list[Response]) -> list[dict[str, Any]]:
    rows = []
    for numeric in questionnaire.numeric_fields:
        values = [
            r.answers.get(NUMBERS, {}).get(numeric.id)
            for r in responses
            if isinstance(r.answers.get(NUMBERS, {}).get(numeric.id), int | float)
        ]
        rows.append(
            {
                "field": numeric,
                "count": len(values),
                "median": statistics.median(values) if values else None,
                "low": min(values) if values else None,
                "high": max(values) if values else None,
            }
        )
    return rows


def subject_groups(responses: list[Response]) -> list[tuple[str, list[Response]]]:
    """The responses per subject (system): "Procapita" and "procapita " are one, shown as first written."""
    by_key: dict[str, list[Response]] = {}
    for response in responses:
        by_key.setdefault(group_key(response.subject), []).append(response)
    return [(display_name(group[0].subject) or NO_SUBJECT, group) for _, group in sorted(by_key.items())] or [
        (NO_SUBJECT, [])
    ]


def compile_parts(questionnaire: Questionnaire, responses: list[Response], *, draw: bool = True) -> list[Part]:
    """One part for the workshop, or one per subject when the questionnaire is answered per subject."""
    groups = subject_groups(responses) if questionnaire.per_subject else [(None, responses)]
    parts = []
    for subject, group in groups:
        compilation = compile_answers(questionnaire, [r.as_compilation_input() for r in group], min_group=MIN_GROUP)
        # Those who gave a level count, not those who joined: an empty second "Verksamhet" would show
        # the first one's answers.
        counts = compilation.role_respondents
        shown = sorted((role for role, n in counts.items() if n >= MIN_GROUP), key=str.casefold)
        comments: dict[str, list[str]] = {}
        for response in group:
            for dimension_id, text in response.answers.get(COMMENTS, {}).items():
                if isinstance(text, str) and text.strip():
                    comments.setdefault(dimension_id, []).append(text.strip())
        hidden = sum(1 for n in counts.values() if 0 < n < MIN_GROUP)
        part = Part(subject, compilation.respondents, compilation, shown, hidden, comments=comments)
        part.numbers = _numbers(questionnaire, group) if questionnaire.numeric_fields else []
        part.charts = _charts(part, questionnaire, draw=draw)
        parts.append(part)
    return parts


@dataclass
class Comparison:
    """Dimension levels of this workshop beside earlier ones with the same questionnaire."""

    workshops: list[Workshop]
    rows: list[tuple[str, list[tuple[float | None, float | None]]]]
    respondents: list[int] = field(default_factory=list)  # per workshop, those who answered


def _when(w: Workshop) -> str:
    return w.held_on or w.created_at[:10]


def earlier_workshops(store: WorkshopStore, workshop: Workshop) -> list[Workshop]:
    """The workshops this one can be compared with: the same questionnaire, held before it or the same day."""
    return sorted(
        (
            w
            for w in store.listed_workshops()
            if w.questionnaire_id == workshop.questionnaire_id and w.id != workshop.id and _when(w) <= _when(workshop)
        ),
        key=_when,
    )


def compare(store: WorkshopStore, questionnaire: Questionnaire, workshop: Workshop) -> Comparison | None:
    """This workshop beside the earlier ones its facilitator chose (by date), or None if none is chosen.

    Only a choice counts: a workshop someone else created never shows up in this one's report."""
    wanted = set(store.compared_with(workshop.id))
    earlier = [w for w in earlier_workshops(store, workshop) if w.id in wanted]
    if not earlier:
        return None
    chosen = [*earlier, workshop]
    compilations = [
        compile_answers(questionnaire, [r.as_compilation_input() for r in store.responses_of(w.id)]) for w in chosen
    ]
    rows = [
        (dimension.title, [(c.dimensions[i].now, c.dimensions[i].target) for c in compilations])
        for i, dimension in enumerate(questionnaire.dimensions)
    ]
    return Comparison(chosen, rows, [c.respondents for c in compilations])


def workshop_context(
    store: WorkshopStore,
    questionnaire: Questionnaire,
    workshop: Workshop,
    *,
    facilitation: Facilitation | None = None,
    draw: bool = True,
) -> dict[str, Any]:
    """Everything the report and the facilitator page show, computed once."""
    from nyttolib.survey.facilitation import load_facilitation

    responses = store.responses_of(workshop.id)
    parts = compile_parts(questionnaire, responses, draw=draw)
    facilitation = facilitation or load_facilitation(store, workshop.id)
    titles = {d.id: d.title for d in questionnaire.dimensions}
    weakest = []
    for part in parts:
        for result in part.compilation.weakest(WEAKEST):
            weakest.append((part.subject, result))
    levels = questionnaire.levels
    return {
        "w": workshop,
        "q": questionnaire,
        "parts": parts,
        "participation": store.participation(workshop.id),
        "weakest": weakest,
        "facilitation": facilitation,
        "actions": facilitation.sorted_actions(),
        "priorities": PRIORITIES,
        "dimension_titles": titles,
        "threshold": HIGHLIGHT_SHARE * (levels[-1] - levels[0]),
        "scale": {level.value: level.label for level in questionnaire.scale},
        "comparison": compare(store, questionnaire, workshop),
        "min_group": MIN_GROUP,
        "level": level_text,
        "amount": amount_text,
        "min_for_spread": MIN_FOR_SPREAD,
        "created": fmt.local_time(dt.datetime.now(dt.UTC).isoformat()),
        "closed": fmt.local_time(workshop.closed_at, zone=True),
        "version": __version__,
        "logo": logo_data_uri(report_template_dir()),
        "css": (report_template_dir() / "report.css").read_text(encoding="utf-8"),
    }


def _template(name: str):
    return template_environment(str(report_template_dir())).get_template(name)


def render_workshop_html(store: WorkshopStore, questionnaire: Questionnaire, workshop: Workshop) -> str:
    """The workshop report as one self-contained HTML document (no JavaScript, no network)."""
    return _template("workshop.html.j2").render(**workshop_context(store, questionnaire, workshop))


def render_workshop_pdf(store: WorkshopStore, questionnaire: Questionnaire, workshop: Workshop) -> bytes:
    return render_pdf(render_workshop_html(store, questionnaire, workshop))


def render_fragment(macro: str, context: dict[str, Any], *args: Any) -> str:
    """One part of the report (a macro of workshop_parts.html.j2) as HTML for the facilitator page."""
    module = _template("workshop_parts.html.j2").make_module(context)
    return str(getattr(module, macro)(*args))
