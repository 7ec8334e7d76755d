import { Alert, Center, Stack, Text, Title } from "@mantine/core";
import { redirect } from "next/navigation";
import { signedInPage } from "@/server/page-session";

/** Straight to the first project the person can see; an explanation when there is none. */
export default async function HomePage({ searchParams }: { readonly searchParams: Promise<{ team?: string }> }) {
  const { team: chosenTeam } = await searchParams;
  const { api } = await signedInPage();
  const teams = await api.team.listMine.query();
  // The team switcher sends ?team=<id>: that team first.
  const ordered = [...teams].sort((a, b) => Number(b.id === chosenTeam) - Number(a.id === chosenTeam));
  for (const team of ordered) {
    const projects = await api.project.list.query({ teamId: team.id, limit: 1 });
    const first = projects.items[0];
    if (first !== undefined) redirect(`/projects/${first.id}`);
  }
  return (
    <Center mih="100vh">
      <Stack maw={520}>
        <Title order={2}>No project yet</Title>
        <Alert color="blue" title={teams.length === 0 ? "You are in no team" : "Your teams have no project"}>
          <Text size="sm">
            {teams.length === 0
              ? "Ask a team admin to add you (Team page → Members), or create a team with the API: team.create."
              : "Create one with the CLI or the API (project.create), then reload this page."}
          </Text>
        </Alert>
      </Stack>
    </Center>
  );
}
