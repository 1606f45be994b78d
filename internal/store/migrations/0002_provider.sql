-- The target of a run: where the person uses the key (hiapi, openai, ...).
-- Runs stored before keycheck knew other targets keep '', read as HiAPI.

ALTER TABLE runs ADD COLUMN provider TEXT NOT NULL DEFAULT '';
