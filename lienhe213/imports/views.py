"""The import pages: upload a file and see the imports made, follow the check, preview
the rows by outcome, correct the columns or choose split communes, commit, and download
the rejected rows or a blank template (ADR 0011)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from lienhe213.accounts.access import AuthenticatedHttpRequest, Capability, has_capability
from lienhe213.core.errors import DomainError
from lienhe213.core.exports import attachment
from lienhe213.core.locking import STALE_MESSAGES
from lienhe213.core.pages import PAGE_SIZE, peek_page, wants_fragment
from lienhe213.imports import access, services, workbooks
from lienhe213.imports.forms import CommunesForm, MappingForm, UploadForm, VersionForm
from lienhe213.imports.models import ImportBatch, ImportRow
from lienhe213.organizations.models import AdministrativeUnit

# The outcomes in the order the preview offers them: what needs the user first.
OUTCOME_ORDER = (
    ImportRow.Outcome.REJECTED,
    ImportRow.Outcome.NEW,
    ImportRow.Outcome.UPDATE,
    ImportRow.Outcome.UNCHANGED,
)

# The columns that tell a row apart at a glance, per kind: the first is its title.
MAIN_FIELDS: dict[str, tuple[str, ...]] = {
    ImportBatch.Kind.MEMBERS: ("full_name", "birth_date", "party_card_number", "cell"),
    ImportBatch.Kind.ORGANIZATIONS: ("name", "kind", "parent"),
    ImportBatch.Kind.LINKS: ("full_name", "birth_date", "letter_number", "cell"),
}


def _require_may_change(request: HttpRequest, batch: ImportBatch) -> None:
    """403 for a user who sees the import but may not import this kind of file there."""
    if not services.may_import(request.user, batch.kind, batch.organization):
        raise PermissionDenied


# --- the list and the upload ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The upload form, the blank templates and the imports the user may see, newest
    first, paged without a total."""
    if not has_capability(request.user, Capability.IMPORT_RECORDS):
        raise PermissionDenied
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None, request.FILES if posted else None, user=request.user
    )
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.require_file_size(upload.size or 0)
            batch = services.start_import(
                by=request.user,
                kind=form.cleaned_data["kind"],
                organization=form.cleaned_data["organization"],
                file_name=upload.name or "",
                content=upload.read(),
                all_or_nothing=form.cleaned_data["all_or_nothing"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("imports:detail", pk=batch.pk)
    batches = (
        ImportBatch.objects.visible_to(request.user)
        .select_related("organization")
        .defer("content", "labels", "mapping", "choices")
    )
    context = {
        "form": form,
        "page": peek_page(batches, request.GET.get("page")),
        "templates": [(kind, label) for kind, label in ImportBatch.Kind.choices],
    }
    return render(request, "imports/list.html", context)


@login_required
def template(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """A blank workbook for one kind of file, for anyone who may import somewhere."""
    if not has_capability(request.user, Capability.IMPORT_RECORDS):
        raise PermissionDenied
    if kind not in services.KINDS:
        raise Http404
    return attachment(workbooks.template_workbook(kind), filename=f"import-template-{kind}.xlsx")


# --- one import ---------------------------------------------------------------------------


@dataclass
class RowView:
    """One previewed row as the page shows it: cells as typed, labelled by the file's
    own headers."""

    number: int
    title: str
    summary: list[str]
    cells: list[tuple[str, str]]
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def _label(labels: dict[str, str], spec: services.Kind, name: str) -> str:
    """How the page names a field: its label, else the header offices type for it."""
    return labels.get(name) or next(iter(spec.aliases.get(name, [])), name)


def _row_views(batch: ImportBatch, rows: list[ImportRow]) -> list[RowView]:
    columns = {name: int(index) for index, name in batch.mapping.items()}
    main = [columns[name] for name in MAIN_FIELDS.get(batch.kind, ()) if name in columns]
    spec = services.KINDS[batch.kind]
    labels = spec.labels()
    views = []
    for row in rows:
        cells = [str(value) for value in row.cells]
        picked = [cells[i] for i in main if i < len(cells)] or cells[:3]
        headers = list(batch.labels) + [""] * (len(cells) - len(batch.labels))
        views.append(
            RowView(
                number=row.number,
                title=picked[0] if picked else "",
                summary=[value for value in picked[1:] if value],
                cells=[
                    (header or _("Column %(number)d") % {"number": i + 1}, value)
                    for i, (header, value) in enumerate(zip(headers, cells, strict=False))
                    if value
                ],
                changes=[
                    (_label(labels, spec, name), str(before or "—"), str(after or "—"))
                    for name, (before, after) in row.changes.items()
                ],
                reasons=list(row.reasons),
            )
        )
    return views


def _chosen_outcome(request: HttpRequest, batch: ImportBatch) -> str:
    asked = request.GET.get("outcome")
    if asked in ImportRow.Outcome.values:
        return str(asked)
    return next((str(o) for o in OUTCOME_ORDER if batch.count(o)), ImportRow.Outcome.NEW)


def _rows_page(request: HttpRequest, batch: ImportBatch, outcome: str) -> dict[str, Any]:
    """One page of the rows of ``outcome`` through the (batch, outcome, number) index;
    the batch's counts say whether another page follows, so no COUNT is run."""
    rows = (
        ImportRow.objects.filter(batch=batch, outcome=outcome)
        .order_by("number")
        .only("number", "cells", "changes", "reasons")
    )
    page = peek_page(rows, request.GET.get("page"))
    return {
        "number": page.number,
        "rows": _row_views(batch, page.rows),
        "has_previous": page.has_previous,
        "has_next": page.number * PAGE_SIZE < batch.count(outcome),
        "first": page.start_index,
        "last": page.start_index + len(page.rows) - 1,
        "total": batch.count(outcome),
    }


def _pending_communes(batch: ImportBatch) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The old communes the check could not place: (folded text, text as typed, the new
    communes it was split into as (code, name))."""
    pending = batch.counts.get("choose") or {}
    codes = {code for _typed, options in pending.values() for code in options}
    names = (
        dict(AdministrativeUnit.objects.filter(code__in=codes).values_list("code", "name"))
        if codes
        else {}
    )
    return [
        (key, typed, [(code, names.get(code, code)) for code in options])
        for key, (typed, options) in sorted(pending.items(), key=lambda item: item[1][0])
    ]


def _mapping_form(batch: ImportBatch, data: Any = None) -> MappingForm:
    """A choice per column of the file among the fields of its kind, named as the page
    names them (the first header alias when the kind has no label of its own)."""
    spec = services.KINDS[batch.kind]
    labels = spec.labels()
    return MappingForm(
        data,
        initial={"version": batch.version},
        labels=batch.labels,
        fields=[(name, _label(labels, spec, name)) for name in spec.aliases],
        mapping=batch.mapping,
    )


def _forms(batch: ImportBatch, bound: dict[str, Form]) -> dict[str, Form]:
    """The forms of the page, unbound unless a POST just failed on one of them."""
    initial = {"version": batch.version}
    return {
        "mapping_form": bound.get("mapping") or _mapping_form(batch),
        "communes_form": bound.get("communes")
        or CommunesForm(initial=initial, pending=_pending_communes(batch)),
        "commit_form": bound.get("commit") or VersionForm(initial=initial),
    }


def _detail_page(
    request: HttpRequest, batch: ImportBatch, bound: dict[str, Form] | None = None
) -> HttpResponse:
    bound = bound or {}
    can_change = services.may_import(request.user, batch.kind, batch.organization)
    outcome = _chosen_outcome(request, batch)
    accepted = batch.count(ImportRow.Outcome.NEW) + batch.count(ImportRow.Outcome.UPDATE)
    blocked = batch.all_or_nothing and batch.count(ImportRow.Outcome.REJECTED) > 0
    context: dict[str, Any] = {
        "batch": batch,
        "can_change": can_change,
        "outcome": outcome,
        "outcome_label": ImportRow.Outcome(outcome).label,
        # A refusal is shown at the top: the form it came from may not be on the page
        # any more (a second click on "Import" finds the import already running).
        "errors": [str(error) for form in bound.values() for error in form.non_field_errors()],
        "outcomes": [(o.value, o.label, batch.count(o)) for o in OUTCOME_ORDER],
        "accepted": accepted,
        "blocked": blocked,
        "may_commit": can_change
        and batch.status == ImportBatch.Status.READY
        and accepted > 0
        and not blocked,
    }
    if batch.status in (ImportBatch.Status.READY, ImportBatch.Status.DONE):
        context["page"] = _rows_page(request, batch, outcome)
    if can_change and batch.status in (ImportBatch.Status.READY, ImportBatch.Status.FAILED):
        context.update(_forms(batch, bound))
    return render(request, "imports/detail.html", context)


@login_required
def import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One import: its progress while it runs (htmx polls the fragment; the page reloads
    when the step ends), then the preview or the result."""
    batch = access.get_import_for_user(request.user, pk)
    if wants_fragment(request):
        if not batch.is_running:
            return HttpResponseClientRefresh()
        return render(request, "imports/detail.html#progress", {"batch": batch})
    return _detail_page(request, batch)


def _act(
    request: HttpRequest,
    pk: int,
    key: str,
    bind: Callable[[ImportBatch], VersionForm],
    perform: Callable[[ImportBatch, VersionForm], object],
    done: str,
) -> HttpResponse:
    """Gatekeeper, bind, call the service, back to the import; or show the import with
    the refusal on the form."""
    batch = access.get_import_for_user(request.user, pk)
    _require_may_change(request, batch)
    form = bind(batch)
    if form.is_valid():
        try:
            perform(batch, form)
        except DomainError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, done)
            return redirect("imports:detail", pk=batch.pk)
    elif "version" in form.errors:
        form.add_error(None, str(STALE_MESSAGES["import"]))
    return _detail_page(request, batch, {key: form})


@login_required
@require_POST
def set_mapping(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct which column fills which field; the file is checked again."""

    def perform(batch: ImportBatch, form: VersionForm) -> object:
        assert isinstance(form, MappingForm)
        return services.set_mapping(
            by=request.user,
            batch=batch,
            mapping=form.mapping(),
            version=form.cleaned_data["version"],
        )

    return _act(
        request,
        pk,
        "mapping",
        lambda batch: _mapping_form(batch, request.POST),
        perform,
        _("The file is being checked again."),
    )


@login_required
@require_POST
def choose_communes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Choose the 2025 commune of each old commune that was split; checked again."""

    def bind(batch: ImportBatch) -> VersionForm:
        return CommunesForm(request.POST, pending=_pending_communes(batch))

    def perform(batch: ImportBatch, form: VersionForm) -> object:
        assert isinstance(form, CommunesForm)
        return services.choose_communes(
            by=request.user,
            batch=batch,
            choices=form.choices(),
            version=form.cleaned_data["version"],
        )

    return _act(request, pk, "communes", bind, perform, _("The file is being checked again."))


@login_required
@require_POST
def commit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Write the accepted rows of the last check, in the background."""
    return _act(
        request,
        pk,
        "commit",
        lambda batch: VersionForm(request.POST),
        lambda batch, form: services.commit_import(
            by=request.user, batch=batch, version=form.cleaned_data["version"]
        ),
        _("The rows are being imported."),
    )


@login_required
def error_workbook(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The rejected rows as they were typed, with the reasons, to correct in Excel."""
    batch = access.get_import_for_user(request.user, pk)
    response = attachment(
        workbooks.error_workbook(batch), filename=f"import-{batch.pk}-rejected.xlsx"
    )
    return workbooks.mark_rejected_rows(response, batch)
