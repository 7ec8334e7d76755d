import { z } from "zod";

/** The id of a stored object (a cuid, or a user id): never empty, never absurdly long. */
export const objectId = z.string().trim().min(1, "must not be empty").max(100, "is too long to be an id");
