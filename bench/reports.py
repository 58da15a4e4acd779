"""Reports: the provincial weekly recap over 514 kab/kota × 30 services and its PDF, and the
coverage computation over a generated residents table in PostgreSQL beside DuckDB on the same
data, in the same run. JSON lines; see docs/benchmarks.md.

    python bench/reports.py [--residents 10000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

from common import emit, fresh_database, machine, setup_django

SERVICES = 30
WIB = ZoneInfo("Asia/Jakarta")

# The same residents in both engines: every column is a function of the row number.
COLUMNS_SQL = """
  lpad(CAST(i % 514 AS VARCHAR), 3, '0') AS kabkota,
  CAST((i * 7919) % 90 AS SMALLINT) AS age,
  (i % 3 = 0 AND (i * 7919) % 90 >= 16) AS married,
  (i % 97 = 0) AS dead,
  ((i * 31) % 100 < 92) AS has_akta_lahir,
  ((i * 17) % 100 < 96) AS ktp_recorded,
  ((i * 13) % 100 < 45) AS has_kia,
  (i % 97 = 0) AS death_registered,
  (i % 97 = 0 AND (i * 11) % 100 < 40) AS has_akta_mati
"""

# The same four indicators as `residents_sql`, counted with FILTER instead of SUM(CASE).
FILTER_SQL = """
SELECT kabkota,
  COUNT(*) FILTER (WHERE NOT dead AND age <= 18 AND has_akta_lahir),
  COUNT(*) FILTER (WHERE NOT dead AND age <= 18),
  COUNT(*) FILTER (WHERE NOT dead AND (age >= 17 OR married) AND ktp_recorded),
  COUNT(*) FILTER (WHERE NOT dead AND (age >= 17 OR married)),
  COUNT(*) FILTER (WHERE NOT dead AND age < 17 AND NOT married AND has_kia),
  COUNT(*) FILTER (WHERE NOT dead AND age < 17 AND NOT married),
  COUNT(*) FILTER (WHERE death_registered AND has_akta_mati),
  COUNT(*) FILTER (WHERE death_registered)
FROM {table} GROUP BY kabkota ORDER BY kabkota"""

# The same residents as registry rows, ages turned into birth dates for the rollup's day
# (%(day)s): born `age` years and 0-364 days before it. Office `m.id` is the kab/kota of
# number i % 514 in code order (DuckDB's `kabkota`).
REGISTRY_INSERT = """
INSERT INTO registry_resident (office_id, nik, name, sex, birth_place, birth_date, religion,
  marital_status, education, occupation, citizenship, mother_name, father_name, status, died_on,
  moved_to, biometrics_recorded_at, registered_at, updated_at, address, rt, rw, village,
  district_id, postal_code, birth_certificate_no, kia_issued_at, death_certificate_no)
SELECT m.id, lpad(CAST(g.i AS text), 16, '0'), 'WARGA ' || g.i, 'L', 'BENCH',
  CAST(%(day)s - make_interval(years => age) - make_interval(days => CAST(g.i %% 365 AS int))
    AS date),
  '', CASE WHEN married THEN 'kawin_tercatat' ELSE 'belum_kawin' END, '', '', 'wni', '', '',
  CASE WHEN dead THEN 'dead' ELSE 'alive' END, CASE WHEN dead THEN %(day)s END, '',
  CASE WHEN ktp_recorded THEN now() END, now(), now(), '-', '', '', '', %(district)s, '',
  CASE WHEN has_akta_lahir THEN 'LT' ELSE '' END, CASE WHEN has_kia THEN now() END,
  CASE WHEN has_akta_mati THEN 'KM' ELSE '' END
