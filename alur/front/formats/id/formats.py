"""Django's Indonesian formats, with the input formats that browsers' date and time fields need
first: a form field writes its value in the first input format, and `<input type="time">`,
`type="date"` and `type="datetime-local"` show nothing for "14.00.00", "25-10-2009" or
"25-10-2009 14.00.00" (a report's "Jam tenggat" showed empty, and could not be saved). Every
Indonesian way of typing a date or a time is still read."""

from django.conf.locale.id.formats import *  # noqa: F403 - Django's own, then ours
from django.conf.locale.id.formats import (
    DATE_INPUT_FORMATS as _DATES,
)
from django.conf.locale.id.formats import (
    DATETIME_INPUT_FORMATS as _DATETIMES,
)
from django.conf.locale.id.formats import (
    TIME_INPUT_FORMATS as _TIMES,
)

DATE_INPUT_FORMATS = ["%Y-%m-%d", *_DATES]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", *_TIMES]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", *_DATETIMES]
