"""An axe-core sweep of every page the URL conf defines (used by test_accessibility.py).

Which pages: the URL conf is walked (the same sampling as tests/accounts/test_login_required.py),
so a page added later is swept without editing anything here. Each URL is first asked for with a
plain GET in the signed-in browser context; only pages that answer 200 with HTML are opened and
checked. A 404, 403 or 405, a redirect, or a 200 that is not HTML (a CSV or XLSX download) is
recorded as skipped; any other status (a 500) fails the sweep, since a broken page is no skip.

Path parameters: SAMPLE_IDS
---------------------------
A URL with a path parameter needs a record that exists. Without help the walk puts `1` in an
`<int:…>` parameter and `x` in a `<str:…>` one, which usually answers 404 and is skipped. To sweep
such pages, add an entry to SAMPLE_IDS. The key is either

* the URL *before* the parameter, exactly as the URL conf spells it (`"/clients/"`,
  `"/clients/<int:pk>/contacts/"`), or
* the parameter's name (`"year"`, `"quarter"`), used when no prefix key matches;

and the value a callable `hook(people, path)` returning what to put in the path, usually a new
record's pk. `people` maps persona names to users (`peacekeeper`, `other_peacekeeper`, `manager`,
`analyst`, `admin_user`); `path` holds the parameters already filled in this URL, so a nested
record can hang off its parent (`path["pk"]` is the client in `/clients/<int:pk>/goals/<int:item_pk>/`).
Each hook runs once per test and parent, so `/clients/<pk>/` and `/clients/<pk>/edit/` open the
same record. Put a client on `people["peacekeeper"]`'s caseload so that the peacekeeper's sweep
covers client pages too (roles answering 404 for it are simply skipped). Hang a nested record off
its parent with `client=`, not `client_id=`: the factories' `client` SubFactory would still make
(and leave behind) a client of its own. For example::

    SAMPLE_IDS = {
        "/clients/": lambda people, path: ClientFactory(primary_peacekeeper=people["peacekeeper"]).pk,
        "/clients/<int:pk>/goals/": lambda people, path: GoalFactory(client=Client.objects.get(pk=path["pk"])).pk,
        "/incidents/": lambda people, path: IncidentFactory().pk,
        "year": lambda people, path: 2024,
        "quarter": lambda people, path: 2,
    }
"""

import datetime
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from incidents import response_cases
from incidents.models import Incident, ResponseCase, ResponseTask
from outreach.models import Client, Topic, local_today
from publishing.models import PublishedCopy
from publishing.tasks import prepare_copy
from tests.accounts.test_login_required import _ROUTE_PARAM, _sample_regex
from tests.browser.conftest import PHONE
from tests.factories import (
    ClientFactory,
    ConflictFactory,
    ConflictPartyFactory,
    ContactFactory,
    GoalFactory,
    GroupAssociationFactory,
    GroupFactory,
    IncidentFactory,
    InvolvementFactory,
    MediationFactory,
    PartnerFactory,
    ReferralFactory,
    ResponseFactory,
    publish_copy,
)

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("critical", "serious")
# Pages this role may not open (or not with GET): skipped. Any other status fails the sweep.
SKIPPED_STATUSES = {403, 404, 405}

DESKTOP = {"width": 1280, "height": 900}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}

# Not pages: logout is POST only, the health check is plain text for load balancers.
NOT_PAGES = {"/accounts/logout/", "/health/"}
# Django's own admin: only its index is ours to check (it is the administrators' way in).
ADMIN_PREFIX, ADMIN_INDEX = "/admin/", "/admin/"

SampleHook = Callable[[Mapping[str, User], Mapping[str, str]], object]


def sample_client(people: Mapping[str, User], path: Mapping[str, str]) -> int:
    """A client on the peacekeeper's caseload with everything its page can show: contacts (one
    flagged, one with a follow-up due today), a goal, a referral. A second client, never
    contacted, is past the contact standard, so the overdue styling (list rows, badges, the
    dashboard's list) is swept too. other_peacekeeper keeps an empty caseload: its empty state is swept.
    """
    grover = people["peacekeeper"]
    client = ClientFactory(
        first_name="Jamal", last_name="Johnson", nickname="Jay", phone="(510) 555-0142", primary_peacekeeper=grover
    )
    ContactFactory(client=client, kind="phone", topics=[Topic.EDUCATION, Topic.EMPLOYMENT], notes="Called about GED.")
    ContactFactory(
        client=client,
        kind="home_visit",
        duration_minutes=60,
        location="At home",
        topics=[Topic.FAMILY],
        notes="Met his mother.",
        conflict_risk=True,
        next_steps="Check in after the weekend.",
        follow_up_on=local_today(),
    )
    ContactFactory(client=client, kind="text_social", duration_minutes=5, topics=[])
    GoalFactory(client=client, domain="employment", description="Find a part-time job", status="in_progress")
    ReferralFactory(client=client, partner=PartnerFactory(name="Youth Jobs Coalition"), service="Job readiness")
    ClientFactory(first_name="DeShawn", last_name="Carter", primary_peacekeeper=grover)
    return client.pk


