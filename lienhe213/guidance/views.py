"""The guidance pages: every text by step with a folded search, one entry with its
earlier wordings and the reader's province note, the province's note form, a new
wording (administrators), and dismissing the newcomer walkthrough."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lienhe213.accounts.access import AuthenticatedHttpRequest
from lienhe213.core.errors import DomainError, StepRefused
from lienhe213.guidance import access, forms, services
from lienhe213.guidance.models import STEP_ORDER, GuidanceEntry, ProvinceNote, Step


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every entry, grouped by the step it governs in the order of the work; ``q``
    searches title, source and wording with diacritics folded."""
    search = forms.SearchForm(request.GET or None)
    entries = GuidanceEntry.objects.visible_to(request.user).with_current()
    searched = False
    if search.is_valid():
        query = search.cleaned_data["q"]
        if query:
            entries = entries.search(query)
            searched = True
        if search.cleaned_data["step"]:
            entries = entries.for_step(search.cleaned_data["step"])
            searched = True
    by_step: dict[str, list[GuidanceEntry]] = {}
    for entry in entries:
        by_step.setdefault(entry.step, []).append(entry)
    groups = [(Step(step).label, by_step[step]) for step in STEP_ORDER if step in by_step]
    context = {"search": search, "groups": groups, "searched": searched}
    return render(request, "guidance/index.html", context)


def _detail(
    request: AuthenticatedHttpRequest,
    entry: GuidanceEntry,
    *,
    note_form: forms.NoteForm | None = None,
    revise_form: forms.ReviseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    notes = list(ProvinceNote.objects.visible_to(user).filter(entry=entry).with_names())
    provinces = access.note_provinces(user)
    if note_form is None and provinces:
        own = next((n for n in notes if n.province_id == provinces[0].pk), None)
        note_form = forms.NoteForm(
            provinces=provinces,
            initial={
                "province": provinces[0].pk,
                "text": own.text if own else "",
                "version": own.version if own else 0,
            },
        )
    if revise_form is None and access.may_revise(user) and entry.current_version:
        current = entry.current_version
        revise_form = forms.ReviseForm(
            initial={
                "summary": current.summary,
                "text": current.text,
                "confirmed": current.confirmed,
                "version": entry.version,
            }
        )
    context: dict[str, Any] = {
        "entry": entry,
        "current": entry.current_version,
        "step_label": Step(entry.step).label,
        "versions": list(entry.versions.order_by("-number")),
        "notes": notes,
        "note_form": note_form,
        "revise_form": revise_form,
        "revise_open": revise_form is not None and revise_form.is_bound,
    }
    return render(request, "guidance/detail.html", context, status=status)


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access.get_entry_for_user(request.user, pk))


@login_required
@require_POST
def note(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Save the province's note under the entry: a provincial officer of that province
    (403 for anyone else, with the reason; nothing changes)."""
    entry = access.get_entry_for_user(request.user, pk)
    provinces = access.note_provinces(request.user)
    if not provinces:
        messages.error(request, _("Only a provincial officer writes the province's notes."))
        return _detail(request, entry, status=403)
    form = forms.NoteForm(request.POST, provinces=provinces)
    if form.is_valid():
        try:
            saved = services.save_province_note(
                by=request.user,
                entry=entry,
                province=form.cleaned_data["province"],
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"],
            )
        except StepRefused as err:
            messages.error(request, err.message)
            return _detail(request, entry, status=403)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(
                request, _("The note was saved.") if saved else _("The note was removed.")
            )
            return redirect("guidance:detail", pk=entry.pk)
    return _detail(request, entry, note_form=form)


@login_required
@require_POST
def revise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Publish a new wording of the entry (administrators; 403 for anyone else)."""
    entry = access.get_entry_for_user(request.user, pk)
    try:
        access.require_reviser(request.user)
    except StepRefused as err:
        messages.error(request, err.message)
        return _detail(request, entry, status=403)
    form = forms.ReviseForm(request.POST)
    if form.is_valid():
        try:
            services.revise_entry(
                by=request.user,
                entry=entry,
                summary=form.cleaned_data["summary"],
                text=form.cleaned_data["text"],
                confirmed=form.cleaned_data["confirmed"],
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("The new wording was published."))
            return redirect("guidance:detail", pk=entry.pk)
    return _detail(request, entry, revise_form=form)


@login_required
@require_POST
def dismiss_walkthrough(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Hide the newcomer checklist of one of the user's committee roles; back home."""
    form = forms.DismissForm(request.POST)
    role = form.cleaned_data["role"] if form.is_valid() else ""
    try:
        services.dismiss_walkthrough(by=request.user, role=role)
    except DomainError as err:
        messages.error(request, str(err))
    return redirect("accounts:home")
