import pytest

from alur.core.numbers import number


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (999, "999"), (12500, "12.500"), (1234567, "1.234.567"), (-1234, "-1.234")],
)
def test_thousands_are_separated_by_a_dot(value: int, text: str) -> None:
    assert number(value) == text


def test_a_fraction_is_rounded_to_a_whole_number() -> None:
    assert number(12345.6) == "12.346"
