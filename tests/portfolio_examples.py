"""Generated portfolios for the portfolio page's tests and benchmark: every initiative a copy of the bundled
invoice example (a full calculation and a realisation plan) with its own Nr, År, name, verksamhet, stage,
kind, priority class, valuation, classification, cost, funding and indicator contributions."""

from __future__ import annotations

import random

from nyttolib.assessment.documents import read_assessment_file
from nyttolib.assessment.model import Assessment
from nyttolib.content import Content
from nyttolib.portfolio.store import PortfolioStore

from conftest import INVOICE

DEPARTMENTS = (
    "Socialförvaltningen",
    "Utbildningsförvaltningen",
    "Samhällsbyggnadsförvaltningen",
    "Kultur- och fritidsförvaltningen",
    "Ekonomi-sektionen",
    "Barn- och ungdomsförvaltningen",
)
# A long Swedish word without a break opportunity: the table must wrap it, not overflow.
LONG_NAME = "Verksamhetsövergripandeinformationssäkerhetsklassningsprojektet"


def initiative(template: Assessment, content: Content, index: int, rng: random.Random) -> Assessment:
    """The template with the portfolio fields of initiative `index` (deterministic for a given rng)."""
    data = template.model_dump(mode="json")
    data["id"] = None
    year = 2021 + index % 4
    item = data["initiative"]
    item["name"] = (
        LONG_NAME if index == 3 else f"Initiativ {index + 1}: digital tjänst för {DEPARTMENTS[index % 6].lower()}"
    )
    item["department"] = DEPARTMENTS[index % len(DEPARTMENTS)]
    item["kind"] = rng.choice([k.id for k in content.initiative.kinds])
    item["priority_class"] = rng.choice([c.id for c in content.initiative.priority_classes])
    item["valuation"] = {c.id: rng.choice([1, 3, 5]) for c in content.initiative.valuation_criteria}
    portfolio = item["portfolio"]
    portfolio["number"] = f"{year % 100}-{index + 1:03d}"
    portfolio["year"] = year
    portfolio["project_number"] = f"{10000 + index}"
    portfolio["stage"] = content.initiative.portfolio_stages[index % len(content.initiative.portfolio_stages)].id
    cost = float(rng.randrange(50, 3000) * 1000)
    portfolio["total_cost_kr"] = cost
    central = float(round(cost * rng.choice([0, 0.25, 0.5]), -3))
    portfolio["funding"] = [
        {"source": "egen", "amount_kr": cost - central, "note": ""},
        {"source": "centrala_medel", "amount_kr": central, "note": "2 %-medel"},
    ]
    data["classification"] = {axis.id: rng.randint(1, 5) for axis in content.classification.axes}
    data["calculation"]["start_year"] = year
    data["plan"]["indicators"] = [
        {
            "indicator": indicator.id,
            "year": year + 1,
            "expected": float(rng.randint(1, 50)),
            "realised": float(rng.randint(0, 30)),
            "comment": "",
        }
        for indicator in content.portfolio.indicators[: 1 + index % len(content.portfolio.indicators)]
    ]
    return Assessment.model_validate(data)


def fill(store: PortfolioStore, content: Content, count: int, seed: int = 12) -> list[str]:
    """Save `count` generated initiatives; their ids, in order."""
    rng = random.Random(seed)
    template = read_assessment_file(INVOICE, content).assessment
    return [
        store.save(initiative(template, content, index, rng), completeness_percent=float(60 + index % 41)).id
        for index in range(count)
    ]
