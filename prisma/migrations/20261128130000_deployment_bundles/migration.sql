-- Deployment candidates: recovered accuracies and measured bundles per result row, the deploy stage's outcome per run.
ALTER TABLE "ResultRow" ADD COLUMN "recovery" TEXT;
ALTER TABLE "ResultRow" ADD COLUMN "bundles" TEXT;
ALTER TABLE "Run" ADD COLUMN "deployment" TEXT;
