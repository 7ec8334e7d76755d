"use client";

import { Button, Group, Paper, Table, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api } from "@/lib/api-client";
import { errorMessageOf, fieldErrorsOf } from "@/lib/api-errors";
import { formatDateTime } from "@/lib/format";
import type { RouterOutputs } from "@/lib/router-outputs";

export interface InvitationsPanelProps {
  readonly teamId: string;
  readonly initialInvitations: RouterOutputs["team"]["invitations"]["list"];
}

/**
 * Emails allowed to create an account on a server whose sign-up is by invitation
 * (DEADWEIGHT_SIGN_UP=invite, the default when it is reachable from the network); admins only.
 */
export function InvitationsPanel({ teamId, initialInvitations }: InvitationsPanelProps) {
  const queryClient = useQueryClient();
  const invitations = useQuery({
    queryKey: ["team.invitations.list", teamId],
    queryFn: () => api.team.invitations.list.query({ teamId }),
    initialData: initialInvitations,
  }).data;
  const [email, setEmail] = useState("");
  const invite = useMutation({
    mutationFn: () => api.team.invitations.create.mutate({ teamId, email: email.trim() }),
    onSuccess: async () => {
      setEmail("");
      await queryClient.invalidateQueries({ queryKey: ["team.invitations.list", teamId] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate();
  };

  return (
    <Paper withBorder p="md" mb="md">
      <Title order={3} mb="xs">
        Invitations
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        When sign-up is by invitation, only these emails can create an account (for 30 days); each joins this team as a
        member when they sign up.
      </Text>
      {invitations.length > 0 && (
        <Table aria-label="Invitations" data-testid="invitation-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Email</Table.Th>
              <Table.Th>Invited</Table.Th>
              <Table.Th>Expires</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {invitations.map((invitation) => (
              <Table.Tr key={invitation.email} data-email={invitation.email}>
                <Table.Td>{invitation.email}</Table.Td>
                <Table.Td>{formatDateTime(invitation.createdAt)}</Table.Td>
                <Table.Td>{formatDateTime(invitation.expiresAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <form onSubmit={submit} aria-label="Invite to sign up">
        <Group align="start" mt="sm">
          <TextInput
            label="Email to invite"
            type="email"
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            error={
              fieldErrorsOf(invite.error).email ?? (invite.error === null ? undefined : errorMessageOf(invite.error))
            }
            required
            w={320}
          />
          <Button type="submit" mt={24} loading={invite.isPending}>
            Invite
          </Button>
        </Group>
      </form>
    </Paper>
  );
}
