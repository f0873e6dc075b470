-- The local lake's schemas and its snapshot log, DuckDB only (Iceberg keeps snapshots in
-- table metadata). meta.snapshots: one row per commit of a topic's layer, numbered across
-- the lake; raw_seq is the RAW sequence a curated or semantic commit read up to.
-- meta.committed_files: landed files already in RAW, so a commit repeated after a crash skips them.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS curated;
CREATE SCHEMA IF NOT EXISTS semantic;
CREATE SCHEMA IF NOT EXISTS meta;
CREATE TABLE IF NOT EXISTS meta.snapshots (
  sequence BIGINT NOT NULL,
  topic VARCHAR NOT NULL,
  layer VARCHAR NOT NULL,
  operation VARCHAR NOT NULL,
  committed_at TIMESTAMPTZ NOT NULL,
  raw_seq BIGINT,
  records BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta.committed_files (
  topic VARCHAR NOT NULL,
  file VARCHAR NOT NULL,
  sequence BIGINT NOT NULL
);
