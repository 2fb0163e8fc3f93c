import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from incidents.importer import ProgressPrinter
from sample_data.generate import Plan, generate

MAX_SCALE = 1000


class Command(BaseCommand):
    help = (
        "Add synthetic data for benchmarks: at scale 1, 25 peacekeepers, 1,000 clients, 50,000 contacts and "
        "10,000 incidents over ten years, with goals, referrals, responses and mediations in proportion; a response "
        "case for each homicide and non-fatal shooting with its tasks, groups, group associations and conflicts. "
        "Always added to what is there. The peacekeepers and managers made here cannot sign in (unusable passwords)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, required=True, help="Size: 1 is a mid-sized program, 10 a city.")
        parser.add_argument("--seed", type=int, help="Random seed: the same seed gives the same data.")

    def handle(self, *args, scale: float, seed: int | None, **options) -> None:
        if not 0 < scale <= MAX_SCALE:
            raise CommandError(f"--scale must be above 0 and at most {MAX_SCALE}.")
        if seed is None:
            seed = random.SystemRandom().randrange(1_000_000)
        plan = Plan.for_scale(scale)
        progress = ProgressPrinter(self.stdout, plan.main_rows) if self.stdout.isatty() else None
        started = time.monotonic()
        with transaction.atomic():
            generated = generate(plan=plan, rng=random.Random(seed), progress=progress)
        if progress:
            self.stdout.write("")
        seconds = time.monotonic() - started
        self.stdout.write(f"Generated at scale {scale:g} (seed {seed}) in {seconds:.1f}s: {generated.summary()}.")
