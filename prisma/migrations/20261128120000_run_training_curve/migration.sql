-- The live training trace of a run (loss and accuracy per reported batch), shown as curves by the dashboard.
ALTER TABLE "Run" ADD COLUMN "trainingCurve" TEXT;
