-- The month's documents (shared/domain.md, "Documents"). Keep in step with ../sqlite/0009_documents.sql.
-- The seller's requisites: one record, kept by the admin.
CREATE TABLE seller (
    id           BIGINT PRIMARY KEY CHECK (id = 1),
    name         TEXT NOT NULL,
    inn          TEXT NOT NULL,
    kpp          TEXT NOT NULL,
    address      TEXT NOT NULL,
    bank_name    TEXT NOT NULL,
    bik          TEXT NOT NULL,
    account      TEXT NOT NULL,
    corr_account TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
-- The buyer's requisites beside its name and ИНН.
ALTER TABLE orgs ADD COLUMN kpp TEXT;
ALTER TABLE orgs ADD COLUMN address TEXT NOT NULL DEFAULT '';
-- The last number given to each kind of document in each year: numbers run without gaps, since
-- a number is taken in the transaction that stores its document.
CREATE TABLE document_numbers (
    kind        TEXT NOT NULL,
    year        INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (kind, year)
);
-- A closed month's act and invoice: the number and the parties as they were when it was issued.
CREATE TABLE documents (
    org_id      BIGINT NOT NULL REFERENCES orgs (id),
    period      TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('act', 'invoice')),
    year        INTEGER NOT NULL,
    number      INTEGER NOT NULL,
    seller_json TEXT NOT NULL,
    buyer_json  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (org_id, period, kind),
    CONSTRAINT documents_number_key UNIQUE (kind, year, number)
);
