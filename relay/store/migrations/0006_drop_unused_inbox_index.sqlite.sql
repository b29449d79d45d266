-- inbox_by_key served the claim query before inbox_unfinished_by_key (0004) took its place; nothing reads it
-- any more, and every webhook paid for one more B-tree insert in its commit.
DROP INDEX inbox_by_key;
