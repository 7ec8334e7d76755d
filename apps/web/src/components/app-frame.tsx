"use client";

import { Badge, Box, Button, Group, NativeSelect, Tabs, Text } from "@mantine/core";
import { usePathname, useRouter } from "next/navigation";
import type { ReactNode } from "react";

export interface AppFrameProps {
  readonly user: { readonly name: string; readonly email: string };
  readonly teams: readonly { readonly id: string; readonly name: string; readonly role: string }[];
  readonly project: { readonly id: string; readonly name: string; readonly teamId: string };
  readonly projects: readonly { readonly id: string; readonly name: string }[];
  readonly children: ReactNode;
}

const SECTIONS = [
  { key: "experiments", label: "Experiments", path: "" },
  { key: "runs", label: "Runs & compare", path: "/runs" },
  { key: "candidates", label: "Candidates", path: "/candidates" },
  { key: "history", label: "History", path: "/history" },
  { key: "datasets", label: "Datasets", path: "/datasets" },
  { key: "team", label: "Team", path: "/team" },
] as const;

/** The header of every project page: who you are, which team and project, and the project's sections. */
export function AppFrame({ user, teams, project, projects, children }: AppFrameProps) {
  const router = useRouter();
  const pathname = usePathname();
  const base = `/projects/${project.id}`;
  // A run page belongs to "Runs & compare", like the compare page; anything else unmatched to "Experiments".
  const current =
    SECTIONS.find((section) => section.path !== "" && pathname.startsWith(`${base}${section.path}`))?.key ??
    (pathname.startsWith(`${base}/compare`) ? "runs" : "experiments");
  const role = teams.find((team) => team.id === project.teamId)?.role;

  const signOut = async () => {
    await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    window.location.assign("/sign-in");
  };

  return (
    <>
      <Box component="header" px="md" pt={8} style={{ borderBottom: "1px solid var(--mantine-color-gray-3)" }}>
        <Group justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Text fw={800} size="lg">
              Deadweight
            </Text>
            <NativeSelect
              aria-label="Team"
              size="xs"
              value={project.teamId}
              data={teams.map((team) => ({ value: team.id, label: team.name }))}
              onChange={(event) => router.push(`/?team=${event.currentTarget.value}`)}
            />
            <NativeSelect
              aria-label="Project"
              size="xs"
              value={project.id}
              data={projects.map((item) => ({ value: item.id, label: item.name }))}
              onChange={(event) => router.push(`/projects/${event.currentTarget.value}`)}
            />
            {role !== undefined && (
              <Badge variant="light" title="Your role in this team">
                {role}
              </Badge>
            )}
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Text size="sm" c="dimmed" title={user.email}>
              {user.name}
            </Text>
            <Button variant="subtle" size="xs" onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
        <Tabs
          value={current}
          onChange={(value) => router.push(`${base}${SECTIONS.find((section) => section.key === value)?.path ?? ""}`)}
          mt={6}
        >
          <Tabs.List>
            {SECTIONS.map((section) => (
              <Tabs.Tab key={section.key} value={section.key}>
                {section.label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
        </Tabs>
      </Box>
      <Box component="main" p="md">
        {children}
      </Box>
    </>
  );
}
