"""Benefit eligibility: a pure-Python rules engine (no Django imports).

Parameters are dated YAML (`parameters/`), programme specifications are data (`programmes.yaml` and the 복지로
list), rules are small classes (`rules.py`), and every answer carries its status, amount, reasons (the trace of
the conditions checked), missing inputs and the dated changes ahead for the household.
"""

from .catalogue import ProgrammeSpec, RegionSpan, information_specs, load_programme_specs
from .engine import Engine, Result, year_total
from .model import Amount, Answer, Change, Child, Household, Parent, Pregnancy, household_errors, household_from_input

__all__ = [
    "Amount",
    "Answer",
    "Change",
    "Child",
    "Engine",
    "Household",
    "Parent",
    "Pregnancy",
    "ProgrammeSpec",
    "RegionSpan",
    "Result",
    "household_errors",
    "household_from_input",
    "information_specs",
    "load_programme_specs",
    "year_total",
]
