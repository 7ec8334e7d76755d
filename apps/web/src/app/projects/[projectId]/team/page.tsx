import type { Metadata } from "next";
import { MembersPanel } from "@/components/team/members-panel";
import { TokensPanel } from "@/components/team/tokens-panel";
import { asTransported, type RouterOutputs } from "@/lib/router-outputs";
import { signedInPage } from "@/server/page-session";
import { projectAccess } from "@/server/project-access";

export const metadata: Metadata = { title: "Team" };

export default async function TeamPage({ params }: { readonly params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { api, actor } = await signedInPage();
  const access = await projectAccess(api, projectId);
  const teamId = access.project.teamId;
  const [members, tokens] = await Promise.all([
    api.team.members.list({ teamId, limit: 100 }),
    access.canAdmin ? api.team.tokens.list({ teamId, limit: 100 }) : null,
  ]);
  return (
    <>
      <MembersPanel
        teamId={teamId}
        canAdmin={access.canAdmin}
        myUserId={actor.userId}
        initialMembers={asTransported<RouterOutputs["team"]["members"]["list"]>(members)}
      />
      {tokens !== null && (
        <TokensPanel teamId={teamId} initialTokens={asTransported<RouterOutputs["team"]["tokens"]["list"]>(tokens)} />
      )}
    </>
  );
}
