"""The Spark + Iceberg behaviour the Glue jobs rely on, proven on a real local SparkSession
(pyspark 3.5.6 + iceberg-spark-runtime-3.5_2.12 1.10.0 = Glue 5.1).

Findings (verified by the tests below on this stack):

* Partition transforms: ``day(ts)`` and ``days(ts)`` are both accepted in PARTITIONED BY;
  the partition field is named ``<col>_day``. ``bucket(16, k)`` is Iceberg's murmur3
  transform (``bucket(16, 'iceberg') = 9`` as in the Iceberg spec), also callable as
  ``lake.system.bucket(16, k)``. New tables default to format-version 2 and zstd Parquet.
* ``write.parquet.bloom-filter-enabled.column.<col>`` really writes a Parquet bloom filter
  for that column (and only for it).
* Incremental reads: DataFrame options ``start-snapshot-id`` (exclusive) and
  ``end-snapshot-id`` (inclusive) return only the rows appended in between. Two traps:
  start-snapshot-id = the current snapshot raises IllegalArgumentException ("... is not a
  parent ancestor of end snapshot ...") instead of returning nothing, so a job must check
  "anything new?" itself; and non-append snapshots (overwrite from MERGE/DELETE) in the range
  are skipped silently, so RAW must stay append-only.
* ``MERGE INTO ... UPDATE SET * / INSERT *`` matches source columns to target columns BY
  NAME (unlike DuckDB, which matches by position).
* Spark SQL 3.5 has no QUALIFY (ParseException); dedup with ROW_NUMBER() in a subquery.
* A MERGE whose source has several rows matching ONE target row fails with
  ``MERGE_CARDINALITY_VIOLATION`` and commits nothing. Several source rows for a key that is
  NOT in the target are all inserted, silently. Either way: deduplicate the source first.
* Commit (snapshot summary) properties:
  - DataFrameWriterV2 / DataFrameWriter option ``snapshot-property.<key>`` works (appends).
  - There is NO Spark SQL conf for it: ``spark.sql.iceberg.commit.snapshot-property.<key>``
    (or anything like it) is ignored; Iceberg 1.10's SparkWriteConf reads snapshot
    properties only from write options, and SparkSQLProperties defines no such key.
  - For a SQL MERGE (no write options), ``org.apache.iceberg.spark.CommitMetadata
    .withCommitProperties(map, callable, exClass)`` works from PySpark via a py4j callback
    (spark_helpers.with_commit_properties): the properties land on the MERGE's snapshot and
    are cleared afterwards. It relies on PySpark's default pinned-thread mode
    (PYSPARK_PIN_THREAD=true), which keeps the callback on the same JVM thread.
"""

from __future__ import annotations

import datetime as dt

import pytest
from pyspark.errors import ParseException
from spark_helpers import parquet_bloom_filter_hits, snapshots, with_commit_properties

RAW_COLUMNS = """
    idempotency_key  STRING,
    period_reference STRING,
    device_id        STRING,
    publish_time     TIMESTAMP,
    event_timestamp  TIMESTAMP,
    payload          STRING
"""


def _insert_raw(spark, table: str, rows: list[tuple[str, str, str, str, str, str]]) -> None:
    """rows: (idempotency_key, period_reference, device_id, publish_time, event_timestamp, payload),
    timestamps as 'YYYY-MM-DD HH:MM:SS' (session time zone is UTC)."""
    values = ", ".join(
        f"('{k}', '{p}', '{d}', TIMESTAMP '{pt}', TIMESTAMP '{et}', '{pl}')" for k, p, d, pt, et, pl in rows
    )
    spark.sql(f"INSERT INTO {table} VALUES {values}")


# --------------------------------------------------------------------------- (a) DDL


def test_day_partitioned_table(spark, ns):
    table = f"{ns}.raw_by_day"
    spark.sql(f"CREATE TABLE {table} ({RAW_COLUMNS}) USING iceberg PARTITIONED BY (day(publish_time))")
    _insert_raw(
        spark,
        table,
        [
            ("k1", "2024-05", "d1", "2024-05-01 23:59:59", "2024-05-01 23:59:00", "a"),
            ("k2", "2024-05", "d1", "2024-05-02 00:00:00", "2024-05-01 23:59:30", "b"),
            ("k3", "2024-05", "d2", "2024-05-02 12:00:00", "2024-05-02 11:00:00", "c"),
        ],
    )

    described = {r.col_name: r.data_type for r in spark.sql(f"DESCRIBE TABLE EXTENDED {table}").collect()}
    assert described.get("Part 0") == "days(publish_time)"

    partitions = spark.sql(f"SELECT partition, record_count FROM {table}.partitions").collect()
    assert partitions[0].partition.__fields__ == ["publish_time_day"]
    counts = {p.partition.publish_time_day: p.record_count for p in partitions}
    assert counts == {dt.date(2024, 5, 1): 1, dt.date(2024, 5, 2): 2}

    props = {r.key: r.value for r in spark.sql(f"SHOW TBLPROPERTIES {table}").collect()}
    assert props["format"] == "iceberg/parquet"
    assert props["format-version"] == "2"


