"""Demo neighborhoods (names of Stockton's areas, as in the seed story)."""

from outreach.models import Neighborhood

NEIGHBORHOODS = [
    "Downtown",
    "East Stockton",
    "North Stockton",
    "South Stockton",
    "Southeast Stockton",
    "Weston Ranch",
    "Midtown",
    "Country Club",
    "Seaport",
    "Lincoln Village",
]


def seed_neighborhoods() -> int:
    """Create the demo neighborhoods that are missing; return how many were created."""
    existing = {name.lower() for name in Neighborhood.objects.values_list("name", flat=True)}
    missing = [Neighborhood(name=name) for name in NEIGHBORHOODS if name.lower() not in existing]
    Neighborhood.objects.bulk_create(missing)
    return len(missing)
