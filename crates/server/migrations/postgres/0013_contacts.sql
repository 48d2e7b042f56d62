-- How prospects reach the company (the calculator's and the demo's next step), kept with the
-- seller's requisites; each optional.
ALTER TABLE seller ADD COLUMN phone TEXT;
ALTER TABLE seller ADD COLUMN email TEXT;
