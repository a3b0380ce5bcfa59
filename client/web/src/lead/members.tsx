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
import { t } from "../i18n";
import "./lead.css";

// The roles offered, in this order (what each may do is in the catalog).
const ROLES: MemberRole[] = ["CODER", "LEAD", "REVIEWER", "OWNER"];

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
      setError(t().members.needUser);
      return;
    }
    try {
      await post(path("projects", project, "members"), { user: user.trim(), role, request_id: requestId() });
      const text = t().members.nowRole(user.trim(), t().overview.roles[role] ?? role, project);
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
      <PageHeading>{t().members.heading}</PageHeading>
      <div class="manage-grid">
        <div>
          <ErrorNote error={members.error} />
          {!members.data && !members.error && <Loading what={t().members.what} />}
          {members.data && (
            <table class="list members-table">
              <caption class="sr-only">{t().members.caption(project)}</caption>
              <thead><tr><th scope="col">{t().members.user}</th><th scope="col">{t().members.role}</th></tr></thead>
              <tbody>
                {members.data.map((m) => (
                  <tr key={m.user + m.role}><th scope="row">{m.user}</th><td>{t().overview.roles[m.role] ?? m.role}</td></tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <form class="card form-grid" onSubmit={add} aria-labelledby="add-member-title">
          <h2 id="add-member-title">{t().members.addTitle}</h2>
          <label for="member-user">{t().members.userId}</label>
          <input id="member-user" value={user} list="known-users" autocomplete="off"
            onInput={(e) => setUser((e.target as HTMLInputElement).value)} />
          <datalist id="known-users">
            {(users.data ?? []).map((u) => <option key={u.id} value={u.id}>{u.display_name}</option>)}
          </datalist>
          <label for="member-role">{t().members.role}</label>
          <select id="member-role" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as MemberRole)}>
            {ROLES.map((r) => <option key={r} value={r}>{t().members.roles[r]}</option>)}
          </select>
          <ErrorNote error={error} />
          {done && <p class="notice" role="status">{done}</p>}
          <div class="actions"><button type="submit" class="primary">{t().members.save}</button></div>
        </form>
      </div>
    </section>
  );
}
