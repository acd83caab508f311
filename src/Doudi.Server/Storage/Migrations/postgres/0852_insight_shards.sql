-- Issue 9 item 6 (load): the monthly aggregates' rows of a region, township, category, kind, institution and diagnosis
-- are updated by every settlement of the month, so concurrent settlements queued on their row locks until commit.
-- Each such row is now split into shards (a settlement adds to the shard of its database connection, Insights/InsightStore.cs);
-- every read sums over them, as it summed over months already. Kept in step with sqlite/0852_insight_shards.sql.
ALTER TABLE insight_monthly ADD COLUMN shard smallint NOT NULL DEFAULT 0;
ALTER TABLE insight_monthly DROP CONSTRAINT insight_monthly_pkey;
ALTER TABLE insight_monthly ADD PRIMARY KEY (region, month, dimension, dim_key, shard);
