"""Background work of the registry: the rollup's age classes follow the calendar."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from alur.registry import rollup


# Hourly rather than once at midnight: huey's crontab runs on UTC, the day changes on
# TIME_ZONE's clock, and a roll with nothing to do is one locked read.
@db_periodic_task(crontab(minute="5"))
def roll_rollup() -> int:
    return rollup.roll()
