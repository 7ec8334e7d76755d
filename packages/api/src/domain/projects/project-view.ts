import type { Prisma } from "@deadweight/db";

/** What a reader of a project sees: explicit, so a new column never leaks by accident. */
export const projectSelect = {
  id: true,
  teamId: true,
  name: true,
  slug: true,
  description: true,
  createdAt: true,
} satisfies Prisma.ProjectSelect;

export interface ProjectView {
  readonly id: string;
  readonly teamId: string;
  readonly name: string;
  readonly slug: string;
  readonly description: string;
  readonly createdAt: Date;
}
