"""Reference rows that data migrations write: transactional tests flush them, and put them back here."""

import importlib

from django.apps import apps

#: The data migrations of the checklist, in order, with their forward function.
CHECKLIST_MIGRATIONS = (
    ("elections.migrations.0003_default_steps", "load"),
    ("lifecycle.migrations.0002_derived_steps", "derive"),
    ("lifecycle.migrations.0003_voting_notice_step", "derive"),
    ("lifecycle.migrations.0004_risk_steps", "derive"),
    ("lifecycle.migrations.0005_certificates_issued", "add_step"),
    ("lifecycle.migrations.0006_page_names_in_guidance", "rename"),
    ("lifecycle.migrations.0007_objections_from_records", "derive"),
)


def load_default_steps() -> None:
    for module, function in CHECKLIST_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)
