-- The epoch an attempt resumed training at, from an earlier attempt's checkpoint (null: it did not).
-- AlterTable
ALTER TABLE "RunAttempt" ADD COLUMN "resumedAtEpoch" INTEGER;
