from django.apps import AppConfig


class SampleDataConfig(AppConfig):
    """Made-up data for every app: the demo program (seed_demo) and benchmark data (generate_data).

    An app of its own, on top beside reports, because it writes into every other app: no app below
    it has to know it exists.
    """

    name = "sample_data"
