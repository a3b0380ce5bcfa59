// Sign in: paste an API token, or arrive by a sign-in link (#/signin/CODE),
// whose code is posted once and then removed from the address bar.
import { useEffect, useState } from "preact/hooks";
import { currentPath, navigate, replace, type RouteProps } from "../router";
import { signIn } from "../session";
import { ErrorNote, PageHeading } from "../components/ui";
import { t } from "../i18n";

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
        setError(t().signin.linkFailed(e.message));
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
      <PageHeading>{t().signin.heading}</PageHeading>
      <p>
        {t().signin.intro[0]}
        <code>icr_</code>
        {t().signin.intro[1]}
      </p>
      <form onSubmit={submit}>
        <label for="token">{t().signin.token}</label>
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
          {busy ? t().signin.busy : t().signin.submit}
        </button>
      </form>
      <ErrorNote error={error} />
    </section>
  );
}
