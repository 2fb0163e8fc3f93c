"""Synthetic data for benchmarks (SPEC section 5, `generate_data --scale S`): ten years of a program.

At scale 1: 25 peacekeepers, 1,000 clients, 50,000 contacts, 10,000 incidents over ten years, and
goals, referrals, responses, involvements and mediations in proportion; every count is linear in S.

Always added to what is there, never replacing it: peacekeepers get usernames after the last
synthetic one, client codes are reserved in blocks from the same per-year sequence the app uses
(`outreach.services.client_code_next` hands out the numbers after them), case numbers follow the
last synthetic one. Rows satisfy the model rules (clean() and the check constraints).

Realistic shapes: most clients have a few contacts and some have hundreds (a log-normal contact
rate times the time in the program); incidents cluster in a few neighborhoods, with hot years,
in summer, at night and at weekends.

A module per app (accounts, outreach, incidents) makes that app's rows, each table's row a named
tuple whose fields are the table's columns; `bulk` copies them in (COPY, with the audit trail's
events dated when each row was created), so scale 10 (about 700,000 rows) takes well under a
minute, not the many minutes one save() per row would. It all happens in one transaction (a
savepoint inside the caller's); the random generator is passed in so the same seed gives the same
data.
"""

import random

import pghistory
from django.db import connection, transaction

from sample_data.generate import accounts, incidents, outreach
from sample_data.generate.base import Plan, Progress, Run
from sample_data.generate.bulk import Generated, Loader

__all__ = ["Generated", "Plan", "generate"]


def generate(*, plan: Plan, rng: random.Random, progress: Progress | None = None) -> Generated:
    """Add a plan's worth of synthetic data, all or nothing."""
    with (
        transaction.atomic(),
        pghistory.context(source="generate_data") as context,
        connection.cursor() as cursor,
    ):
        loader = Loader(cursor, context=context, progress=progress)
        run = Run(plan=plan, rng=rng, load=loader)
        run.neighborhoods = outreach.ensure_neighborhoods()
        run.partners = outreach.ensure_partners()
        run.peacekeepers = accounts.peacekeepers(run)
        clients = outreach.clients(run)
        outreach.contacts(run, clients)
        outreach.goals_and_referrals(run, clients)
        made = incidents.incidents(run)
        incidents.responses_and_involvements(run, made, clients)
        incidents.mediations(run, made, clients)
    return loader.result