FROM (SELECT i, {columns} FROM generate_series(0::bigint, %(last)s::bigint) AS s(i)) AS g
JOIN bench_office_map m ON m.n = g.i %% 514"""


def timed(call: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time (ms) of `repeat` calls after one warm-up, and the last result."""
    result = call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def recap_setup() -> Any:
    """A province with 514 kab/kota offices, a 30-field weekly definition, two weeks of reports."""
    from django.utils import timezone

    from alur.org.models import Office, Region
    from alur.reports.choices import Frequency, ReportKind, SubmissionStatus, Timeliness
    from alur.reports.models import ReportDefinition, ReportPeriod, Submission

    province = Office.objects.get(code="19")
    kabkota = Region.objects.filter(level="regency").exclude(office__isnull=False).order_by("code")
    Office.objects.bulk_create(
        [
            Office(
                code=r.code,
                region=r,
                name=f"Disdukcapil {r.name}",
                short_name=r.name[:80],
                level="regency",
                parent=province,
                timezone="Asia/Jakarta",
            )
            for r in kabkota
        ]
    )
    Office.objects.filter(level="regency").exclude(parent=province).update(parent=province)
    offices = list(Office.objects.filter(parent=province))
    definition = ReportDefinition.objects.create(
        office=province,
        code="bench-mingguan",
        title="Laporan Mingguan Pelayanan (bench)",
        kind=ReportKind.SERVICE,
        frequency=Frequency.WEEKLY,
        sop_code="BENCH",
        fields=[{"key": f"layanan_{n:02d}", "label": f"Layanan {n:02d}"} for n in range(SERVICES)],
        updated_at=timezone.now(),
    )
    periods = []
    for week, starts in enumerate((date(2026, 11, 6), date(2026, 11, 13))):
        period = ReportPeriod.objects.create(
            definition=definition, starts_on=starts, ends_on=starts + timedelta(days=6)
        )
        deadline = datetime.combine(starts + timedelta(days=7), clock(14), tzinfo=WIB)
        Submission.objects.bulk_create(
            [
                Submission(
                    period=period,
                    office=o,
                    status=SubmissionStatus.SUBMITTED,
                    values={
                        f"layanan_{n:02d}": (o.pk * (n + 3) + week * 11) % 500
                        for n in range(SERVICES)
                    },
                    source="web",
                    saved_at=deadline,
                    submitted_at=deadline - timedelta(minutes=o.pk % 120 - 30),
                    deadline_at=deadline,
                    timeliness=Timeliness.ON_TIME if o.pk % 120 >= 30 else Timeliness.LATE,
                )
                for o in offices
                if o.pk % 37 != 0  # a few missing
            ]
        )
        periods.append(period)
    ReportPeriod.objects.filter(pk=periods[1].pk).update(status="closed")
    periods[1].refresh_from_db()
    return periods[1], len(offices)


# The recap as it was rendered before (HTML through WeasyPrint, the LAKIP export's base
# template), kept here as the PDF's baseline in the same run.
WEASYPRINT_RECAP = """{% extends "reports/pdf/_base.html" %}
{% block body %}
<h1>REKAPITULASI {{ title|upper }}</h1>
<p class="period">Periode {{ recap.period }}</p>
<p>Laporan masuk {{ recap.rates.submitted }} dari {{ recap.rates.expected }} kabupaten/kota (tingkat pelaporan {{ recap.rates.reporting_rate }}%); tepat waktu {{ recap.rates.on_time }} ({{ recap.rates.on_time_rate }}%), terlambat {{ recap.rates.late }}, tidak melapor {{ recap.rates.missing }}.</p>
<h2>Jumlah per jenis layanan</h2>
<table><thead><tr><th>No.</th><th>Jenis layanan</th><th>Periode ini</th><th>Periode lalu</th><th>Perubahan</th></tr></thead><tbody>
{% for s in recap.services %}<tr><td class="n">{{ forloop.counter }}</td><td>{{ s.label }}</td><td class="n">{{ s.total }}</td><td class="n">{{ s.previous }}</td><td class="n">{% if s.change is not None %}{{ s.change|floatformat:1 }}%{% else %}—{% endif %}</td></tr>{% endfor %}
</tbody></table>
<h2>Per kabupaten/kota</h2>
<table><thead><tr><th>No.</th><th>Kab/Kota</th><th>Jumlah</th><th>Periode lalu</th><th>Perubahan</th><th>Status</th><th>Dikirim</th></tr></thead><tbody>
{% for r in recap.rows %}<tr class="{{ r.status }}"><td class="n">{{ forloop.counter }}</td><td>{{ r.name }}</td><td class="n">{{ r.total|default_if_none:"—" }}</td><td class="n">{{ r.previous|default_if_none:"—" }}</td><td class="n">{% if r.change is not None %}{{ r.change|floatformat:1 }}%{% else %}—{% endif %}</td><td>{{ r.status_label }}</td><td>{{ r.submitted_local }}</td></tr>{% endfor %}
<tr class="total"><td></td><td>JUMLAH</td><td class="n">{{ recap.totals.total }}</td><td class="n">{{ recap.totals.previous }}</td><td class="n">{% if recap.totals.change is not None %}{{ recap.totals.change|floatformat:1 }}%{% else %}—{% endif %}</td><td></td><td></td></tr>
</tbody></table>
{% endblock %}"""  # noqa: E501 - the template as it was


