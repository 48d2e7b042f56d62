-- A closed month's act and invoice take their numbers as the month closes, in closing order. When
-- the seller's or the buyer's requisites are not complete yet, the number is held with no parties
-- (NULL), and the parties are fixed when the document is first asked for with them complete.
-- Keep in step with ../sqlite/0017_documents_numbered_at_close.sql.
ALTER TABLE documents ALTER COLUMN seller_json DROP NOT NULL;
ALTER TABLE documents ALTER COLUMN buyer_json DROP NOT NULL;
ALTER TABLE documents ADD CONSTRAINT documents_parties_together CHECK ((seller_json IS NULL) = (buyer_json IS NULL));