def sample_goal(people: Mapping[str, User], path: Mapping[str, str]) -> int:
    return GoalFactory(client=Client.objects.get(pk=path["pk"]), target_on=local_today()).pk


def sample_referral(people: Mapping[str, User], path: Mapping[str, str]) -> int:
    return ReferralFactory(client=Client.objects.get(pk=path["pk"]), status="connected").pk


def sample_incident(people: Mapping[str, User], path: Mapping[str, str]) -> int:
    """A non-fatal shooting with everything its page can show: coordinates, a description, the
    peacekeeper's sample client involved (named for the peacekeeper and managers, counted for the
    others), a peacekeeper's response (so the "Record a response" disclosure starts closed) and a
    mediation linked to it. The POST-only URLs under it (responses/new/, involvements/new/)
    answer a GET with 405 and are skipped; so does /incidents/import/<pk>/confirm/, whose `pk`
    has no hook (an import preview needs a POST: test_incidents.py checks it with axe)."""
    grover = people["peacekeeper"]
    # The same Jamal as the client pages when /clients/ was sampled first; made here otherwise.
    client = Client.objects.filter(primary_peacekeeper=grover, first_name="Jamal").first()
    if client is None:
        client = Client.objects.get(pk=sample_client(people, {}))
    incident = IncidentFactory(
        kind="nonfatal_shooting",
        killed=0,
        injured=2,
        weapon="firearm",
        address="1200 block of 73rd Avenue",
        latitude="37.762100",
        longitude="-122.181400",
        group_related=True,
        retaliation_risk="high",
        description="Two young men shot outside a corner store.\nFamily asked for support.",
        logged_by=people["manager"],
    )
    InvolvementFactory(incident=incident, client=client, role="victim")
    ResponseFactory(
        incident=incident,
        peacekeeper=grover,
        responded_at=incident.occurred_at + datetime.timedelta(hours=2),
        kind="hospital",
        notes="Met the family at the hospital.",
    )
    MediationFactory(
        neighborhood=incident.neighborhood,
        parties="Two groups from neighboring blocks",
        outcome="temporarily_resolved",
        incident=incident,
        logged_by=grover,
        peacekeepers=[grover],
        clients=[client],
    )
    return incident.pk


def sample_mediation(people: Mapping[str, User], path: Mapping[str, str]) -> int:
    """The sample incident's mediation (its peacekeeper, the peacekeeper's client, notes)."""
    incident = Incident.objects.get(pk=sample_incident(people, {}))
    mediation = incident.mediations.get()
    mediation.notes = "Both sides agreed to meet again in two weeks."
    mediation.save(update_fields=["notes"])
    return mediation.pk


def sample_group(people: Mapping[str, User], path: Mapping[str, str]) -> int:
    """A group with a neighborhood, a member on the peacekeeper's caseload, another client on it
    and a conflict with a rival group (its network has every kind of node)."""
    from incidents.models import Group

    if group := Group.objects.filter(name="Sample crew").first():
        return group.pk
    group = GroupFactory(name="Sample crew", aliases="The Crew", territory_note="Around the park")
    grover = people["peacekeeper"]
    member = Client.objects.filter(primary_peacekeeper=grover, first_name="Jamal").first()
    member = member or Client.objects.get(pk=sample_client(people, {}))
    GroupAssociationFactory(client=member, group=group, evidence_note="Said so at intake.")
    GroupAssociationFactory(
        client=ClientFactory(primary_peacekeeper=people["peacekeeper"]), group=group, role="associate"
    )
    conflict = ConflictFactory(status="mediation_attempted", created_by=grover)
    ConflictPartyFactory(conflict=conflict, client=member, side="a")
    ConflictPartyFactory(conflict=conflict, group=group, side="a")
    ConflictPartyFactory(conflict=conflict, group=GroupFactory(name="Sample rivals"), side="b")
    return group.pk


