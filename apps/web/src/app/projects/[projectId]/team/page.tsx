import type { Metadata } from "next";
import { InvitationsPanel } from "@/components/team/invitations-panel";
import { MembersPanel } from "@/components/team/members-panel";
import { TokensPanel } from "@/components/team/tokens-panel";
import { signedInPage } from "@/server/page-session";
import { projectAccess } from "@/server/project-access";

export const metadata: Metadata = { title: "Team" };

export default async function TeamPage({ params }: { readonly params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { api, me } = await signedInPage();
  const access = await projectAccess(api, projectId);
  const teamId = access.project.teamId;
  const [members, tokens, invitations] = await Promise.all([
    api.team.members.list.query({ teamId, limit: 100 }),
    access.canAdmin ? api.team.tokens.list.query({ teamId, limit: 100 }) : null,
    access.canAdmin ? api.team.invitations.list.query({ teamId }) : null,
  ]);
  return (
    <>
      <MembersPanel teamId={teamId} canAdmin={access.canAdmin} myUserId={me.id} initialMembers={members} />
      {invitations !== null && <InvitationsPanel teamId={teamId} initialInvitations={invitations} />}
      {tokens !== null && <TokensPanel teamId={teamId} initialTokens={tokens} />}
    </>
  );
}
