"""A summary of one assessment: key figures as a dict (for machines) and as Swedish text (for people)."""

from __future__ import annotations

from typing import Any

from nyttolib import formatting as fmt
from nyttolib.assessment.calculations import CalculationResult, calculate, payback_text, realisable_note
from nyttolib.assessment.completeness import closing_remarks, completeness, state_text
from nyttolib.assessment.model import Assessment
from nyttolib.assessment.rules import calculation_requirement, follow_up_status
from nyttolib.content import Content


def summarise(assessment: Assessment, content: Content) -> dict[str, Any]:
    """The key figures and states, in plain JSON types."""
    result = calculate(assessment, content)
    requirement = calculation_requirement(assessment, content)
    progress = completeness(assessment, content)
    answers = [a.answer for a in assessment.prerequisites.values()]
    return {
        "id": assessment.id,
        "name": assessment.initiative.name,
        "kind": assessment.initiative.kind,
        "stage": assessment.initiative.portfolio.stage,
        "priority_class": assessment.initiative.priority_class,
        "prerequisites": {
            "ja": answers.count("ja"),
            "nej": answers.count("nej"),
            "total": len(content.criteria.criteria),
        },
        "classification": {axis.id: assessment.classification.get(axis.id) for axis in content.classification.axes},
        "benefits": len(assessment.benefits),
        "calculation_required": requirement.required,
        "calculation": {
            "years": result.year_labels,
            "cost_per_year": result.cost_total,
            "realisable_benefit_per_year": result.benefit_realisable,
            "other_valued_benefit_per_year": result.benefit_not_realisable,
            "net_per_year": result.net,
            "accumulated_net": result.accumulated_net,
            "total_cost": result.total_cost,
            "total_net": result.total_net,
            "annual_realisable_net_after_full_effect": result.annual_realisable_net,
            "full_effect_realisable_benefit": result.full_effect_realisable_benefit,
            "recurring_cost_at_full_effect": result.recurring_cost_at_full_effect,
            "freed_hours_per_year_full_effect": result.full_effect_freed_hours,
            "freed_value_per_year_full_effect": result.full_effect_freed_value,
            "full_time_equivalents": result.full_time_equivalents,
            "payback_year": result.payback_year,
            "net_per_krona": result.net_per_krona,
            "discount_rate_percent": result.discount_rate_percent,
            "npv": result.npv,
            "scenarios": {
                name: {"total_cost": s.total_cost, "total_benefit": s.total_benefit, "total_net": s.total_net}
                for name, s in result.scenarios.items()
            },
        },
        "follow_up": [
            {"benefit_id": item.benefit_id, "colour": status.colour, "progress_percent": status.progress_percent}
            for item in assessment.plan.items
            for status in [follow_up_status(item, content)]
        ],
        "completeness_percent": progress.percent,
        "missing": [check.message for check in progress.missing],
    }


def _table(result: CalculationResult) -> list[str]:
    rows = [
        ("År", result.year_labels, "Summa"),
        ("Kostnader", [fmt.number(v) for v in result.cost_total], fmt.number(result.total_cost)),
        (
            "Ekonomisk nytta",
            [fmt.number(v) for v in result.benefit_realisable],
            fmt.number(result.total_realisable_benefit),
        ),
        ("Nettonytta", [fmt.number(v) for v in result.net], fmt.number(result.total_net)),
        ("Ackumulerad", [fmt.number(v) for v in result.accumulated_net], ""),
    ]
    if any(result.benefit_not_realisable):
        rows.insert(
            3,
            (
                "Övrig värderad nytta*",
                [fmt.number(v) for v in result.benefit_not_realisable],
                fmt.number(sum(result.benefit_not_realisable)),
            ),
        )
    width = max(12, *(len(c) for _, cells, total in rows for c in [*cells, total]))
    label_width = max(len(label) for label, _, _ in rows)
    lines = [
        f"  {label:<{label_width}}  " + "  ".join(f"{c:>{width}}" for c in [*cells, total]).rstrip()
        for label, cells, total in rows
    ]
    if any(result.benefit_not_realisable):
        lines.append("  * Värderad i pengar men tas inte hem (omfördelning); ingår inte i nettonyttan.")
    return lines