def sample_conflict(people: Mapping[str, User], path: Mapping[str, str]) -> int:
    """The sample group's conflict (parties on both sides, a status history)."""
    from incidents.models import Conflict

    sample_group(people, path)
    return Conflict.objects.filter(parties__group__name="Sample rivals").values_list("pk", flat=True).first()


def sample_report_year(people: Mapping[str, User], path: Mapping[str, str]) -> int:
    """Last year, with an incident in its fourth quarter (so its report exists)."""
    year = timezone.localdate().year - 1
    when = datetime.datetime(year, 11, 15, 21, 30, tzinfo=timezone.get_current_timezone())
    if not Incident.objects.filter(occurred_at__lte=when).exists():
        IncidentFactory(occurred_at=when, kind="shots_fired", killed=0, injured=0)
    return year


def sample_published_version(people: Mapping[str, User], path: Mapping[str, str]) -> int:
    """A published public copy of the sample quarter (its audit shows to managers)."""
    year, quarter = int(path["year"]), int(path["quarter"])
    copy = PublishedCopy.objects.published().filter(year=year, quarter=quarter).first()
    return (copy or publish_copy(year, quarter, by=people["manager"])).version


def sample_prepared_copy(people: Mapping[str, User], path: Mapping[str, str]) -> int:
    """A public copy prepared and not yet published (the managers' page with its check)."""
    year = sample_report_year(people, path)
    copy = PublishedCopy.objects.create(year=year, quarter=4, prepared_by=people["manager"])
    prepare_copy.call(copy.pk)
    return copy.pk


def sample_response_case(people: Mapping[str, User], path: Mapping[str, str]) -> int:
    """The sample shooting's response case: its tasks from the default standard, the sample client (wounded)
    taking the hospital visit, the sample response doing one task."""
    response_cases.default_standard()
    incidents = Incident.objects.filter(pk=sample_incident(people, {}))
    response_cases.response_cases_open(incidents=incidents)
    return incidents.get().response_case.pk


def sample_response_task(people: Mapping[str, User], path: Mapping[str, str]) -> int:
    """An open task of the sample case that the sample peacekeeper may work."""
    case = ResponseCase.objects.get(pk=sample_response_case(people, {}))
    return ResponseTask.objects.visible_to(people["peacekeeper"]).filter(case=case, status="open").first().pk


SAMPLE_IDS: dict[str, SampleHook] = {
    "/clients/": sample_client,
    "/clients/<int:pk>/goals/": sample_goal,
    "/clients/<int:pk>/referrals/": sample_referral,
    "/incidents/": sample_incident,
    "/mediations/": sample_mediation,
    "/response-cases/": sample_response_case,
    "/response-tasks/": sample_response_task,
    "/groups/": sample_group,
    "/conflicts/": sample_conflict,
    # The quarterly report: a closed quarter (the sample incident above is recent, so the
    # current year's figures are not empty either), with an incident in it: reports start at the
    # first quarter on record.
    "year": sample_report_year,
    "quarter": lambda people, path: 4,
    "version": sample_published_version,
    "/reports/public-copies/": sample_prepared_copy,
}


def walk_routes(patterns=None, prefix: str = "/") -> Iterator[str]:
    """Yield every pattern of the URL conf as a path that keeps its `<converter:name>` parameters.

    Regex patterns (Django admin's) are sampled as test_login_required does.
    """
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        text = str(pattern.pattern)
        part = text if hasattr(pattern.pattern, "_route") else _sample_regex(text)
        if isinstance(pattern, URLResolver):
            yield from walk_routes(pattern.url_patterns, prefix + part)
        elif isinstance(pattern, URLPattern):
            yield prefix + part


def is_swept(route: str) -> bool:
    if route in NOT_PAGES:
        return False
    return not route.startswith(ADMIN_PREFIX) or route == ADMIN_INDEX


def swept_routes() -> list[str]:
    return sorted({route for route in walk_routes() if is_swept(route)})


class SampleIds:
    """Fills a route's path parameters from SAMPLE_IDS, creating each sample record once."""

    def __init__(self, people: Mapping[str, User], hooks: Mapping[str, SampleHook] | None = None):
        self.people = people
        self.hooks = SAMPLE_IDS if hooks is None else hooks
        self.made: dict[tuple, str] = {}

    def url(self, route: str) -> str:
        path: dict[str, str] = {}
        url, end = "", 0
        for match in _ROUTE_PARAM.finditer(route):
            path[match["name"]] = self._value(route[: match.start()], match, path)
            url += route[end : match.start()] + path[match["name"]]
            end = match.end()
        return url + route[end:]

    def _value(self, before: str, match: re.Match, path: dict[str, str]) -> str:
        key = before if before in self.hooks else match["name"]
        if key not in self.hooks:
            return "x" if match["converter"] in ("str", "slug", "path") else "1"
        made = (key, *path.items())
        if made not in self.made:
            self.made[made] = str(self.hooks[key](self.people, dict(path)))
        return self.made[made]


