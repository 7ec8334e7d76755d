import { z } from "zod";
import { TEAM_ROLES } from "../access/team-roles.js";
import { API_TOKEN_KINDS } from "../auth/api-tokens.js";
import { createApiToken } from "../domain/api-tokens/create-api-token.js";
import { listApiTokens } from "../domain/api-tokens/list-api-tokens.js";
import { revokeApiToken } from "../domain/api-tokens/revoke-api-token.js";
import { inviteToSignUp, listSignUpInvitations } from "../domain/sign-up/sign-up-invitations.js";
import { addMember } from "../domain/teams/add-member.js";
import { changeMemberRole } from "../domain/teams/change-member-role.js";
import { createTeam } from "../domain/teams/create-team.js";
import { getTeam } from "../domain/teams/get-team.js";
import { listMembers } from "../domain/teams/list-members.js";
import { listMyTeams } from "../domain/teams/list-my-teams.js";
import { removeMember } from "../domain/teams/remove-member.js";
import { getMe } from "../domain/users/get-me.js";
import { displayName } from "../inputs/display-text.js";
import { pageInput } from "../pagination/cursor-page.js";
import { router, userProcedure } from "../trpc/trpc.js";

const id = z.string().trim().min(1).max(200);
const teamOrTokenName = displayName(100);
const role = z.enum(TEAM_ROLES);

/** Teams, their members and API tokens; plus `me`, the signed-in person. */
export const teamRouter = router({
  me: userProcedure.query(({ ctx }) => getMe(ctx.store, ctx.actor)),

  create: userProcedure
    .input(z.object({ name: teamOrTokenName }))
    .mutation(({ ctx, input }) => createTeam(ctx.store, ctx.actor, input)),

  listMine: userProcedure.query(({ ctx }) => listMyTeams(ctx.store, ctx.actor)),

  get: userProcedure.input(z.object({ teamId: id })).query(({ ctx, input }) => getTeam(ctx.store, ctx.actor, input)),

  members: router({
    list: userProcedure
      .input(pageInput.extend({ teamId: id }))
      .query(({ ctx, input }) => listMembers(ctx.store, ctx.actor, input)),
    add: userProcedure
      .input(z.object({ teamId: id, email: z.email().max(320), role }))
      .mutation(({ ctx, input }) => addMember(ctx.store, ctx.actor, input)),
    changeRole: userProcedure
      .input(z.object({ teamId: id, userId: id, role }))
      .mutation(({ ctx, input }) => changeMemberRole(ctx.store, ctx.actor, input)),
    remove: userProcedure
      .input(z.object({ teamId: id, userId: id }))
      .mutation(({ ctx, input }) => removeMember(ctx.store, ctx.actor, input)),
  }),

  /** Emails allowed to sign up on an invite-only server (DEADWEIGHT_SIGN_UP=invite). */
  invitations: router({
    create: userProcedure
      .input(z.object({ teamId: id, email: z.email().max(320) }))
      .mutation(({ ctx, input }) => inviteToSignUp(ctx.store, ctx.actor, input)),
    list: userProcedure
      .input(z.object({ teamId: id }))
      .query(({ ctx, input }) => listSignUpInvitations(ctx.store, ctx.actor, input)),
  }),

  tokens: router({
    create: userProcedure
      .input(z.object({ teamId: id, name: teamOrTokenName, kind: z.enum(API_TOKEN_KINDS) }))
      .mutation(({ ctx, input }) => createApiToken(ctx.store, ctx.actor, input)),
    list: userProcedure
      .input(pageInput.extend({ teamId: id, includeRevoked: z.boolean().default(true) }))
      .query(({ ctx, input }) => listApiTokens(ctx.store, ctx.actor, input)),
    revoke: userProcedure
      .input(z.object({ tokenId: id }))
      .mutation(({ ctx, input }) => revokeApiToken(ctx.store, ctx.actor, input)),
  }),
});
