"""Every change to the population register: one transaction each, with its audit event.

- `residents`: registering and correcting a resident, biometrics, the documents issued to them.
- `families`: a KK, its members and its revisions.
- `events`: deaths, moves out of the regency, births, and undoing a death or move entered in error.

`actor` None is the system (a channel, demo loading); a person must handle cases in the office.
Each change to a resident also moves them in the coverage rollup (`registry.rollup`): the key
before the change is read first, the one after it once saved, in the same transaction. New
numbers come from `registry.numbers`; the input dataclasses live in `registry.inputs`.
"""
