-- The target of a run (where the person uses the key: hiapi, openai, ...)
-- and the owner (whose key it is by its shape, when not the target's).
-- Runs stored before keycheck knew other targets keep '', read as HiAPI
-- and no other provider's key.

ALTER TABLE runs ADD COLUMN provider TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