def weasyprint_recap(office: Any, title: str, recap: dict[str, Any]) -> bytes:
    from django.template import engines
    from weasyprint import HTML

    from alur.reports.pdf import _refuse_fetch

    html = (
        engines["django"]
        .from_string(WEASYPRINT_RECAP)
        .render({"office": office, "title": title, "recap": recap})
    )
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()


def bench_recap(repeat: int) -> None:
    from django.db import connection

    from alur.reports import pdf
    from alur.reports.files import recap_xlsx
    from alur.reports.selectors import recap_compute

    period, offices = recap_setup()

    def baseline() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.values, o.code FROM reports_submission s JOIN org_office o "
                "ON o.id = s.office_id WHERE s.period_id IN (%s, %s)",
                [period.pk, period.pk - 1],
            )
            return len(cursor.fetchall())

    base_ms, _rows = timed(baseline, repeat)
    recap_ms, recap = timed(lambda: recap_compute(period), repeat)
    emit(
        bench="reports_recap",
        offices=offices,
        services=SERVICES,
        recap_ms=round(recap_ms, 1),
        baseline_fetch_ms=round(base_ms, 1),
        ratio=round(recap_ms / base_ms, 2),
        target_ms=200,
        met=recap_ms < 200,
        **machine(),
    )
    office = period.definition.office
    pdf_ms, data = timed(
        lambda: pdf.recap_pdf(office=office, title=period.definition.title, recap=recap),
        max(repeat // 2, 1),
    )
    xlsx_ms, _ = timed(lambda: recap_xlsx(period), max(repeat // 2, 1))
    weasy_ms, weasy = timed(lambda: weasyprint_recap(office, period.definition.title, recap), 1)
    emit(
        bench="reports_recap_pdf",
        offices=offices,
        pdf_ms=round(pdf_ms, 1),
        pdf_bytes=len(data),
        engine="reportlab",
        weasyprint_ms=round(weasy_ms, 1),
        weasyprint_bytes=len(weasy),
        ratio_to_weasyprint=round(pdf_ms / weasy_ms, 3),
        xlsx_ms=round(xlsx_ms, 1),
        target_ms=1000,
        met=pdf_ms < 1000,
        ratio_to_recap=round(pdf_ms / recap_ms, 1),
    )


def bench_coverage(residents: int, repeat: int) -> None:
    import duckdb
    from django.db import connection

    from alur.reports.coverage import residents_rows, residents_sql

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_residents")
        cursor.execute(
            f"CREATE UNLOGGED TABLE bench_residents AS SELECT {COLUMNS_SQL.replace('%', '%%')} "  # noqa: S608
            "FROM generate_series(0::bigint, %s::bigint) AS g(i)",
            [residents - 1],
        )
        cursor.execute("ANALYZE bench_residents")
    pg_load = time.perf_counter() - started
    started = time.perf_counter()
    duck = duckdb.connect()
    duck.execute(
        f"CREATE TABLE bench_residents AS SELECT {COLUMNS_SQL} FROM range(0, {int(residents)}) t(i)"  # noqa: S608
    )
    duck_load = time.perf_counter() - started
    query = residents_sql("bench_residents")

    def postgres() -> list[tuple[str, str, int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(query)
            return residents_rows(cursor.fetchall())

    def duckdb_run() -> list[tuple[str, str, int, int]]:
        return residents_rows(duck.execute(query).fetchall())

    duck_samples: list[float] = []

    def duck_timed() -> list[tuple[str, str, int, int]]:
        ms, rows = timed(duckdb_run, repeat)
        duck_samples.append(ms)
        return rows

    duck_rows = duck_timed()
    pg_ms, pg_rows = timed(postgres, repeat)
    assert pg_rows == duck_rows, "PostgreSQL and DuckDB disagree"

    # What PostgreSQL itself can do on the same data; each variant is checked against DuckDB.
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_residents_narrow")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_residents_narrow AS SELECT CAST(kabkota AS SMALLINT) "
            "AS kabkota, age, married, dead, has_akta_lahir, ktp_recorded, has_kia, "
            "death_registered, has_akta_mati FROM bench_residents"
        )
        cursor.execute(
            "CREATE INDEX bench_residents_narrow_cover ON bench_residents_narrow (kabkota) "
            "INCLUDE (age, married, dead, has_akta_lahir, ktp_recorded, has_kia, "
            "death_registered, has_akta_mati)"
        )
        cursor.execute("VACUUM ANALYZE bench_residents_narrow")
    variants = {
        # name: (what, table, query, session settings)
        "sum_case_jit_off": ("the same query, JIT off", "bench_residents", query, ["jit = off"]),
        "filter": ("COUNT(*) FILTER, one pass", "bench_residents", FILTER_SQL, []),
        "filter_jit_off": (
            "COUNT(*) FILTER, JIT off",
            "bench_residents",
            FILTER_SQL,
            ["jit = off"],
        ),
        "filter_serial": (
            "COUNT(*) FILTER, JIT off, no parallel workers",
            "bench_residents",
            FILTER_SQL,
            ["jit = off", "max_parallel_workers_per_gather = 0"],
        ),
        "filter_4_workers": (
            "COUNT(*) FILTER, JIT off, 4 workers, work_mem 64MB",
            "bench_residents",
            FILTER_SQL,
            ["jit = off", "max_parallel_workers_per_gather = 4", "work_mem = '64MB'"],
        ),
        "narrow_filter": (
            "smallint kab/kota, COUNT(*) FILTER, JIT off",
            "bench_residents_narrow",
            FILTER_SQL,
            ["jit = off"],
        ),
        "narrow_index_only": (
            "smallint kab/kota, covering index, index-only scan + GroupAggregate, JIT off",
            "bench_residents_narrow",
            FILTER_SQL,
            ["jit = off", "enable_seqscan = off", "enable_hashagg = off"],
        ),
    }
    found = {}
    for name, (what, table, sql, settings) in variants.items():

        def run(sql: str = sql.format(table=table), settings: list[str] = settings) -> list:
            with connection.cursor() as cursor:
                cursor.execute("RESET ALL")
                for setting in settings:
                    cursor.execute(f"SET {setting}")
                cursor.execute(sql)
                rows = [(f"{int(r[0]):03d}", *r[1:]) for r in cursor.fetchall()]
                cursor.execute("RESET ALL")
            return residents_rows(rows)

        ms, rows = timed(run, repeat)
        assert rows == duck_rows, f"{name} disagrees with DuckDB"
        found[name] = (what, table, settings, ms)

    product = bench_registry_rollup(residents, repeat, duck_rows)
    duck_timed()
    duck_ms = statistics.median(duck_samples)
    emit(
        bench="reports_coverage",
        residents=residents,
        kabkota=len({r[0] for r in pg_rows}),
        postgres_ms=round(pg_ms, 1),
        duckdb_ms=round(duck_ms, 1),
        duckdb_runs_ms=[round(d, 1) for d in duck_samples],
        ratio=round(pg_ms / duck_ms, 2),
        target_ratio=2.0,
        met=pg_ms <= 2 * duck_ms,
        load_postgres_s=round(pg_load, 1),
        load_duckdb_s=round(duck_load, 1),
        what="residents_sql (SUM(CASE)) on the generated table, default settings: the baseline",
    )
    for name, (what, table, settings, ms) in found.items():
        emit(
            bench="reports_coverage_variant",
            variant=name,
            what=what,
            table=table,
            settings=settings,
            postgres_ms=round(ms, 1),
            duckdb_ms=round(duck_ms, 1),
            ratio=round(ms / duck_ms, 2),
            met=ms <= 2 * duck_ms,
        )
    emit(
        bench="reports_coverage_variant",
        variant="rollup",
        what="the product's coverage_rows: sums of registry_residentcount kept by the registry",
        table="registry_residentcount",
        postgres_ms=product["coverage_rows_ms"],
        duckdb_ms=round(duck_ms, 1),
        ratio=round(product["coverage_rows_ms"] / duck_ms, 3),
        met=product["coverage_rows_ms"] <= 2 * duck_ms,
    )
    emit(bench="reports_coverage_rollup", residents=residents, **product)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_residents; DROP TABLE bench_residents_narrow")


def bench_registry_rollup(
    residents: int, repeat: int, duck_rows: list[tuple[str, str, int, int]]
) -> dict[str, Any]:
    """The same residents written into registry_resident; the rollup built by the product's
    rebuild (`registry_rollup_rebuild`), read by the product's `coverage_rows` and checked
    against DuckDB; the nightly roll checked against a rebuild for the next day."""
    from django.db import connection

    from alur.org.models import Office, Region
    from alur.registry import rollup
    from alur.registry.models import Resident
    from alur.reports.coverage import coverage_rows

    day = date(2026, 6, 15)
    offices = list(Office.objects.filter(parent__code="19", level="regency").order_by("code"))
    assert len(offices) == 514, len(offices)
    district = Region.objects.filter(level="district").values_list("code", flat=True).first()
    assert not Resident.objects.exists(), "the bench database has residents already"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_office_map")
        cursor.execute("CREATE TEMPORARY TABLE bench_office_map (n int PRIMARY KEY, id bigint)")
        cursor.executemany(
            "INSERT INTO bench_office_map VALUES (%s, %s)",
            [(n, office.pk) for n, office in enumerate(offices)],
        )
        cursor.execute(
            REGISTRY_INSERT.format(columns=COLUMNS_SQL.replace("%", "%%")),
            {"day": day, "district": district, "last": residents - 1},
        )
        cursor.execute("VACUUM ANALYZE registry_resident")
    load_s = time.perf_counter() - started

    rebuild_times = []
    rows_written = 0
    for _ in range(max(min(repeat, 3), 1)):
        started = time.perf_counter()
        rows_written = rollup.rebuild(day)
        rebuild_times.append((time.perf_counter() - started) * 1000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE registry_residentcount")
    index = {office.code: f"{n:03d}" for n, office in enumerate(offices)}

    def read() -> list[tuple[str, str, int, int]]:
        return [(index[code], *rest) for code, *rest in coverage_rows(offices)]

    read_ms, rows = timed(read, repeat)
    assert rows == duck_rows, "the registry rollup disagrees with DuckDB"
    one = offices[:1]
    one_ms, _rows = timed(lambda: coverage_rows(one), repeat)

    # The nightly roll to the next day, checked against a rebuild for that day.
    after = day + timedelta(days=1)
    birthdays = (
        Resident.objects.exclude(status="moved_out")
        .filter(birth_date__in=[rollup.cutoff(after, n) for n in (17, 19)])
        .count()
    )
    started = time.perf_counter()
    moved = rollup.roll(after)
    roll_ms = (time.perf_counter() - started) * 1000
    assert moved == birthdays, (moved, birthdays)
    rolled = rollup.counts()
    rollup.rebuild(after)
    assert rollup.counts() == rolled, "the nightly roll disagrees with a rebuild"
    return {
        "load_registry_s": round(load_s, 1),
        "rollup_rows": rows_written,
        "rebuild_ms": round(statistics.median(rebuild_times), 1),
        "rebuild_runs_ms": [round(t, 1) for t in rebuild_times],
        "coverage_rows_ms": round(read_ms, 1),
        "coverage_rows_one_kabkota_ms": round(one_ms, 2),
        "roll_ms": round(roll_ms, 1),
        "roll_moved": moved,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args, _unknown = parser.parse_known_args()
    url = fresh_database("alur_bench_reports")
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    bench_recap(args.repeat)
    bench_coverage(args.residents, args.repeat)


if __name__ == "__main__":
    main()
