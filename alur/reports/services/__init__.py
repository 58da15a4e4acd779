"""Every write of the reports app, one transaction each with its audit event, by what it serves:
`definitions` (what is reported, by when, to whom), `periods` (a period's life shared by S0 and
S4), `weekly` (S0, the weekly service report), `coverage` (S4, the monthly coverage and its
LAKIP input) and `reminders`. Reads are in `alur.reports.selectors`, the period's files in
`alur.reports.files`."""