def test_period_day_bucket_partitioned_table_with_bloom_filter(spark, ns):
    table = f"{ns}.raw_events"
    spark.sql(
        f"""
        CREATE TABLE {table} ({RAW_COLUMNS}) USING iceberg
        PARTITIONED BY (period_reference, days(publish_time), bucket(16, idempotency_key))
        TBLPROPERTIES ('write.parquet.bloom-filter-enabled.column.idempotency_key' = 'true')
        """
    )
    props = {r.key: r.value for r in spark.sql(f"SHOW TBLPROPERTIES {table}").collect()}
    assert props["write.parquet.bloom-filter-enabled.column.idempotency_key"] == "true"

    described = {r.col_name: r.data_type for r in spark.sql(f"DESCRIBE TABLE EXTENDED {table}").collect()}
    assert [described.get(f"Part {i}") for i in range(3)] == [
        "period_reference",
        "days(publish_time)",
        "bucket(16, idempotency_key)",
    ]

    # 'iceberg' is the Iceberg spec's test vector: murmur3 -> 1210000089 -> bucket(16) = 9.
    _insert_raw(
        spark,
        table,
        [
            ("iceberg", "2024-05", "d1", "2024-05-01 10:00:00", "2024-05-01 09:59:00", "a"),
            ("iceberg", "2024-06", "d1", "2024-06-01 10:00:00", "2024-06-01 09:59:00", "b"),
            ("other-key", "2024-05", "d2", "2024-05-01 11:00:00", "2024-05-01 10:59:00", "c"),
        ],
    )
    assert spark.sql("SELECT lake.system.bucket(16, 'iceberg') AS b").first().b == 9

    partitions = spark.sql(f"SELECT partition.* FROM {table}.partitions").collect()
    assert {r.__fields__[i] for r in partitions for i in range(3)} == {
        "period_reference",
        "publish_time_day",
        "idempotency_key_bucket",
    }
    iceberg_parts = sorted(
        (r.period_reference, r.publish_time_day, r.idempotency_key_bucket)
        for r in partitions
        if r.idempotency_key_bucket == 9
    )
    assert iceberg_parts == [("2024-05", dt.date(2024, 5, 1), 9), ("2024-06", dt.date(2024, 6, 1), 9)]
    assert len(partitions) == 3

    # The bloom filter is really in the Parquet files, for idempotency_key only.
    files = spark.sql(f"SELECT file_path FROM {table}.files WHERE partition.idempotency_key_bucket = 9").collect()
    assert len(files) == 2
    for f in files:
        assert parquet_bloom_filter_hits(spark, f.file_path, "idempotency_key", ["iceberg"]) == [True]
        absent = parquet_bloom_filter_hits(spark, f.file_path, "idempotency_key", ["nope-1", "nope-2", "nope-3"])
        assert absent == [False, False, False]
        assert parquet_bloom_filter_hits(spark, f.file_path, "payload", ["a"]) is None


# --------------------------------------------------------------------------- (b) snapshots


