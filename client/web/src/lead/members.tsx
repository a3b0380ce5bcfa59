// A project's members and their roles (ListMembers, AddMember: adding an
// existing member again changes their role).
import { useState } from "preact/hooks";
import { listAll, path, post, requestId } from "../api";
import { announce } from "../announce";
import { useLoad } from "../data";
import type { RouteProps } from "../router";
import { currentUser } from "../session";
import type { Member, MemberRole, User } from "../types";
import { ErrorNote, Loading, PageHeading } from "../components/ui";
import "./lead.css";

const ROLES: Array<{ role: MemberRole; words: string }> = [
  { role: "CODER", words: "Coder: codes the documents of their rounds" },
  { role: "LEAD", words: "Lead: manages the codebook, documents and rounds; resolves disagreements" },
  { role: "REVIEWER", words: "Reviewer: reads the report and the audit trail; changes nothing" },
  { role: "OWNER", words: "Owner: everything a lead does, and manages members" },
];

export function Members({ params }: RouteProps) {
  const project = params.project!;
  const members = useLoad(() => listAll<Member>(path("projects", project, "members"), "members"), [project]);
  // Only administrators may list users; others type the user id.
  const isAdmin = currentUser.value?.role === "ADMIN";
  const users = useLoad(() => isAdmin ? listAll<User>(path("users"), "users").catch(() => [] as User[])
    : Promise.resolve([] as User[]), [isAdmin]);
  const [user, setUser] = useState("");
  const [role, setRole] = useState<MemberRole>("CODER");
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();

  const add = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setDone(undefined);
    if (!user.trim()) {
      setError("Enter the user id of the person to add.");
      return;
    }
    try {
      await post(path("projects", project, "members"), { user: user.trim(), role, request_id: requestId() });
      const text = `${user.trim()} is now ${role.toLowerCase()} of ${project}.`;
      setDone(text);
      announce(text);
      setUser("");
      members.reload();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section class="lead-screen">
      <PageHeading>Members and roles</PageHeading>
      <div class="manage-grid">
        <div>
          <ErrorNote error={members.error} />
          {!members.data && !members.error && <Loading what="the members" />}
          {members.data && (
            <table class="list members-table">
              <caption class="sr-only">Members of {project}</caption>
              <thead><tr><th scope="col">User</th><th scope="col">Role</th></tr></thead>
              <tbody>
                {members.data.map((m) => (
                  <tr key={m.user + m.role}><th scope="row">{m.user}</th><td>{m.role.toLowerCase()}</td></tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <form class="card form-grid" onSubmit={add} aria-labelledby="add-member-title">
          <h2 id="add-member-title">Add a member or change a role</h2>
          <label for="member-user">User id</label>
          <input id="member-user" value={user} list="known-users" autocomplete="off"
            onInput={(e) => setUser((e.target as HTMLInputElement).value)} />
          <datalist id="known-users">
            {(users.data ?? []).map((u) => <option key={u.id} value={u.id}>{u.display_name}</option>)}
          </datalist>
          <label for="member-role">Role</label>
          <select id="member-role" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as MemberRole)}>
            {ROLES.map((r) => <option key={r.role} value={r.role}>{r.words}</option>)}
          </select>
          <ErrorNote error={error} />
          {done && <p class="notice" role="status">{done}</p>}
          <div class="actions"><button type="submit" class="primary">Save</button></div>
        </form>
      </div>
    </section>
  );
}
