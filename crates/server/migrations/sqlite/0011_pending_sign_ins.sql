-- A sign-in try is recorded before its password is checked (so a parallel burst gets no more
-- tries than the limit) and stays "pending" until the check ends: a wrong password makes it a
-- failure, a right one removes it. Tries still pending make the next ones wait, not fail, so a
-- user's own parallel sign-ins never lock them out.
ALTER TABLE login_failures ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
