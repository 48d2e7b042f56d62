-- A closed month's act and invoice take their numbers as the month closes, in closing order. When
-- the seller's or the buyer's requisites are not complete yet, the number is held with no parties
-- (NULL), and the parties are fixed when the document is first asked for with them complete.
-- Keep in step with ../postgres/0017_documents_numbered_at_close.sql.
CREATE TABLE documents_new (
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    period      TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('act', 'invoice')),
    year        INTEGER NOT NULL,
    number      INTEGER NOT NULL,
    seller_json TEXT,
    buyer_json  TEXT,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (org_id, period, kind),
    CONSTRAINT documents_number_key UNIQUE (kind, year, number),
    CHECK ((seller_json IS NULL) = (buyer_json IS NULL))
);
INSERT INTO documents_new (org_id, period, kind, year, number, seller_json, buyer_json, created_at)
    SELECT org_id, period, kind, year, number, seller_json, buyer_json, created_at FROM documents;
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
