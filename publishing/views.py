"""Public copies of the quarterly report: each quarter's versions, the preparation job's page (with its
progress, then the copy and its audit), publishing, and the published copy as a page, CSV and XLSX.

Published copies are read by everyone who reads reports (managers, analysts, admins); preparing,
publishing and the audit (which names the hidden cells' true values) are for managers and admins."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from accounts import access, roles
from core.form_keys import submit_once
from core.quarters import Quarter
from publishing import frozen, services
from publishing.forms import PrepareForm, PublishForm
from publishing.models import CopyStatus, PublishedCopy
from reports import display, periods
from reports import views as report_views

THIS_COPY = "(this copy)"  # how the audit names the copy being prepared (reports.publication.prepare)
WORKER_LATE_SECONDS = 15
STALLED_SECONDS = 120


def _require_reports(request: HttpRequest) -> None:
    if not roles.can_see_reports(request.user):
        raise Http404


def _require_publisher(request: HttpRequest) -> None:
    if not roles.can_publish_reports(request.user):
        raise Http404


def _quarter(year: int, quarter: int) -> Quarter:
    return report_views.quarter_or_404(year, quarter, first=periods.first_quarter())


def _draft(request: HttpRequest, pk: int) -> PublishedCopy:
    _require_publisher(request)
    return get_object_or_404(PublishedCopy.objects.exclude(status=CopyStatus.PUBLISHED), pk=pk)


@require_GET
def copy_list(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    """A quarter's published versions and, for managers, the copies being prepared or not published."""
    _require_reports(request)
    q = _quarter(year, quarter)
    copies = PublishedCopy.objects.of(q).select_related("published_by", "prepared_by")
    publisher = roles.can_publish_reports(request.user)
    context = {
        "quarter": q,
        "published": [c for c in copies if c.status == CopyStatus.PUBLISHED],
        "drafts": [c for c in copies if c.status != CopyStatus.PUBLISHED] if publisher else [],
        "publisher": publisher,
        "form": PrepareForm() if publisher else None,
    }
    return render(request, "publishing/copy_list.html", context)


@require_POST
@submit_once(
    PublishedCopy,
    visible=lambda request: PublishedCopy.objects.filter(prepared_by=request.user),
)
def copy_prepare(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    _require_publisher(request)
    q = _quarter(year, quarter)
    form = PrepareForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()))
        return redirect("publishing:copies", q.year, q.number)
    copy = services.copy_prepare(quarter=q, by=request.user, form_key=form.cleaned_data["form_key"])
    return redirect(copy)


@require_GET
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    """A copy not (yet) published: the job's progress, its failure, or the copy and its audit. Once it is
    published, its link leads to the published copy."""
    _require_publisher(request)
    copy = get_object_or_404(PublishedCopy, pk=pk)
    if copy.status == CopyStatus.PUBLISHED:
        return redirect(copy)
    return _draft_page(request, copy, PublishForm(gives_away=copy.gives_away))


def _draft_page(request: HttpRequest, copy: PublishedCopy, form: PublishForm, status: int = 200) -> HttpResponse:
    context = {"copy_record": copy, "status": copy_status(copy), "form": form}
    if copy.status in (CopyStatus.READY, CopyStatus.DISCARDED) and copy.content:
        context |= _document_context(request, frozen.thaw(copy.content), copy)
        last = PublishedCopy.objects.of(copy.period).published().order_by("version").last()
        context["last_version"] = last.version if last else 0
        context["differences"] = frozen.differences(last.content, copy.content) if last else None
    return render(request, "publishing/draft.html", context, status=status)


