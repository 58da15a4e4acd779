"""Every place that reads a number someone typed (a form, a query string, a workbook cell, a
header) takes ASCII digits only: "²" passes `str.isdigit` and then breaks `int`, so each of
these answered with a server error before."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from alur.core.errors import DomainError


def test_a_workbook_cell_with_a_superscript_is_not_a_number() -> None:
    from alur.reports.excel import _integer

    problems: list[str] = []
    assert _integer("²", "C7", problems) is None
    assert problems == ["C7: «²» bukan angka."]


def test_a_report_value_with_a_superscript_is_refused_with_its_label() -> None:
    from alur.reports.services.weekly import clean_values

    period: Any = SimpleNamespace(definition=SimpleNamespace(labels={"kk": "KK terbit"}))
    with pytest.raises(DomainError) as refused:
        clean_values(period, {"kk": "³"})
    assert "KK terbit" in refused.value.message


def test_a_return_target_with_a_superscript_is_refused() -> None:
    from alur.workflow.services import _return_target

    step: Any = SimpleNamespace(number=4, returns=(2, 3))
    with pytest.raises(DomainError):
        _return_target(step, "²")


@pytest.mark.django_db
def test_a_logistics_request_id_with_a_superscript_is_refused(office: Any) -> None:
    from alur.logistics.rounds import _chosen

    with pytest.raises(DomainError):
        _chosen(office("18"), ["²"])


def test_a_region_code_in_other_digits_is_refused() -> None:
    from alur.registry.numbers import _digits

    with pytest.raises(DomainError):
        _digits("١٨.٠٨.٠١")


def test_callback_data_and_retry_after_with_superscripts_are_ignored() -> None:
    from alur.outbox.senders import parse_callback_data
    from alur.whatsapp_cloud.transport import _retry_after

    assert parse_callback_data("alur-outbox:²:1") is None
    assert _retry_after(httpx.Response(429, headers=[(b"retry-after", "²".encode())])) is None


def test_a_report_recipient_step_with_a_superscript_is_no_step() -> None:
    from alur.reports.forms import DefinitionForm

    form = DefinitionForm.__new__(DefinitionForm)
    form.cleaned_data = {"recipients_text": "Bupati | whatsapp | 081234567890 | ²"}
    assert form.recipients() == [["Bupati", "whatsapp", "081234567890", None]]
