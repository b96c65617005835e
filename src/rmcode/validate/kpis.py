"""The KPI metrics a program may name, with their units and parameters, and the checks of program.yaml's kpis.

The names and signatures live here, below the metric library (``progress.metrics`` adds the
function that computes each), so that validation checks a KPI without importing it.
docs/kpis.md defines every metric in words; keep the two in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import Problem
from ..model import Kpi, Program
from .suggest import suggest

GOAL_RANK = {"started": 1, "progressing": 2, "achieved": 3}


@dataclass(frozen=True, slots=True)
class MetricSignature:
    """What a KPI may say about a metric: its unit, parameters and whether its inputs are private.

    ``sensitive`` metrics aggregate answers nobody sees per person (ratings, survey
    answers, goal progress, group membership); their published series only move when
    enough new records arrived to hide each one (see privacy.hold_series).
    """

    name: str
    unit: str
    params: Mapping[str, tuple[str, ...] | None]  # allowed values; None = free, "#" prefix = number
    required: tuple[str, ...] = ()
    sensitive: bool = False
    description: str = ""


_ROLE = ("mentor", "mentee")
_PEOPLE: Mapping[str, tuple[str, ...] | None] = {"role": _ROLE, "cohort": None}
_PAIRS: Mapping[str, tuple[str, ...] | None] = {"cohort": None}
SIGNATURES = (
    MetricSignature("registrations", "count", _PEOPLE, description="People registered."),
    MetricSignature("match_rate", "share", _PEOPLE, description="Matched people / eligible people."),
    MetricSignature("time_to_match_days", "days", _PEOPLE, sensitive=True,
                    description="Mean days from registration to the first approved pair."),
    MetricSignature("sessions_per_pair", "sessions", _PAIRS, description="Sessions held / approved pairs."),
    MetricSignature("pairs_on_track_share", "share", _PAIRS,
                    description="On-track or completed pairs / open pairs."),
    MetricSignature("mentoring_hours", "hours", _PAIRS, description="Hours of sessions held."),
    MetricSignature("pairs_with_3_sessions_share", "share", {**_PAIRS, "sessions": ("#",)},
                    description="Pairs with at least 3 sessions / approved pairs."),
    MetricSignature("average_rating", "rating", _PEOPLE, sensitive=True, description="Mean session rating (1-5)."),
    MetricSignature("first_session_fit_rate", "share", _PEOPLE, sensitive=True,
                    description="First-session 'good fit' answers that said yes."),
    MetricSignature("would_continue_share", "share", {"survey": None, "question": None, **_PEOPLE},
                    ("survey", "question"), True, "Yes answers / answers to a yes-no survey question."),
    MetricSignature("skills_covered_share", "share", _PAIRS,
                    description="Mentees' wanted skills covered in sessions / wanted skills."),
    MetricSignature("goal_progress_share", "share", {**_PAIRS, "at_least": tuple(GOAL_RANK)}, sensitive=True,
                    description="Pairs where both sides progressed on a goal / pairs where both have goals."),
    MetricSignature("participation_share", "share", {"field": ("department", "level"), "group": None, **_PEOPLE},
                    ("field",), True, "Share of participants in a group, or of groups taking part on both sides."),
    MetricSignature("early_closure_rate", "share", _PAIRS, description="Pairs ended early / approved pairs."),
)
METRIC_SIGNATURES: Mapping[str, MetricSignature] = {s.name: s for s in SIGNATURES}


def kpi_problems(program: Program) -> list[Problem]:
    """Unknown metrics (RM328) and parameters a metric does not know, lacks or cannot use (RM332)."""
    out = []
    for i, kpi in enumerate(program.kpis):
        spec = METRIC_SIGNATURES.get(kpi.metric)
        if spec is None:
            out.append(Problem(program.source.path, program.source.line, 1, "RM328",
                               f"kpi {kpi.id}: unknown metric '{kpi.metric}'",
                               suggest(kpi.metric, METRIC_SIGNATURES)
                               or "use one of: " + ", ".join(sorted(METRIC_SIGNATURES)),
                               f"/kpis/{i}/metric"))
            continue
        for message, hint, where in _param_problems(program, kpi, spec):
            out.append(Problem(program.source.path, program.source.line, 1, "RM332", f"kpi {kpi.id}: {message}",
                               hint, f"/kpis/{i}/params{where}"))
    return out


def _param_problems(program: Program, kpi: Kpi, spec: MetricSignature) -> list[tuple[str, str, str]]:
    known = ", ".join(sorted(spec.params)) or "none"
    out = [(f"{spec.name} needs the parameter '{name}'", f"add params: {{{name}: ...}}", "")
           for name in spec.required if name not in kpi.params]
    allowed = {**spec.params, "cohort": tuple(c.id for c in program.cohorts)}
    for name, value in sorted(kpi.params.items()):
        choices = allowed[name] if name in spec.params else "unknown"
        if choices == "unknown":
            out.append((f"{spec.name} has no parameter '{name}'", f"parameters: {known}", f"/{name}"))
        elif choices == ("#",):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 1 or value != int(value):
                out.append((f"{name} must be a whole number of at least 1, not {value!r}", "", f"/{name}"))
        elif choices is not None and value not in choices:
            out.append((f"{name} must be one of {', '.join(choices)}, not {value!r}", "", f"/{name}"))
    if spec.name == "would_continue_share" and "survey" in kpi.params and "question" in kpi.params:
        survey = program.survey(str(kpi.params["survey"]))
        question = survey.question(str(kpi.params["question"])) if survey else None
        if survey is None:
            out.append((f"unknown survey '{kpi.params['survey']}'", "use a survey id from surveys", "/survey"))
        elif question is None or question.type != "yes-no":
            out.append((f"survey {survey.id} has no yes-no question '{kpi.params['question']}'",
                        "use the id of a yes-no question", "/question"))
    return out