@require_GET
def draft_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the preparation page polls."""
    return JsonResponse(copy_status(_draft(request, pk)))


@require_POST
def draft_publish(request: HttpRequest, pk: int) -> HttpResponse:
    copy = _draft_or_published(request, pk)
    if copy.status == CopyStatus.PUBLISHED:
        messages.info(request, gettext("Already published as version %(version)s.") % {"version": copy.version})
        return redirect(copy)
    form = PublishForm(request.POST, gives_away=copy.gives_away)
    if form.is_valid():
        try:
            copy = services.copy_publish(
                copy=copy,
                by=request.user,
                reason=form.cleaned_data["reason"],
                gives_away_accepted=form.cleaned_data.get("gives_away_accepted", False),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                gettext("Published as version %(version)s of %(quarter)s.")
                % {"version": copy.version, "quarter": display.quarter_label(copy.period.label)},
            )
            return redirect(copy)
    return _draft_page(request, copy, form, status=400)


@require_POST
def draft_discard(request: HttpRequest, pk: int) -> HttpResponse:
    copy = services.copy_discard(copy=_draft_or_published(request, pk), by=request.user)
    if copy.status == CopyStatus.DISCARDED:
        messages.info(request, gettext("This copy will not be published."))
    return redirect("publishing:copies", copy.year, copy.quarter)


def _draft_or_published(request: HttpRequest, pk: int) -> PublishedCopy:
    """A publishing action's copy: a second submit finds it published and is answered with it."""
    _require_publisher(request)
    return get_object_or_404(PublishedCopy, pk=pk)


def _published(request: HttpRequest, year: int, quarter: int, version: int) -> PublishedCopy:
    _require_reports(request)
    return get_object_or_404(
        PublishedCopy.objects.select_related("published_by"),
        year=year,
        quarter=quarter,
        version=version,
        status=CopyStatus.PUBLISHED,
    )


@require_GET
@report_views.in_language
def copy_detail(request: HttpRequest, year: int, quarter: int, version: int) -> HttpResponse:
    """A published public copy, exactly as released."""
    copy = _published(request, year, quarter, version)
    access.record(request, access.Action.VIEW_REPORT, f"quarterly {copy.label} public")
    document = frozen.thaw(copy.content, published=copy.version_line)
    later = PublishedCopy.objects.of(copy.period).published().filter(version__gt=copy.version)
    context = {
        "copy_record": copy,
        "replaced_by": later.order_by("version").last(),
        **_document_context(request, document, copy),
        **report_views.language_links(request),
    }
    return render(request, "publishing/copy_detail.html", context)


@require_GET
@report_views.in_language
def copy_export(request: HttpRequest, year: int, quarter: int, version: int, file_format: str) -> HttpResponse:
    """A published public copy as a CSV or XLSX download (in the access log)."""
    copy = _published(request, year, quarter, version)
    access.record(request, access.Action.EXPORT, f"quarterly {copy.label} public {file_format}")
    document = frozen.thaw(copy.content, published=copy.version_line)
    name = report_views.filename(document.report, f"-public-v{copy.version}")
    return report_views.file_response(document, file_format, name)


def _document_context(request: HttpRequest, document, copy: PublishedCopy) -> dict:
    """The copy as the report page shows it and, for managers only, its audit (it names true values):
    this copy's hidden cells listed, the earlier copies' cells checked with it summed up."""
    context = report_views.quarterly_context(document, first=periods.first_quarter())
    if not roles.can_publish_reports(request.user) or not copy.audit:
        return context | {"audit": None}
    cells = copy.audit.get("cells", [])
    mine = [cell for cell in cells if cell["copy"].endswith(THIS_COPY)]
    others = [cell for cell in cells if not cell["copy"].endswith(THIS_COPY)]
    return context | {
        "audit": copy.audit,
        "audit_mine": mine,
        "audit_others": len(others),
        "audit_others_open": [cell for cell in others if not cell["protected"]],
    }


def copy_status(copy: PublishedCopy) -> dict:
    now = timezone.now()
    last = copy.progress_at or copy.started_at or copy.prepared_at
    note = ""
    if copy.status == CopyStatus.WAITING and (now - last).total_seconds() > WORKER_LATE_SECONDS:
        note = gettext("The background worker has not picked this up yet: it may be busy, or not running.")
    elif copy.status == CopyStatus.PREPARING and (now - last).total_seconds() > STALLED_SECONDS:
        note = gettext("No progress for over two minutes: the background worker may have stopped.")
    return {
        "status": copy.status,
        "label": copy.get_status_display(),
        "active": copy.active,
        "done": copy.progress_done,
        "total": copy.progress_total,
        "text": display.text(copy.progress_text),  # kept in English on the row by the worker
        "note": note,
        "failure": display.text(copy.failure),
    }
