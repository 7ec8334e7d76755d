"use client";

import {
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Group,
  NativeSelect,
  NumberInput,
  SimpleGrid,
  Stack,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import {
  type Criterion,
  draftOf,
  type ExperimentDraft,
  type FieldErrors,
  type ScheduleCut,
  submissionOf,
} from "@/components/experiments/experiment-draft";
import { api } from "@/lib/api-client";
import { errorMessageOf, fieldErrorsOf } from "@/lib/api-errors";

/** The schema's defaults (the CLI's with no flags): the form keeps none of its own. */
const INITIAL_DRAFT = draftOf();

/** How the summary above the form names each field (the API names them by input path). */
const FIELD_LABELS: Record<string, string> = {
  name: "Name",
  description: "Description",
  tags: "Tags",
  runs: "Runs to queue",
  "config.dataset": "Dataset",
  "config.split.validationFraction": "Validation fraction",
  "config.split.maxTrainSamples": "Max training samples",
  "config.split.maxTestSamples": "Max test samples",
  "config.split.scale": "Feature scaling",
  "config.model.hidden": "Hidden layers",
  "config.training.epochs": "Epochs",
  "config.training.batchSize": "Batch size",
  "config.training.learningRate": "Learning rate",
  "config.pruning.means": "Mean thresholds",
  "config.pruning.stds": "Std thresholds",
  "config.pruning.apoz": "APoZ thresholds",
  "config.pruning.keepFractions": "Keep fractions",
  "config.pruning.inputStdThreshold": "Prune inputs with std at most",
  "config.schedule.rounds": "Rounds at most",
  "config.schedule.recoverEpochs": "Fine-tuning epochs per round",
  "config.schedule.roundDrop": "Round drop (points)",
  "config.schedule.threshold.keepFraction": "Keep per round",
  "config.schedule.threshold": "Keep per round",
  "config.schedule.targetKept": "Stop at kept fraction",
  "config.schedule.targetDrop": "Stop after a drop of (points)",
  "config.seed": "Seed",
  "config.seeds": "Seeds",
  "config.deployment.budget.maxBytes": "Device budget",
  "config.deployment.budget.maxAccuracyDropPoints": "Max accuracy drop",
  "config.deployment.budget.maxLatencyMsPerSample": "Max latency",
  "config.deployment.dtypes": "Bundle dtypes",
  "config.deployment.recoveryEpochs": "Recovery epochs",
};

/** The draft's fields typed as text (the others are choices and checkboxes). */
type TextField = {
  [K in keyof ExperimentDraft]: ExperimentDraft[K] extends string
    ? string extends ExperimentDraft[K]
      ? K
      : never
    : never;
}[keyof ExperimentDraft];

/** "config.model.hidden.1" → the field's label, with the list position when the API names one. */
function labelOf(path: string): string {
  const match = /^(.*?)(?:\.(\d+))?$/.exec(path);
  const base = match?.[1] ?? path;
  const label = FIELD_LABELS[base] ?? path;
  return match?.[2] === undefined ? label : `${label} (value ${Number(match[2]) + 1})`;
}

/** API paths into a list ("config.model.hidden.1") are shown on the list's input. */
function onInputs(errors: FieldErrors): FieldErrors {
  const placed: FieldErrors = {};
  for (const [path, message] of Object.entries(errors)) {
    const base = path.replace(/\.\d+$/, "");
    placed[base] ??= base === path ? message : `${labelOf(path)}: ${message}`;
  }
  return placed;
}

/** Creates an experiment and queues its runs; every field's problem is shown beside it. */
export function NewExperimentForm({
  projectId,
  datasets = [],
}: {
  readonly projectId: string;
  /** The team's stored datasets, offered as a pick for the dataset field. */
  readonly datasets?: readonly { readonly name: string; readonly reference: string; readonly kind: string }[];
}) {
  const router = useRouter();
  const [draft, setDraft] = useState<ExperimentDraft>(INITIAL_DRAFT);
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const create = useMutation({
    mutationFn: (input: unknown) =>
      api.experiment.create.mutate({ projectId, ...(input as object) } as Parameters<
        typeof api.experiment.create.mutate
      >[0]),
    onSuccess: (experiment) => {
      const firstRun = experiment.runs.recent[0];
      router.push(
        firstRun === undefined
          ? `/projects/${projectId}/experiments/${experiment.id}`
          : `/projects/${projectId}/runs/${firstRun.id}`,
      );
    },
  });
  const serverErrors = fieldErrorsOf(create.error);
  const errors: FieldErrors = onInputs({ ...serverErrors, ...localErrors });
  const unplaced = create.error !== null && Object.keys(serverErrors).length === 0;

  const set =
    <K extends keyof ExperimentDraft>(key: K) =>
    (value: ExperimentDraft[K]) =>
      setDraft((current) => ({ ...current, [key]: value }));
  const text = (key: TextField, path: string, label: string, description?: string) => (
    <TextInput
      label={label}
      description={description}
      value={draft[key]}
      onChange={(event) => set(key)(event.currentTarget.value as never)}
      error={errors[path]}
    />
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { input, errors: found } = submissionOf(draft);
    setLocalErrors(found);
    if (Object.keys(found).length > 0) return;
    create.mutate(input);
  };

  return (
    <form onSubmit={submit} aria-label="New experiment" noValidate>
      <Stack maw={900}>
        <Title order={2}>New experiment</Title>
        {unplaced && (
          <Alert color="red" role="alert" title="Not created">
            {errorMessageOf(create.error)}
          </Alert>
        )}
        {Object.keys(errors).length > 0 && !unplaced && (
          <Alert color="red" role="alert" title="Please fix the marked fields">
            {Object.entries({ ...serverErrors, ...localErrors })
              .map(([field, message]) => `${labelOf(field)}: ${message}`)
              .join("; ")}
          </Alert>
        )}
        <Fieldset legend="Experiment">
          <SimpleGrid cols={2}>
            {text("name", "name", "Name")}
            {text("tags", "tags", "Tags", "comma-separated, e.g. mnist, baseline")}
          </SimpleGrid>
          <Textarea
            label="Description"
            value={draft.description}
            onChange={(event) => set("description")(event.currentTarget.value)}
            error={errors.description}
            autosize
            minRows={2}
          />
        </Fieldset>
        <Fieldset legend="Data">
          <SimpleGrid cols={2}>
            {text(
              "dataset",
              "config.dataset",
              "Dataset",
              '"mnist", "dataset:<id>" (uploaded), or a path inside a worker\'s data roots: "idx:<folder>", "csv:<train.csv>[,<test.csv>]"',
            )}
            {datasets.length > 0 && (
              <NativeSelect
                label="The team's datasets"
                description="picks an uploaded dataset for the dataset field"
                value={datasets.some((dataset) => dataset.reference === draft.dataset) ? draft.dataset : ""}
                onChange={(event) => {
                  const reference = event.currentTarget.value;
                  if (reference !== "") set("dataset")(reference as ExperimentDraft["dataset"]);
                }}
                data={[
                  { value: "", label: "(choose one)" },
                  ...datasets.map((dataset) => ({
                    value: dataset.reference,
                    label: `${dataset.name} (${dataset.kind})`,
                  })),
                ]}
              />
            )}
            {text(
              "validationFraction",
              "config.split.validationFraction",
              "Validation fraction",
              "of the training data, e.g. 0.1",
            )}
            {text("maxTrainSamples", "config.split.maxTrainSamples", "Max training samples", "empty: all")}
            {text("maxTestSamples", "config.split.maxTestSamples", "Max test samples", "empty: all")}
            <NativeSelect
              label="Feature scaling (CSV)"
              description="fitted on the training rows only, folded into every exported model (which takes raw features); MNIST/IDX pixels are already in [0, 1]"
              value={draft.scale}
              onChange={(event) => set("scale")(event.currentTarget.value as ExperimentDraft["scale"])}
              error={errors["config.split.scale"]}
              data={[
                { value: "standard", label: "standardise (mean 0, std 1)" },
                { value: "minmax", label: "min-max to [0, 1]" },
                { value: "none", label: "none: features as the file holds them" },
              ]}
            />
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Network and training">
          <SimpleGrid cols={3}>
            {text("hidden", "config.model.hidden", "Hidden layers", "neurons per layer, e.g. 512, 256, 128")}
            <NativeSelect
              label="Activation"
              value={draft.activation}
              onChange={(event) => set("activation")(event.currentTarget.value as ExperimentDraft["activation"])}
              data={["relu", "tanh"]}
            />
            {text("epochs", "config.training.epochs", "Epochs")}
            {text("batchSize", "config.training.batchSize", "Batch size")}
            {text("learningRate", "config.training.learningRate", "Learning rate")}
            {text("seed", "config.seed", "Seed")}
            {text(
              "seeds",
              "config.seeds",
              "Seeds",
              "optional, comma-separated: one run per seed, and the experiment shows the spread across them",
            )}
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Pruning sweep">
          <SimpleGrid cols={2}>
            <NativeSelect
              label="Criterion"
              value={draft.criterion}
              onChange={(event) => set("criterion")(event.currentTarget.value as Criterion)}
              data={[
                { value: "meanStd", label: "mean and std near zero (the original method)" },
                { value: "stdFold", label: "std near zero, mean folded into the next bias" },
                { value: "apoz", label: "average percentage of zeros (APoZ)" },
                { value: "rank", label: "keep the top fraction by score" },
              ]}
            />
            {draft.criterion === "meanStd" &&
              text("means", "config.pruning.means", "Mean thresholds", "comma-separated")}
            {(draft.criterion === "meanStd" || draft.criterion === "stdFold") &&
              text("stds", "config.pruning.stds", "Std thresholds", "comma-separated; every mean × std pair is tried")}
            {draft.criterion === "apoz" &&
              text("apoz", "config.pruning.apoz", "APoZ thresholds", "fractions in [0, 1]")}
            {draft.criterion === "rank" &&
              text("keepFractions", "config.pruning.keepFractions", "Keep fractions", "fractions in (0, 1]")}
            {text(
              "inputStdThreshold",
              "config.pruning.inputStdThreshold",
              "Prune inputs with std at most",
              "optional: input features this still on validation are removed (0: constant ones, e.g. MNIST's border pixels); exported models state which inputs they read",
            )}
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Iterative schedule">
          <Checkbox
            label="Prune, fine-tune and measure again, round after round (each round is a row you can promote and deploy)"
            checked={draft.scheduleOn}
            onChange={(event) => set("scheduleOn")(event.currentTarget.checked)}
            mb={draft.scheduleOn ? "sm" : 0}
          />
          {draft.scheduleOn && (
            <SimpleGrid cols={3}>
              {text("scheduleRounds", "config.schedule.rounds", "Rounds at most")}
              {text(
                "scheduleRecoverEpochs",
                "config.schedule.recoverEpochs",
                "Fine-tuning epochs per round",
                "after each round's pruning; 0: none",
              )}
              <NativeSelect
                label="Each round's cut"
                value={draft.scheduleCut}
                onChange={(event) => set("scheduleCut")(event.currentTarget.value as ScheduleCut)}
                data={[
                  { value: "keep", label: "keep a fraction of every layer (highest std)" },
                  { value: "auto", label: "the sweep's largest cut within a drop" },
                ]}
              />
              {draft.scheduleCut === "keep"
                ? text(
                    "scheduleKeep",
                    "config.schedule.threshold.keepFraction",
                    "Keep per round",
                    "fraction of each hidden layer's neurons a round keeps, e.g. 0.75",
                  )
                : text(
                    "scheduleRoundDrop",
                    "config.schedule.roundDrop",
                    "Round drop (points)",
                    "validation points a round may lose before its fine-tuning",
                  )}
              {text(
                "scheduleTargetKept",
                "config.schedule.targetKept",
                "Stop at kept fraction",
                "optional: of the base model's parameters, e.g. 0.1",
              )}
              {text(
                "scheduleTargetDrop",
                "config.schedule.targetDrop",
                "Stop after a drop of (points)",
                "optional: validation points below the base model",
              )}
            </SimpleGrid>
          )}
        </Fieldset>
        <Fieldset legend="Deployment">
          <SimpleGrid cols={3}>
            {text(
              "budgetKilobytes",
              "config.deployment.budget.maxBytes",
              "Device budget (KB)",
              "real bytes on disk; empty: no budget",
            )}
            {text(
              "maxDropPoints",
              "config.deployment.budget.maxAccuracyDropPoints",
              "Max accuracy drop (points)",
              "validation points below the base model",
            )}
            {text(
              "maxLatencyMicroseconds",
              "config.deployment.budget.maxLatencyMsPerSample",
              "Max latency (µs per sample)",
              "optional",
            )}
            <Checkbox.Group
              label="Bundle dtypes"
              description="TF.js layers format; float16 and uint8 are quantized"
              value={draft.dtypes}
              onChange={(value) => set("dtypes")(value)}
              error={errors["config.deployment.dtypes"]}
            >
              <Group mt={6}>
                <Checkbox value="float32" label="float32" />
                <Checkbox value="float16" label="float16" />
                <Checkbox value="uint8" label="uint8" />
              </Group>
            </Checkbox.Group>
            {text(
              "recoveryEpochs",
              "config.deployment.recoveryEpochs",
              "Recovery epochs",
              "fine-tuning after pruning; 0: none",
            )}
            <NativeSelect
              label="Fine-tune"
              value={draft.recover}
              onChange={(event) => set("recover")(event.currentTarget.value as ExperimentDraft["recover"])}
              data={[
                { value: "answer", label: "the budget's answer (else the suggested row)" },
                { value: "pareto", label: "every Pareto row" },
              ]}
            />
            <NativeSelect
              label="Export verified bundles of"
              value={draft.bundles}
              onChange={(event) => set("bundles")(event.currentTarget.value as ExperimentDraft["bundles"])}
              data={[
                { value: "answer", label: "the budget's answer (else the suggested row)" },
                { value: "pareto", label: "every Pareto row" },
              ]}
            />
          </SimpleGrid>
        </Fieldset>
        <Group>
          <NumberInput
            label="Runs to queue"
            description={draft.seeds.trim() === "" ? "each with its own seed" : "one per listed seed"}
            min={1}
            max={10}
            disabled={draft.seeds.trim() !== ""}
            value={Number(draft.runs)}
            onChange={(value) => set("runs")(String(value))}
            error={errors.runs}
            w={180}
          />
        </Group>
        <Group>
          <Button type="submit" loading={create.isPending}>
            Create and queue
          </Button>
          <Button variant="default" onClick={() => router.back()}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