def test_two_appends_two_snapshots_and_incremental_read(spark, ns):
    table = f"{ns}.raw"
    spark.sql(f"CREATE TABLE {table} ({RAW_COLUMNS}) USING iceberg PARTITIONED BY (days(publish_time))")
    _insert_raw(spark, table, [("k1", "2024-05", "d1", "2024-05-01 10:00:00", "2024-05-01 10:00:00", "first")])
    _insert_raw(
        spark,
        table,
        [
            ("k2", "2024-05", "d1", "2024-05-01 11:00:00", "2024-05-01 11:00:00", "second"),
            ("k3", "2024-05", "d2", "2024-05-02 11:00:00", "2024-05-02 11:00:00", "second"),
        ],
    )

    snaps = snapshots(spark, table)
    assert [s.operation for s in snaps] == ["append", "append"]
    first, second = snaps[0].snapshot_id, snaps[1].snapshot_id
    assert snaps[1].summary["added-records"] == "2"

    incremental = (
        spark.read.format("iceberg")
        .option("start-snapshot-id", str(first))  # exclusive
        .option("end-snapshot-id", str(second))  # inclusive
        .load(table)
    )
    assert sorted((r.idempotency_key, r.payload) for r in incremental.collect()) == [
        ("k2", "second"),
        ("k3", "second"),
    ]

    # Without end-snapshot-id the range runs to the current snapshot.
    to_current = spark.read.format("iceberg").option("start-snapshot-id", str(first)).load(table)
    assert to_current.count() == 2
    # Nothing new (start = current snapshot) is NOT an empty read but an error: a job whose
    # watermark is already the current snapshot must skip the read itself.
    with pytest.raises(Exception, match="is not a parent ancestor of end snapshot"):
        spark.read.format("iceberg").option("start-snapshot-id", str(second)).load(table).count()


def test_incremental_read_across_an_overwrite_snapshot(spark, ns):
    table = f"{ns}.raw"
    spark.sql(f"CREATE TABLE {table} (idempotency_key STRING, payload STRING) USING iceberg")
    spark.sql(f"INSERT INTO {table} VALUES ('k1', 'a1')")
    spark.sql(
        f"""MERGE INTO {table} t USING (SELECT 'k1' AS idempotency_key, 'a1-merged' AS payload) s
            ON t.idempotency_key = s.idempotency_key WHEN MATCHED THEN UPDATE SET *"""
    )
    spark.sql(f"INSERT INTO {table} VALUES ('k2', 'a2')")
    snaps = snapshots(spark, table)
    assert [s.operation for s in snaps] == ["append", "overwrite", "append"]
    rows = spark.read.format("iceberg").option("start-snapshot-id", str(snaps[0].snapshot_id)).load(table)
    # Only files added by APPEND snapshots are read; the overwrite's rewritten row
    # ('k1', 'a1-merged') is silently skipped, without an error. Fine for an append-only
    # RAW table (compaction commits 'replace' snapshots, which hold no new rows), but a
    # MERGE/DELETE on RAW would be invisible to incremental consumers.
    assert sorted(tuple(r) for r in rows.collect()) == [("k2", "a2")]


# --------------------------------------------------------------------------- (c) MERGE by name

CURATED_COLUMNS = "idempotency_key STRING, device_id STRING, payload STRING, event_timestamp TIMESTAMP"


def test_merge_update_set_star_matches_by_name_and_keeps_newer_rows(spark, ns):
    target = f"{ns}.curated"
    spark.sql(f"CREATE TABLE {target} ({CURATED_COLUMNS}) USING iceberg")
    spark.sql(
        f"""INSERT INTO {target} VALUES
            ('k1', 'dev-1', 'old-1', TIMESTAMP '2024-05-01 10:00:00'),
            ('k2', 'dev-2', 'old-2', TIMESTAMP '2024-05-01 10:00:00')"""
    )
    # Same columns, different order: by position, payload would land in device_id etc.
    source = spark.sql(
        """SELECT * FROM VALUES
            ('new-1', TIMESTAMP '2024-05-01 11:00:00', 'dev-1b', 'k1'),
            ('stale-2', TIMESTAMP '2024-05-01 09:00:00', 'dev-2b', 'k2'),
            ('new-3', TIMESTAMP '2024-05-01 12:00:00', 'dev-3', 'k3')
           AS s(payload, event_timestamp, device_id, idempotency_key)"""
    )
    source.createOrReplaceTempView("merge_source_by_name")

    spark.sql(
        f"""
        MERGE INTO {target} t
        USING merge_source_by_name s
        ON t.idempotency_key = s.idempotency_key
        WHEN MATCHED AND s.event_timestamp > t.event_timestamp THEN UPDATE SET *
        WHEN NOT MATCHED THEN INSERT *
        """
    )

    rows = sorted(tuple(r) for r in spark.table(target).collect())
    assert rows == [
        ("k1", "dev-1b", "new-1", dt.datetime(2024, 5, 1, 11, 0)),  # newer: replaced
        ("k2", "dev-2", "old-2", dt.datetime(2024, 5, 1, 10, 0)),  # older source row: kept
        ("k3", "dev-3", "new-3", dt.datetime(2024, 5, 1, 12, 0)),  # new key: inserted
    ]
    assert snapshots(spark, target)[-1].operation == "overwrite"


