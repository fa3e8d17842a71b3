"""Generated, realistic portfolios for the portfolio benchmarks (and the tests that need many initiatives).

Every assessment has what a real one in the portfolio has: Nr, År, Projektnr, a stage (more early than
late, as in seed 003's ≈450), a verksamhet, a kind, a priority class, the 1/3/5 valuation, the three
balance axes, total cost and funding (some with central 2 %-medel), a calculation over 3–5 years with
one-off and recurring costs, benefits in kronor and freed time, and a plan with 1–3 benefits, their
measurements and sometimes an indicator contribution. The same parameters give the same portfolio.
Up to 1 000 it is a municipality's current portfolio (every stage); a larger one is a region's or a
national collection with years of history: the older an initiative, the likelier it is decided (so the
prioritisation weighs about a quarter of a hundred thousand, not nearly all of them).

`cached_store(count, …)` builds the PortfolioStore once into a cache folder named by the parameters and
the generator's version, all in one transaction through PortfolioStore's own save path (the revision and
its summary row), and reuses it afterwards: 100 000 documents take minutes to generate.

Used by bench/bench_portfolio_summary.py, bench/bench_portfolio_prioritise.py and tests; import it with
`sys.path.insert(0, "bench")` or as `bench.portfolio_data` from the repository root.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nyttolib.assessment.completeness import completeness
from nyttolib.assessment.model import Assessment
from nyttolib.content import Content, load_content
from nyttolib.portfolio.rows import content_fingerprint, summary_row
from nyttolib.portfolio.store import PortfolioStore
from nyttolib.portfolio.tables import METADATA
from nyttolib.storage.assessments import now
from nyttolib.storage.migrations import HEAD

#: Raised when the generated documents change, so that a cached portfolio is built again.
GENERATOR_VERSION = 2
CACHE_ENV = "NYTTOLIB_BENCH_CACHE"

DEPARTMENTS = (
    "Kommunledningskontoret",
    "Socialförvaltningen",
    "Utbildningsförvaltningen",
    "Vård- och omsorgsförvaltningen",
    "Individ- och familjeomsorgen",
    "Stadsbyggnadskontoret",
    "Kultur- och fritidsförvaltningen",
    "Miljökontoret",
    "Lönecenter",
    "Ekonomi-sektionen",
    "Kontaktcenter",
    "Kommunarkivet",
    "Överförmyndarkontoret",
    "Servicecenter IT",
    "Räddningstjänsten",
    "Tekniska förvaltningen",
    "Arbetsmarknadsförvaltningen",
    "HR-avdelningen",
    "Upphandlingsenheten",
    "Kommunstyrelsekontoret, digitalisering",
)
SUBJECTS = (
    "e-tjänst för ansökan om bygglov",
    "automatiserad handläggning av ekonomiskt bistånd",
    "digital signering av avtal",
    "gemensam ärendehantering",
    "chatt i kontaktcenter",
    "e-arkiv för avslutade ärenden",
    "avveckling av verksamhetssystem",
    "mina sidor för vårdnadshavare",
    "digitala trygghetskameror",
    "registrering av timanställda",
    "leverantörsfakturaportal",
    "schemaläggning i hemtjänsten",
    "digital post till invånare",
    "robotiserad processautomation",
    "parkeringstillstånd",
)
PREFIXES = ("Införande av", "Förstudie om", "Vidareutveckling av", "Upphandling av", "Uppskalning av", "MVP för")
LONG_WORDS = (
    "ärendehanteringssystemsintegrationsplattformen",
    "informationssäkerhetssamordningsorganisationen",
    "verksamhetsutvecklingsförvaltningsorganisationen",
    "digitaliseringsstrategiuppföljningsrutinerna",
)
#: More early than late (seed 003: most initiatives are not yet prepared).
STAGE_WEIGHTS = (22, 18, 14, 12, 10, 8, 16)
PRIORITY_WEIGHTS = (1, 2, 5)
#: Up to this many: a municipality's current portfolio (every stage, as above). A larger collection (a
#: region's, a national one) holds years of history: the older an initiative, the likelier it is decided.
MUNICIPALITY = 1_000
LATEST_YEAR = 2026


@dataclass(frozen=True)
class Parameters:
    count: int
    seed: int = 2024
    long_names: bool = False

    def key(self, content: Content) -> str:
        """The cache folder's name: the parameters, the generator's version and the content's fingerprint
        (rows made with other content would all be recomputed on the first read) and the tables' layout."""
        long = "-long" if self.long_names else ""
        # The store's tables: another layout, another cache (the schema's version and the portfolio's columns).
        layout = HEAD + repr([(t.name, [c.name for c in t.columns]) for t in METADATA.sorted_tables])
        schema = hashlib.sha256(layout.encode()).hexdigest()[:8]
        fingerprint = content_fingerprint(content)
        return f"portfolio-v{GENERATOR_VERSION}-n{self.count}-s{self.seed}{long}-{fingerprint}-{schema}"


