/** The login page (an API token becomes a session) and the page of a one-time login link. */
import { CsrfField, Notice } from './components.tsx';

export interface LoginProps {
  csrf: string;
  next: string;
  error?: string;
  /** The previous session ended (its token expired or was revoked). */
  ended?: boolean;
  loggedOut?: boolean;
}

export function LoginPage(props: LoginProps) {
  return (
    <section class="login card">
      <h1>Log in</h1>
      {props.ended && <Notice kind="info">Your session ended: its token is no longer accepted. Log in again.</Notice>}
      {props.loggedOut && <Notice kind="success">You are logged out.</Notice>}
      <form method="post" action="/console/login" class="stack">
        <CsrfField token={props.csrf} />
        <input type="hidden" name="next" value={props.next} />
        <label for="token">Token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          required
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={props.error ? 'token-errors' : 'token-help'}
        />
        {props.error ? (
          <ul class="field-errors" id="token-errors">
            <li>{props.error}</li>
          </ul>
        ) : (
          <p class="help" id="token-help">
            An API token: an admin issues one on the Admin page (or <code>open-skills token create</code>). The embedded
            server printed the first admin's token, and a one-time login link, when it first started.
          </p>
        )}
        <button type="submit" class="primary">
          Log in
        </button>
      </form>
    </section>
  );
}

export function LoginLinkPage(props: { csrf: string; code: string; error?: string }) {
  return (
    <section class="login card">
      <h1>Log in with a one-time link</h1>
      {props.error ? (
        <>
          <Notice kind="error">{props.error}</Notice>
          <p>
            <a href="/console/login">Log in with a token</a> instead.
          </p>
        </>
      ) : (
        <form method="post" action="/console/login/link" class="stack">
          <p>This link logs you in once and then stops working.</p>
          <CsrfField token={props.csrf} />
          <input type="hidden" name="code" value={props.code} />
          <button type="submit" class="primary">
            Log in
          </button>
        </form>
      )}
    </section>
  );
}