# --------------------------------------------------------------------------- (d) no QUALIFY


def test_no_qualify_in_spark_sql_subquery_row_number_dedup_works(spark, ns):
    spark.sql(
        """SELECT * FROM VALUES
            ('k1', TIMESTAMP '2024-05-01 10:00:00', 'k1-old'),
            ('k1', TIMESTAMP '2024-05-01 11:00:00', 'k1-new'),
            ('k2', TIMESTAMP '2024-05-01 10:00:00', 'k2-only')
           AS s(idempotency_key, event_timestamp, payload)"""
    ).createOrReplaceTempView("dup_source")

    with pytest.raises(ParseException):
        spark.sql(
            """SELECT * FROM dup_source
               QUALIFY ROW_NUMBER() OVER (PARTITION BY idempotency_key ORDER BY event_timestamp DESC) = 1"""
        )

    deduped = spark.sql(
        """SELECT idempotency_key, event_timestamp, payload FROM (
               SELECT *, ROW_NUMBER() OVER (PARTITION BY idempotency_key ORDER BY event_timestamp DESC) AS rn
               FROM dup_source
           ) WHERE rn = 1"""
    )
    assert sorted((r.idempotency_key, r.payload) for r in deduped.collect()) == [("k1", "k1-new"), ("k2", "k2-only")]

    # The deduplicated source is accepted by an Iceberg MERGE.
    target = f"{ns}.curated"
    spark.sql(f"CREATE TABLE {target} (idempotency_key STRING, event_timestamp TIMESTAMP, payload STRING) USING iceberg")
    spark.sql(f"INSERT INTO {target} VALUES ('k1', TIMESTAMP '2024-05-01 09:00:00', 'k1-older')")
    deduped.createOrReplaceTempView("deduped_source")
    spark.sql(
        f"""MERGE INTO {target} t USING deduped_source s ON t.idempotency_key = s.idempotency_key
            WHEN MATCHED AND s.event_timestamp > t.event_timestamp THEN UPDATE SET *
            WHEN NOT MATCHED THEN INSERT *"""
    )
    assert sorted((r.idempotency_key, r.payload) for r in spark.table(target).collect()) == [
        ("k1", "k1-new"),
        ("k2", "k2-only"),
    ]


# --------------------------------------------------------------------------- (e) duplicates


def test_merge_with_duplicate_source_keys(spark, ns):
    target = f"{ns}.curated"
    spark.sql(f"CREATE TABLE {target} (idempotency_key STRING, event_timestamp TIMESTAMP, payload STRING) USING iceberg")
    spark.sql(f"INSERT INTO {target} VALUES ('k1', TIMESTAMP '2024-05-01 09:00:00', 'k1-target')")
    before = snapshots(spark, target)

    spark.sql(
        """SELECT * FROM VALUES
            ('k1', TIMESTAMP '2024-05-01 10:00:00', 'k1-a'),
            ('k1', TIMESTAMP '2024-05-01 11:00:00', 'k1-b')
           AS s(idempotency_key, event_timestamp, payload)"""
    ).createOrReplaceTempView("dup_matched_source")
    merge = f"""MERGE INTO {target} t USING {{source}} s ON t.idempotency_key = s.idempotency_key
                WHEN MATCHED THEN UPDATE SET *
                WHEN NOT MATCHED THEN INSERT *"""

    # Two source rows for one existing target row: the whole MERGE fails, nothing is committed.
    with pytest.raises(Exception, match="MERGE_CARDINALITY_VIOLATION"):
        spark.sql(merge.format(source="dup_matched_source"))
    assert len(snapshots(spark, target)) == len(before)
    assert [(r.idempotency_key, r.payload) for r in spark.table(target).collect()] == [("k1", "k1-target")]

    # Two source rows for a key NOT in the target: no error, both rows are inserted.
    spark.sql(
        """SELECT * FROM VALUES
            ('k9', TIMESTAMP '2024-05-01 10:00:00', 'k9-a'),
            ('k9', TIMESTAMP '2024-05-01 11:00:00', 'k9-b')
           AS s(idempotency_key, event_timestamp, payload)"""
    ).createOrReplaceTempView("dup_unmatched_source")
    spark.sql(merge.format(source="dup_unmatched_source"))
    assert spark.table(target).where("idempotency_key = 'k9'").count() == 2


