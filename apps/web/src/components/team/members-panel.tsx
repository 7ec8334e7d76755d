"use client";

import { Alert, Button, Group, NativeSelect, Paper, Table, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api } from "@/lib/api-client";
import { errorMessageOf, fieldErrorsOf } from "@/lib/api-errors";
import { formatDateTime } from "@/lib/format";
import type { RouterOutputs } from "@/lib/router-outputs";

type Role = "owner" | "admin" | "member" | "viewer";
const ROLES: Role[] = ["owner", "admin", "member", "viewer"];

export interface MembersPanelProps {
  readonly teamId: string;
  readonly canAdmin: boolean;
  readonly myUserId: string;
  readonly initialMembers: RouterOutputs["team"]["members"]["list"];
}

/** Who is in the team and with which role; admins add people by email, change roles and remove. */
export function MembersPanel({ teamId, canAdmin, myUserId, initialMembers }: MembersPanelProps) {
  const queryClient = useQueryClient();
  const members = useQuery({
    queryKey: ["team.members.list", teamId],
    queryFn: () => api.team.members.list.query({ teamId, limit: 100 }),
    initialData: initialMembers,
  }).data.items;
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["team.members.list", teamId] });
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const add = useMutation({
    mutationFn: () => api.team.members.add.mutate({ teamId, email: email.trim(), role }),
    onSuccess: async () => {
      setEmail("");
      await refresh();
    },
  });
  const changeRole = useMutation({
    mutationFn: (change: { userId: string; role: Role }) => api.team.members.changeRole.mutate({ teamId, ...change }),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (userId: string) => api.team.members.remove.mutate({ teamId, userId }),
    onSettled: refresh,
  });
  const failure = changeRole.error ?? remove.error;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };

  return (
    <Paper withBorder p="md" mb="md">
      <Title order={3} mb="xs">
        Members
      </Title>
      {failure !== null && (
        <Alert color="red" mb="xs" role="alert">
          {errorMessageOf(failure)}
        </Alert>
      )}
      <Table aria-label="Members" data-testid="member-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Joined</Table.Th>
            {canAdmin && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.map((member) => (
            <Table.Tr key={member.id} data-email={member.email}>
              <Table.Td>
                {member.name}
                {member.userId === myUserId ? " (you)" : ""}
              </Table.Td>
              <Table.Td>{member.email}</Table.Td>
              <Table.Td>
                {canAdmin ? (
                  <NativeSelect
                    aria-label={`Role of ${member.email}`}
                    size="xs"
                    value={member.role}
                    data={ROLES}
                    onChange={(event) =>
                      changeRole.mutate({ userId: member.userId, role: event.currentTarget.value as Role })
                    }
                  />
                ) : (
                  member.role
                )}
              </Table.Td>
              <Table.Td>{formatDateTime(member.joinedAt)}</Table.Td>
              {canAdmin && (
                <Table.Td>
                  <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate(member.userId)}>
                    Remove
                  </Button>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {canAdmin ? (
        <form onSubmit={submit} aria-label="Add a member">
          <Group align="start" mt="sm">
            <TextInput
              label="Email of an existing account"
              type="email"
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
              error={fieldErrorsOf(add.error).email ?? (add.error === null ? undefined : errorMessageOf(add.error))}
              required
              w={320}
            />
            <NativeSelect
              label="Role"
              value={role}
              onChange={(event) => setRole(event.currentTarget.value as Role)}
              data={ROLES}
            />
            <Button type="submit" mt={24} loading={add.isPending}>
              Add
            </Button>
          </Group>
        </form>
      ) : (
        <Text size="sm" c="dimmed" mt="xs">
          Admins and owners manage members and API tokens.
        </Text>
      )}
    </Paper>
  );
}
