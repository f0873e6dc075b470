-- Curation step 2: the payload keys of this increment; the engine turns new ones into
-- new nullable STRING columns of the curated table (schema auto-evolution).
SELECT DISTINCT {{explode_keys}} AS payload_key
FROM curation_parsed
WHERE payload_map IS NOT NULL