# --------------------------------------------------------------------------- (f) commit properties


def test_snapshot_property_option_on_dataframe_writer_v2_append(spark, ns):
    table = f"{ns}.raw"
    spark.sql(f"CREATE TABLE {table} (idempotency_key STRING, payload STRING) USING iceberg")
    df = spark.sql("SELECT * FROM VALUES ('k1', 'a') AS s(idempotency_key, payload)")

    df.writeTo(table).option("snapshot-property.job_run_id", "jr_append_1").append()

    last = snapshots(spark, table)[-1]
    assert last.operation == "append"
    assert last.summary["job_run_id"] == "jr_append_1"


def test_spark_conf_does_not_add_snapshot_properties_to_sql_merge(spark, ns):
    """Documents a dead end: no session conf attaches summary properties to a SQL commit.
    If a future Iceberg adds one, this fails and the Glue jobs may switch to it."""
    table = f"{ns}.curated"
    spark.sql(f"CREATE TABLE {table} (idempotency_key STRING, payload STRING) USING iceberg")
    spark.sql(f"INSERT INTO {table} VALUES ('k1', 'a')")
    keys = [
        "spark.sql.iceberg.commit.snapshot-property.job_run_id",
        "spark.sql.iceberg.snapshot-property.job_run_id",
        "snapshot-property.job_run_id",
    ]
    try:
        for key in keys:
            spark.conf.set(key, "jr_conf")
        spark.sql(
            f"""MERGE INTO {table} t USING (SELECT 'k1' AS idempotency_key, 'b' AS payload) s
                ON t.idempotency_key = s.idempotency_key
                WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"""
        )
    finally:
        for key in keys:
            spark.conf.unset(key)

    last = snapshots(spark, table)[-1]
    assert last.operation == "overwrite"
    assert "job_run_id" not in last.summary


def test_commit_metadata_with_commit_properties_tags_a_sql_merge(spark, ns):
    table = f"{ns}.curated"
    spark.sql(f"CREATE TABLE {table} (idempotency_key STRING, event_timestamp TIMESTAMP, payload STRING) USING iceberg")
    spark.sql(f"INSERT INTO {table} VALUES ('k1', TIMESTAMP '2024-05-01 09:00:00', 'old')")
    merge = f"""MERGE INTO {table} t
                USING (SELECT 'k1' AS idempotency_key, TIMESTAMP '2024-05-01 10:00:00' AS event_timestamp,
                              '{{payload}}' AS payload) s
                ON t.idempotency_key = s.idempotency_key
                WHEN MATCHED AND s.event_timestamp > t.event_timestamp THEN UPDATE SET *
                WHEN NOT MATCHED THEN INSERT *"""

    result = with_commit_properties(
        spark,
        {"job_run_id": "jr_merge_1", "source-snapshot-id": "123"},
        lambda: spark.sql(merge.format(payload="new")),
    )
    assert result is not None  # the DataFrame returned by spark.sql inside the callback

    tagged = snapshots(spark, table)[-1]
    assert tagged.operation == "overwrite"
    assert tagged.summary["job_run_id"] == "jr_merge_1"
    assert tagged.summary["source-snapshot-id"] == "123"
    assert [r.payload for r in spark.table(table).collect()] == ["new"]

    # The properties are scoped to the callable: the next commit carries none.
    spark.sql(f"INSERT INTO {table} VALUES ('k2', TIMESTAMP '2024-05-01 09:00:00', 'plain')")
    assert "job_run_id" not in snapshots(spark, table)[-1].summary

    # An exception inside the callable propagates and also clears the properties.
    with pytest.raises(Exception, match="MERGE_CARDINALITY_VIOLATION"):
        with_commit_properties(
            spark,
            {"job_run_id": "jr_merge_2"},
            lambda: spark.sql(
                f"""MERGE INTO {table} t
                    USING (SELECT 'k1' AS idempotency_key, TIMESTAMP '2024-06-01' AS event_timestamp, 'x' AS payload
                           UNION ALL
                           SELECT 'k1', TIMESTAMP '2024-06-02', 'y') s
                    ON t.idempotency_key = s.idempotency_key
                    WHEN MATCHED THEN UPDATE SET *"""
            ),
        )
    spark.sql(f"INSERT INTO {table} VALUES ('k3', TIMESTAMP '2024-05-01 09:00:00', 'plain')")
    assert "job_run_id" not in snapshots(spark, table)[-1].summary