def _name(rng: random.Random, index: int, long_names: bool) -> str:
    name = f"{rng.choice(PREFIXES)} {rng.choice(SUBJECTS)}"
    if long_names:
        name += " inom " + " och ".join(rng.sample(LONG_WORDS, 2)) + f" (etapp {index % 7 + 1})"
    return name


def _ramp(years: int, rng: random.Random) -> list[float]:
    start = rng.choice((0.0, 25.0, 50.0))
    return [min(100.0, start + 50.0 * year) for year in range(years)]


def _stage(rng: random.Random, content: Content, year: int, history: bool) -> str:
    """A stage, more early than late; in a collection with history, decided the likelier the older it is."""
    stages = [s.id for s in content.initiative.portfolio_stages]
    if history:
        age = LATEST_YEAR - year
        decided = 0.95 if age >= 3 else 0.6 if age >= 1 else 0.0
        if rng.random() < decided:
            return stages[-1]  # Beslutade: the last stage
    return rng.choices(stages, STAGE_WEIGHTS[: len(stages)])[0]


def document(
    index: int, rng: random.Random, content: Content, long_names: bool = False, history: bool = False
) -> dict[str, Any]:
    """One assessment as the JSON the store keeps (valid against the model)."""
    ic = content.initiative
    year = rng.randint(2020, LATEST_YEAR)
    years = rng.randint(3, 5)
    stage = _stage(rng, content, year, history)
    priority = rng.choices([p.id for p in ic.priority_classes], PRIORITY_WEIGHTS[: len(ic.priority_classes)])[0]
    one_off_hours = rng.randint(4, 80) * 10.0
    licence = rng.randint(0, 30) * 5_000.0
    cost_values = [licence] * years
    central = rng.random() < 0.4
    total = round(one_off_hours * 870 + licence * years, -3)
    benefit_kr = rng.randint(0, 60) * 10_000.0
    volume = rng.randint(0, 200) * 100.0
    benefit_ids = [f"nytta-{index}-{n}" for n in range(rng.randint(1, 3))]
    start = dt.date(year, rng.randint(1, 12), 1)
    plan_items = []
    for n, benefit_id in enumerate(benefit_ids):
        baseline, target = 100.0, rng.choice((50.0, 150.0, 300.0))
        measurements = [
            {
                "id": f"m-{index}-{n}-{m}",
                "date": (start + dt.timedelta(days=120 * (m + 1))).isoformat(),
                "value": baseline + (target - baseline) * rng.random(),
                "comment": "",
            }
            for m in range(rng.randint(0, 4))
        ]
        plan_items.append(
            {
                "id": f"plan-{index}-{n}",
                "benefit_id": benefit_id,
                "answers": {"what_benefit": "", "how_when_who": "Kvartalsvis ur verksamhetssystemet."},
                "seven_questions": {"vem_ansvarar_uppfoljning": f"Controller, {rng.choice(DEPARTMENTS)}"},
                "unit": "ärenden per månad",
                "baseline_value": baseline,
                "target_value": target,
                "target_date": dt.date(year + years - 1, 12, 31).isoformat(),
                "measurement_interval": rng.choice([i.id for i in content.portfolio.measurement_intervals] + [None]),
                "measurements": measurements,
            }
        )
    indicators = []
    if rng.random() < 0.3:
        indicator = rng.choice(content.portfolio.indicators)
        indicators.append(
            {
                "id": f"ind-{index}",
                "indicator": indicator.id,
                "year": year + 1,
                "expected": float(rng.randint(1, 500)),
                "realised": float(rng.randint(0, 500)) if rng.random() < 0.5 else None,
                "comment": "",
            }
        )
    return {
        "document_type": "nyttolib.assessment",
        "schema_version": 3,
        "id": f"gen-{index:06d}",
        "initiative": {
            "name": _name(rng, index, long_names),
            "department": rng.choice(DEPARTMENTS),
            "owner": "Förvaltningschef",
            "need": "Handläggningen tar för lång tid och görs i flera system.",
            "description": "Digitalisera och automatisera flödet från ansökan till beslut.",
            "kind": rng.choice([k.id for k in ic.kinds]),
            "portfolio": {
                "number": f"{year % 100:02d}-{index % 1000:03d}",
                "year": year,
                "project_number": str(10_000 + index),
                "stage": stage,
                "total_cost_kr": total if rng.random() < 0.9 else None,
                "funding": [{"source": "centrala_medel", "amount_kr": round(total * 0.5, -3), "note": "2 %-medel"}]
                if central
                else [],
            },
            "priority_class": priority,
            "valuation": {c.id: rng.choice(ic.valuation_levels) for c in ic.valuation_criteria},
        },
        "prerequisites": {
            c.id: {"answer": rng.choice(("ja", "nej")), "motivation": ""} for c in content.criteria.criteria
        },
        "classification": {axis.id: rng.randint(1, 5) for axis in content.classification.axes},
        "benefits": [
            {"id": benefit_id, "description": f"Nytta {n + 1}: kortare handläggningstid", "measurable": True}
            for n, benefit_id in enumerate(benefit_ids)
        ],
        "calculation": {
            "start_year": year,
            "years": years,
            "cost_lines": [
                {
                    "id": "konsult",
                    "description": "Konsult för integration",
                    "kind": "engangs",
                    "unit": "timmar",
                    "rate": "inkopt",
                    "values": [one_off_hours] + [0.0] * (years - 1),
                },
                {"id": "licens", "description": "Licens", "kind": "lopande", "unit": "kr", "values": cost_values},
            ],
            "benefit_lines": [
                {
                    "id": "nytta-kr",
                    "description": "Minskade kostnader",
                    "benefit_id": benefit_ids[0],
                    "category": "kostnadsminskning",
                    "full_effect_kr": benefit_kr,
                    "ramp_percent": _ramp(years, rng),
                    "realisable": True,
                }
            ],
            "freed_time_lines": [
                {
                    "id": "tid",
                    "description": "Kortare handläggning",
                    "benefit_id": benefit_ids[-1],
                    "volume_per_year": volume,
                    "minutes_per_case": float(rng.randint(2, 30)),
                    "share_percent": 80.0,
                    "ramp_percent": _ramp(years, rng),
                    "realisable": rng.random() < 0.5,
                }
            ],
        },
        "plan": {
            "items": plan_items,
            "indicators": indicators,
            "approved_date": start.isoformat(),
        },
    }


