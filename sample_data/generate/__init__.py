"""Synthetic data for benchmarks (SPEC section 5, `generate_data --scale S`): ten years of a program.

At scale 1: 25 peacekeepers, 1,000 clients, 50,000 contacts, 10,000 incidents over ten years, and
goals, referrals, responses, involvements and mediations in proportion; every count is linear in S.
After shootings (issue #16): a response case for each homicide and non-fatal shooting, its tasks done
by responses or still open, the old cases closed by a manager (one synthetic manager a scale); about
two groups a neighborhood, clients' associations with them, and conflicts between clients and groups
with their status histories, linked incidents and mediations.

Always added to what is there, never replacing it: peacekeepers get usernames after the last
synthetic one, client codes are reserved in blocks from the same per-year sequence the app uses
(`outreach.services.client_code_next` hands out the numbers after them), case numbers follow the
last synthetic one. Rows satisfy the model rules (clean() and the check constraints).

Realistic shapes: most clients have a few contacts and some have hundreds (a log-normal contact
rate times the time in the program); incidents cluster in a few neighborhoods, with hot years,
in summer, at night and at weekends.

A module per app (accounts, outreach, incidents; response and conflicts for incidents' newer parts)
makes that app's rows, each table's row a named
tuple whose fields are the table's columns; `bulk` copies them in (COPY, with the audit trail's
events dated when each row was created), so scale 10 (about 700,000 rows) takes well under a
minute, not the many minutes one save() per row would. It all happens in one transaction (a
savepoint inside the caller's); the random generator is passed in so the same seed gives the same
data.
"""

import random

import pghistory
from django.db import connection, transaction

from sample_data.generate import accounts, conflicts, incidents, outreach, response
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
        run.managers = accounts.managers(run)
        clients = outreach.clients(run)
        outreach.contacts(run, clients)
        outreach.goals_and_referrals(run, clients)
        made = incidents.incidents(run)
        incidents.involvements(run, made, clients)
        groups = conflicts.groups(run)
        conflicts.associations(run, clients, groups)
        disputes = conflicts.conflicts(run, made, clients, groups)
        with_case, still_open = response.response_cases_and_tasks(run, made)
        incidents.responses(run, made, done_by_tasks=with_case)
        incidents.mediations(run, made, clients, disputes)
        response.people_at_risk(run, still_open)
    return loader.result
