// Who is signed in. The session itself is an HttpOnly cookie the app never
// reads; GET /v1/users/me says whether it is still good.
import { signal } from "@preact/signals";
import { ApiError, del, get, post, setSignedOutHandler } from "./api";
import type { User } from "./types";

/** undefined: not known yet; null: signed out. */
export const currentUser = signal<User | null | undefined>(undefined);

// Bumped by each sign-in and sign-out, so that an answer to a request sent
// before it (a 401 from the old session) does not undo it.
let epoch = 0;

setSignedOutHandler(
  (sentAt) => {
    if (sentAt === epoch) currentUser.value = null;
  },
  () => epoch,
);

export async function loadCurrentUser(): Promise<void> {
  const sentAt = epoch;
  try {
    const answer = await get<{ user: User }>("/v1/users/me");
    if (sentAt === epoch) currentUser.value = answer.user;
  } catch (error) {
    if (!(error instanceof ApiError && error.httpStatus === 401)) throw error;
  }
}

/** Exchanges an API token or a sign-in code for a session cookie. */
export async function signIn(credential: { token: string } | { signin_code: string }): Promise<User> {
  const answer = await post<{ user: User }>("/v1/sessions", credential);
  epoch++;
  currentUser.value = answer.user;
  return answer.user;
}

export async function signOut(): Promise<void> {
  try {
    await del("/v1/sessions/current");
  } finally {
    epoch++;
    currentUser.value = null;
  }
}