def documents(parameters: Parameters, content: Content) -> Iterator[dict[str, Any]]:
    rng = random.Random(parameters.seed)
    history = parameters.count > MUNICIPALITY
    for index in range(parameters.count):
        yield document(index, rng, content, parameters.long_names, history)


_WORKER: dict[str, Any] = {}


def _start_worker(directory: str) -> None:
    _WORKER["content"] = load_content(directory)


def _prepared(data: dict[str, Any]) -> tuple[Any, ...]:
    """What a save computes for one document: its id, schema version, name and stage, its stored text
    (validated by the model), its completeness and its summary row (the real `summary_row`, as
    PortfolioStore's save path writes it)."""
    content = _WORKER["content"]
    assessment = Assessment.model_validate(data)
    text = json.dumps(assessment.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))
    ini = assessment.initiative
    percent = completeness(assessment, content).percent
    return (
        assessment.id,
        assessment.schema_version,
        ini.name,
        ini.portfolio.stage,
        text,
        percent,
        summary_row(assessment, content),
    )


def build(directory: Path, parameters: Parameters, content: Content, workers: int = 1) -> None:
    """The portfolio into a new data folder: one transaction, the revision and its summary row for each.
    The documents are generated in order in this process (the same parameters, the same portfolio);
    `workers` processes validate them and compute their rows, as a save would."""
    with PortfolioStore(directory, content) as store:
        saved_at = now()
        with store._write() as db:
            if workers > 1:
                pool = multiprocessing.get_context("fork").Pool(workers, _start_worker, (str(content.directory),))
                prepared = pool.imap(_prepared, documents(parameters, content), chunksize=200)
            else:
                pool = None
                _WORKER["content"] = content
                prepared = map(_prepared, documents(parameters, content))
            try:
                for assessment_id, *revision, row in prepared:
                    db.execute(
                        "INSERT INTO assessments (id, created_at, head_revision) VALUES (?, ?, 1)",
                        (assessment_id, saved_at),
                    )
                    db.execute(
                        "INSERT INTO revisions (assessment_id, revision, saved_at, schema_version, name, stage,"
                        " document, completeness_percent, note) VALUES (?, 1, ?, ?, ?, ?, ?, ?, '')",
                        (assessment_id, saved_at, *revision),
                    )
                    store._write_row(db, assessment_id, 1, row)
            finally:
                if pool is not None:
                    pool.close()
                    pool.join()


def cache_root() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path(tempfile.gettempdir()) / "nyttolib-bench-cache")


def cached_store(parameters: Parameters, content: Content | None = None, workers: int | None = None) -> Path:
    """The data folder of the generated portfolio, built on first use (into a temporary folder, then
    renamed, so an interrupted build is never taken for a finished one)."""
    content = content or load_content()
    target = cache_root() / parameters.key(content)
    if (target / "done").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=parameters.key(content) + "-", dir=target.parent))
    try:
        if workers is None:  # a large portfolio takes minutes: on every core
            workers = min(os.cpu_count() or 1, 3) if parameters.count > MUNICIPALITY else 1
        build(building, parameters, content, workers)
        (building / "done").write_text(now(), encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        building.rename(target)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return target