@dataclass
class Sweep:
    """What a sweep checked, skipped and found, for one role."""

    role: str
    language: str = "en"  # what every page's <html lang> must say
    widths: tuple[str, ...] = tuple(WIDTHS)
    checked: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failing: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)

    def record(self, url: str, width: str, violations: list[dict]) -> None:
        self.checked.append(f"{url} @ {width}")
        for violation in violations:
            text = describe(violation, f"{url} @ {width}")
            (self.failing if violation["impact"] in FAILING_IMPACTS else self.other).append(text)

    def summary(self) -> str:
        counts = f"{len(self.checked)} page views checked, {len(self.skipped)} URLs skipped"
        lines = [f"axe sweep as {self.role} in {self.language}: {counts}"]
        lines += [f"  checked {item}" for item in self.checked]
        lines += [f"  skipped {item}" for item in self.skipped]
        lines += [f"  ERROR {item}" for item in self.errors]
        if self.other:
            lines.append(f"  {len(self.other)} moderate/minor violations (not failing):")
            lines += [f"    {text}" for text in self.other]
        return "\n".join(lines)


def describe(violation: dict, where: str) -> str:
    nodes = "\n".join(
        f"      {' >>> '.join(_flatten(node['target']))}  ({_first_line(node.get('failureSummary'))})"
        for node in violation["nodes"]
    )
    return f"[{violation['impact']}] {violation['id']}: {violation['help']} on {where}\n{nodes}"


def _flatten(target) -> list[str]:
    # Selectors inside iframes or shadow roots come as nested lists.
    return [" ".join(part) if isinstance(part, list) else part for part in target]


def _first_line(summary: str | None) -> str:
    lines = (summary or "").splitlines()
    return " ".join(line.strip() for line in lines[1:2]) or (lines[0] if lines else "")


def run_axe(page) -> list[dict]:
    """Inject axe into the page and return its WCAG 2.0/2.1 A and AA violations."""
    page.add_script_tag(path=AXE_JS)
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
                  .then(results => results.violations)""",
        WCAG_TAGS,
    )


def violations_here(page, new_context) -> list[str]:
    """axe's violations of the page's current URL, opened again for the same user and width in a context that
    lets axe in (it is injected as an inline script, which the CSP refuses): one line each, rule and element."""
    other = new_context(bypass_csp=True, storage_state=page.context.storage_state(), viewport=page.viewport_size)
    axe_page = other.new_page()
    axe_page.goto(page.url)
    found = [f"{v['id']}: {node['target']}" for v in run_axe(axe_page) for node in v["nodes"]]
    other.close()
    return found


def sweep(page, base_url: str, routes: list[str], samples: SampleIds, result: Sweep) -> Sweep:
    """Check each route that renders as HTML for this page's user, at desktop and phone widths."""
    pages = html_pages(page, base_url, routes, samples, result)
    for width, viewport in WIDTHS.items():
        if width not in result.widths:
            continue
        page.set_viewport_size(viewport)
        for url in pages:
            page.goto(base_url + url)
            lang = page.evaluate("document.documentElement.lang")
            if lang != result.language:
                result.failing.append(f'<html lang="{lang}"> on {url} @ {width}, in {result.language}')
            result.record(url, width, run_axe(page))
    return result


def html_pages(page, base_url: str, routes: list[str], samples: SampleIds, result: Sweep) -> list[str]:
    """The routes' URLs that answer this page's user 200 with HTML; the others go to `result`."""
    pages = []
    for route in routes:
        url = samples.url(route)
        # The context's request API shares the browser's cookies: ask before opening, so that
        # downloads and redirects are skipped without the browser following them.
        response = page.request.get(base_url + url, max_redirects=0)
        content_type = response.headers.get("content-type", "")
        if response.status == 200 and content_type.startswith("text/html"):
            pages.append(url)
        elif 300 <= response.status < 400:
            result.skipped.append(f"{url}: {response.status} to {response.headers.get('location')}")
        elif response.status in SKIPPED_STATUSES or response.status == 200:
            result.skipped.append(f"{url}: {response.status} {content_type}".rstrip())
        else:
            # A 500 (or a 400 to a plain GET) is a broken page, not one this role may not open.
            result.errors.append(f"{url}: {response.status}")
        response.dispose()
    return pages