def summary_text(assessment: Assessment, content: Content) -> str:
    """A readable Swedish summary for the terminal."""
    ini = assessment.initiative
    result = calculate(assessment, content)
    requirement = calculation_requirement(assessment, content)
    progress = completeness(assessment, content)
    lines = [f"Bedömning: {ini.name or '(namnlöst initiativ)'}"]
    facts = [
        ("Verksamhet", ini.department),
        ("Typ", content.label(content.initiative.kinds, ini.kind)),
        ("Steg", content.label(content.initiative.portfolio_stages, ini.portfolio.stage)),
        ("Prioriteringsgrund", content.label(content.initiative.priority_classes, ini.priority_class)),
    ]
    lines += [f"{label}: {value}" for label, value in facts if value]

    lines += ["", "Förutsättningar"]
    for criterion in content.criteria.criteria:
        answer = assessment.prerequisites.get(criterion.id)
        mark = {"ja": "JA ", "nej": "NEJ"}.get(answer.answer if answer else None, " – ")
        lines.append(f"  {mark}  {criterion.label}")

    lines += ["", "Klassificering"]
    for axis in content.classification.axes:
        cell = assessment.classification.get(axis.id)
        text = f"{axis.cells[cell - 1].label} ({axis.cells[cell - 1].share})" if cell else "ej markerad"
        lines.append(f"  {axis.left} – {axis.right}: {text}")

    lines += ["", f"Nytta ({len(assessment.benefits)})"]
    for benefit in assessment.benefits:
        category = content.category(benefit.category)
        lines.append(f"  - {benefit.description or '(ej beskriven)'}" + (f" [{category.label}]" if category else ""))
    lines.append(f"  Nyttokalkyl krävs: {'ja' if requirement.required else 'nej'}. {requirement.reason}")

    lines += ["", "Nyttokalkyl (kr)", *_table(result)]
    for figures in result.freed_time:
        line = next(x for x in assessment.calculation.freed_time_lines if x.id == figures.line_id)
        lines.append(
            f"  Frigjord tid, {figures.description}: {fmt.number(line.volume_per_year)} st × "
            f"{fmt.number(line.minutes_per_case, 1).removesuffix(',0')} min = {fmt.hours(figures.current_hours)}/år "
            f"(ca {fmt.hours(fmt.approximate(figures.current_hours))}); {fmt.percent(line.share_percent)} → "
            f"{fmt.number(figures.cases_affected)} st, {fmt.hours(figures.freed_hours)}/år "
            f"(ca {fmt.hours(fmt.approximate(figures.freed_hours))}) × {fmt.kr(figures.kr_per_hour)}/h = "
            f"{fmt.kr(figures.value_kr)}/år (ca {fmt.kr(fmt.approximate(figures.value_kr))})"
            + realisable_note(figures, content)
        )
    if result.freed_time:
        lines.append(
            f"  Frigjord tid vid full effekt: {fmt.hours(result.full_effect_freed_hours)}/år, "
            f"{fmt.number(result.full_time_equivalents, 2)} årsarbetare"
        )
    lines.append(
        f"  Årlig realiserbar ekonomisk nettonytta efter full effekt: {fmt.kr(result.annual_realisable_net)} "
        f"({fmt.kr(result.full_effect_realisable_benefit)} minus {fmt.kr(result.recurring_cost_at_full_effect)})"
    )
    lines.append(f"  Ackumulerad ekonomisk nettonytta efter {len(result.year_labels)} år: {fmt.kr(result.total_net)}")
    lines.append(f"  Återbetald: {payback_text(result, content)}")
    if result.net_per_krona is not None:
        lines.append(f"  Nettonytta per satsad krona: {fmt.number(result.net_per_krona, 2)} kr")
    lines.append(
        f"  Nuvärde av nettonyttan ({fmt.percent(result.discount_rate_percent, 1).replace(',0', '')}): "
        f"{fmt.kr(result.npv)}"
    )
    scenarios = ", ".join(f"{name} {fmt.kr(s.total_net)}" for name, s in result.scenarios.items())
    lines.append(f"  Nettonytta låg/trolig/hög: {scenarios}")

    plan = assessment.plan
    benefits_word = "nytta" if len(plan.items) == 1 else "nyttor"
    activities_word = "aktivitet" if len(plan.activities) == 1 else "aktiviteter"
    lines += ["", f"Nyttorealiseringsplan: {len(plan.items)} {benefits_word}, {len(plan.activities)} {activities_word}"]
    for item in plan.items:
        status = follow_up_status(item, content)
        benefit = assessment.benefit(item.benefit_id)
        progress_text = (
            f" ({fmt.percent(status.progress_percent)} av vägen till målet)"
            if status.progress_percent is not None
            else ""
        )
        name = benefit.description.rstrip(". ") if benefit else "(ingen nytta vald)"
        lines.append(f"  - {name}: {status.label}{progress_text}")

    lines += ["", f"Fullständighet: {fmt.percent(progress.percent)}"]
    lines += [f"  {section.title}: {state_text(section, content)}" for section in progress.sections.values()]
    if progress.missing:
        lines.append("Saknas:")
        lines += [f"  - {check.message}" for check in progress.missing]
    lines += closing_remarks(progress, content)
    return "\n".join(lines) + "\n"
