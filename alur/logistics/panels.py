"""What the logistics app shows on the case page of S1: each logistics step's form, and the
shipment, receipt and allocation of the case (with the Kadis's approval form)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from alur.letters.chain import waiting_for
from alur.letters.selectors import case_letter
from alur.logistics import handover_documents, rounds, rules, selectors, serials
from alur.logistics.forms import (
    ApproveForm,
    HandoverForm,
    PickupForm,
    ReceiveForm,
    ScheduleForm,
    ShipForm,
)
from alur.logistics.models import Allocation, AllocationLine, BlankRequest, Shipment
from alur.logistics.permissions import Action, allowed
from alur.sop.registry import declare
from alur.workflow.panels import register_case_panel


def _html(request: HttpRequest, template: str, context: dict[str, Any]) -> SafeString:
    return mark_safe(render_to_string(template, context, request=request))  # noqa: S308


KEPT = "logistics.typed"  # the session's copy of a refused form, shown again once


def keep_typed(request: HttpRequest, key: str, data: dict[str, Any]) -> None:
    """Keep what was typed in a form the service refused, for the page shown next."""
    kept = dict(request.session.get(KEPT, {}))
    kept[key] = {k: v for k, v in data.items() if isinstance(v, str) and k != "csrfmiddlewaretoken"}
    request.session[KEPT] = kept


def typed_back(request: HttpRequest, key: str) -> dict[str, Any] | None:
    """What was typed in the refused form `key`, once (None when nothing was kept)."""
    kept = dict(request.session.get(KEPT, {}))
    value = kept.pop(key, None)
    if value is not None:
        request.session[KEPT] = kept
    return value


def _allocation(case: Any) -> Allocation | None:
    return Allocation.objects.filter(case=case).select_related("office").first()


def step_panel(request: HttpRequest, case: Any, task: Any, step: Any) -> SafeString | None:
    key = step.form
    context: dict[str, Any] = {"case": case, "task": task, "step": step, "key": key}
    typed = typed_back(request, f"step-{task.pk}")
    if key == "logistics.ship":
        context["form"] = ShipForm(initial=typed)
    elif key == "logistics.pickup":
        context["shipment"] = Shipment.objects.filter(case=case).first()
        context["form"] = PickupForm(initial=typed)
    elif key == "logistics.cover_letter":
        cover = rounds.cover_letter_for(case)
        context["cover"] = cover
        context["waiting"] = waiting_for(cover) if cover else ""
        context["recipients"] = list(cover.recipients.select_related("message")) if cover else []
        context["penghubung"] = rounds.penghubung_name(case.office)
    elif key == "logistics.receive":
        shipment = Shipment.objects.filter(case=case).first()
        context["shipment"] = shipment
        context["form"] = ReceiveForm(
            initial={
                "received": shipment.quantity_shipped if shipment else None,
                "damaged": 0,
                "serials": serials.as_text(shipment.serials_shipped) if shipment else "",
                "cover_days": rules.DEFAULT_COVER_DAYS,
            }
            | (typed or {})
        )
    elif key == "logistics.allocate":
        context["allocation"] = _allocation(case)
    elif key == "logistics.schedule":
        allocation = _allocation(case)
        context["allocation"] = allocation
        if allocation is not None:
            context["form"] = ScheduleForm(
                lines=allocation.lines.select_related("office"), initial=typed
            )
    elif key == "logistics.handover":
        line = (
            AllocationLine.objects.select_related("allocation", "office")
            .filter(allocation__case=case, office=task.office)
            .first()
        )
        context["line"] = line
        if line is not None:
            bast = handover_documents.bast_for(line)
            hibah = handover_documents.hibah_for(line)
            context["bast_letter"], context["hibah_letter"] = bast, hibah
            context["form"] = HandoverForm(
                line=line,
                initial={
                    "bast": bast.document_id if bast else None,
                    "hibah": hibah.document_id if hibah else None,
                }
                | (typed or {}),
            )
    return _html(request, "logistics/step_panel.html", context)


def draft_panel(request: HttpRequest, case: Any, task: Any, step: Any) -> SafeString | None:
    """On an S1 round's drafting step, while the case has no letter: draft the request letter
    from the round's kab/kota requests (the letters app's own form remains beside it)."""
    if not BlankRequest.objects.filter(case=case).exists() or case_letter(case) is not None:
        return None
    return _html(request, "logistics/draft_panel.html", {"case": case, "task": task})


def letters_by_line(lines: list[AllocationLine], kind: str = "bast") -> dict[int, Any]:
    """The letters of `kind` (the BAST, the hibah statement) drafted for these shares, by line
    (one query)."""
    from alur.letters.models import Letter, LetterStatus

    letters = Letter.objects.filter(
        kind=kind, extra__allocation_line__in=[line.pk for line in lines]
    ).exclude(status=LetterStatus.CANCELLED)
    return {letter.extra["allocation_line"]: letter for letter in letters}


def case_panel(request: HttpRequest, case: Any) -> SafeString | None:
    from alur.workflow.services import procedure

    if not any((s.form or "").startswith("logistics.") for s in procedure(case).steps):
        return None
    shipment = Shipment.objects.filter(case=case).select_related("office").first()
    allocation = _allocation(case)
    lines = (
        list(allocation.lines.select_related("office", "bast", "hibah").order_by("office__code"))
        if allocation
        else []
    )
    basts = letters_by_line(lines, "bast")
    hibahs = letters_by_line(lines, "surat_pernyataan")
    notices = selectors.share_notices(lines)
    for line in lines:  # not fields of the model: what the template shows beside each line
        line.bast_letter = basts.get(line.pk)  # type: ignore[attr-defined]  # for the template
        line.hibah_letter = hibahs.get(line.pk)  # type: ignore[attr-defined]  # for the template
        line.notices = notices.get(line.pk, [])  # type: ignore[attr-defined]  # for the template
    first = case.tasks.filter(step=procedure(case).first, outcome="done").first()
    approve_form = None
    actions = allowed(allocation, request.user) if allocation is not None else set()
    if allocation is not None and Action.APPROVE in actions:
        approve_form = ApproveForm(
            lines=lines, initial=typed_back(request, f"approve-{allocation.pk}")
        )
    return _html(
        request,
        "logistics/case_panel.html",
        {
            "case": case,
            "shipment": shipment,
            "shipped_serials": serials.as_text(shipment.serials_shipped) if shipment else "",
            "received_serials": serials.as_text(shipment.serials_received) if shipment else "",
            "allocation": allocation,
            "lines": lines,
            "total_proposed": sum(line.proposed for line in lines),
            "total_share": sum(line.share for line in lines),
            "rule": rules.RULE_TEXT,
            "approve_form": approve_form,
            "requests": rounds.round_requests(case),
            "minutes": first.reason if first else "",
            "cover": rounds.cover_letter_for(case),
            "penghubung": rounds.penghubung_name(case.office),
            "may_draft_bast": Action.DRAFT_BAST in actions,
        },
    )


def register_all() -> None:
    """The case panel, and S1's letters on the `letters.draft` step; the logistics keys' own
    panel is declared with them (steps.py)."""
    declare("letters.draft", panel=draft_panel)
    register_case_panel(case_panel)
