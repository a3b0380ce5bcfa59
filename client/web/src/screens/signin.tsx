// Sign in: paste an API token, or arrive by a sign-in link (#/signin/CODE),
// whose code is posted once and then removed from the address bar.
import { useEffect, useState } from "preact/hooks";
import { currentPath, navigate, replace, type RouteProps } from "../router";
import { signIn } from "../session";
import { ErrorNote, PageHeading } from "../components/ui";

export function SignIn({ params }: RouteProps) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Where to go once signed in: back to the page that asked, else the projects.
  const returnTo = currentPath.value.startsWith("/signin") ? "/projects" : currentPath.value;

  useEffect(() => {
    if (!params.code) return;
    const code = params.code;
    // The code is single use: take it out of the URL and history at once.
    replace("/signin");
    setBusy(true);
    signIn({ signin_code: code }).then(
      () => replace("/projects"),
      (e: Error) => {
        setBusy(false);
        setError(`This sign-in link did not work. ${e.message} Ask your project lead for a new link, or paste an API token below.`);
      },
    );
  }, [params.code]);

  async function submit(event: Event) {
    event.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      await signIn({ token: token.trim() });
      setToken("");
      if (currentPath.value === returnTo) navigate(returnTo);
      else navigate(returnTo);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="signin card narrow">
      <PageHeading>Sign in to icr</PageHeading>
      <p>
        Open the sign-in link your project lead sent you, or paste an API token (it starts
        with <code>icr_</code>).
      </p>
      <form onSubmit={submit}>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellcheck={false}
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          required
        />
        <button type="submit" class="primary" disabled={busy || !token.trim()}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <ErrorNote error={error} />
    </section>
  );
}
