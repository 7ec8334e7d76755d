"use client";

import { Alert, Button, Stack, Textarea, TextInput } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api } from "@/lib/api-client";
import { errorMessageOf, fieldErrorsOf } from "@/lib/api-errors";

export interface PromoteFormProps {
  readonly projectId: string;
  readonly resultRowId: string;
  readonly onPromoted?: (alias: string) => void;
}

/** Puts a result row under an alias ("edge-v2") with the reason; moving an alias keeps the old one in history. */
export function PromoteForm({ projectId, resultRowId, onPromoted }: PromoteFormProps) {
  const queryClient = useQueryClient();
  const [alias, setAlias] = useState("");
  const [note, setNote] = useState("");
  const promote = useMutation({
    mutationFn: () => api.candidate.promote.mutate({ projectId, resultRowId, alias: alias.trim(), note }),
    onSuccess: async (promoted) => {
      await queryClient.invalidateQueries({ queryKey: ["candidate.list"] });
      await queryClient.invalidateQueries({ queryKey: ["candidate.history"] });
      onPromoted?.(promoted.candidate.alias);
    },
  });
  const fieldErrors = fieldErrorsOf(promote.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    promote.mutate();
  };

  return (
    <form onSubmit={submit} aria-label="Promote this row">
      <Stack gap="xs">
        <TextInput
          label="Alias"
          description='Lowercase, e.g. "edge-v2"; an alias in use moves to this row'
          value={alias}
          onChange={(event) => setAlias(event.currentTarget.value)}
          error={fieldErrors.alias}
          required
        />
        <Textarea
          label="Why this one"
          description="Kept in the candidate's history: someone will read it months from now"
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
          error={fieldErrors.note}
          autosize
          minRows={2}
          required
        />
        {promote.error !== null && fieldErrors.alias === undefined && fieldErrors.note === undefined && (
          <Alert color="red" role="alert">
            {errorMessageOf(promote.error)}
          </Alert>
        )}
        {promote.isSuccess && (
          <Alert color="green" role="status">
            Promoted as “{promote.data.candidate.alias}”.
          </Alert>
        )}
        <Button type="submit" loading={promote.isPending}>
          Promote
        </Button>
      </Stack>
    </form>
  );
}
