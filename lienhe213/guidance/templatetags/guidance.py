"""``{% guidance_panel "comment" %}``: the collapsed "What do the rules say?" panel of a
step, with the short current text of each entry governing it, its source, the note of
the reader's province and a link to the full entry. ``{% step_guidance url %}`` does the
same for a tracking-book step form, from the URL it posts to. ``{% walkthrough %}`` is
the newcomer checklist on the home page."""

from typing import Any

from django import template
from django.urls import Resolver404, resolve

from lienhe213.guidance.models import GuidanceEntry, ProvinceNote, Step
from lienhe213.guidance.walkthrough import checklists

register = template.Library()

# The tracking-book steps (URL names of ``registry``) whose rules have a panel.
REGISTRY_STEPS = {"receive": Step.RECEIVE, "assign": Step.ASSIGN, "exempt": Step.EXEMPT}


def _panel(context: Any, step: str) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or step not in Step.values:
        return {"entries": []}
    entries = list(GuidanceEntry.objects.visible_to(user).for_step(step).with_current())
    notes: dict[int, list[ProvinceNote]] = {}
    if entries:
        for note in ProvinceNote.objects.visible_to(user).filter(entry__in=entries).with_names():
            notes.setdefault(note.entry_id, []).append(note)
    return {"entries": [(entry, notes.get(entry.pk, [])) for entry in entries], "step": step}


@register.inclusion_tag("guidance/_panel.html", takes_context=True)
def guidance_panel(context: Any, step: str) -> dict[str, Any]:
    return _panel(context, step)


@register.inclusion_tag("guidance/_panel.html", takes_context=True)
def step_guidance(context: Any, url: str) -> dict[str, Any]:
    try:
        match = resolve(url)
    except Resolver404:
        return {"entries": []}
    step = REGISTRY_STEPS.get(match.url_name or "") if match.namespace == "registry" else None
    return _panel(context, step) if step else {"entries": []}


@register.inclusion_tag("guidance/_walkthrough.html", takes_context=True)
def walkthrough(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "checklists": checklists(user) if user is not None else [],
        "csrf_token": context.get("csrf_token"),
        "next": getattr(request, "get_full_path", lambda: "")(),
    }
