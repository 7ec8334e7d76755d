"use client";

import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  NativeSelect,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api } from "@/lib/api-client";
import { errorMessageOf, fieldErrorsOf } from "@/lib/api-errors";
import { formatDateTime } from "@/lib/format";
import type { RouterOutputs } from "@/lib/router-outputs";

export interface TokensPanelProps {
  readonly teamId: string;
  readonly initialTokens: RouterOutputs["team"]["tokens"]["list"];
}

/** API tokens of the team (admins): create one (its secret is shown once), see when each was last used, revoke. */
export function TokensPanel({ teamId, initialTokens }: TokensPanelProps) {
  const queryClient = useQueryClient();
  const tokens = useQuery({
    queryKey: ["team.tokens.list", teamId],
    queryFn: () => api.team.tokens.list.query({ teamId, limit: 100 }),
    initialData: initialTokens,
  }).data.items;
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["team.tokens.list", teamId] });
  const [name, setName] = useState("");
  const [kind, setKind] = useState<"user" | "worker">("user");
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => api.team.tokens.create.mutate({ teamId, name: name.trim(), kind }),
    onSuccess: async (created) => {
      setSecret(created.token);
      setName("");
      await refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (tokenId: string) => api.team.tokens.revoke.mutate({ tokenId }),
    onSettled: refresh,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };

  return (
    <Paper withBorder p="md">
      <Title order={3} mb="xs">
        API tokens
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        User tokens act as their creator within this team (the CLI); worker tokens can only claim and report runs.
      </Text>
      {revoke.error !== null && <Alert color="red">{errorMessageOf(revoke.error)}</Alert>}
      <Table aria-label="API tokens" data-testid="token-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Kind</Table.Th>
            <Table.Th>Starts with</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.map((token) => (
            <Table.Tr key={token.id} data-token-name={token.name}>
              <Table.Td>{token.name}</Table.Td>
              <Table.Td>{token.kind}</Table.Td>
              <Table.Td>
                <Code>{token.prefix}…</Code>
              </Table.Td>
              <Table.Td>{formatDateTime(token.createdAt)}</Table.Td>
              <Table.Td>{token.lastUsedAt === null ? "never" : formatDateTime(token.lastUsedAt)}</Table.Td>
              <Table.Td>
                {token.revokedAt === null ? (
                  <Button size="xs" variant="subtle" color="red" onClick={() => revoke.mutate(token.id)}>
                    Revoke
                  </Button>
                ) : (
                  <Badge color="gray">revoked {formatDateTime(token.revokedAt)}</Badge>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <form onSubmit={submit} aria-label="Create an API token">
        <Group align="start" mt="sm">
          <TextInput
            label="Token name"
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={
              fieldErrorsOf(create.error).name ?? (create.error === null ? undefined : errorMessageOf(create.error))
            }
            required
          />
          <NativeSelect
            label="Kind"
            value={kind}
            onChange={(event) => setKind(event.currentTarget.value as "user" | "worker")}
            data={["user", "worker"]}
          />
          <Button type="submit" mt={24} loading={create.isPending}>
            Create token
          </Button>
        </Group>
      </form>
      <Modal opened={secret !== null} onClose={() => setSecret(null)} title="Your new token" size="lg">
        <Stack>
          <Alert color="yellow">
            This is the only time the token is shown. Copy it now; it is stored only as a hash.
          </Alert>
          <Code block data-testid="new-token">
            {secret}
          </Code>
          <CopyButton value={secret ?? ""}>
            {({ copied, copy }) => <Button onClick={copy}>{copied ? "Copied" : "Copy"}</Button>}
          </CopyButton>
        </Stack>
      </Modal>
    </Paper>
  );
}
