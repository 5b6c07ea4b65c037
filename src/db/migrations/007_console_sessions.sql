-- Console sessions and one-time login links (issue 14). A row is found by the SHA-256 of the secret its cookie or
-- link carries, and holds the API token the person logged in with, encrypted under a key derived from that same
-- secret: the table alone gives no usable token, and a cookie is worthless once its row is gone (log out, expiry).
create table console_sessions (
  id text primary key,
  kind text not null check (kind in ('session', 'login_link')),
  token_ciphertext bytea not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  -- A login link: when it was used (it works once).
  used_at timestamptz
);
create index console_sessions_expires_idx on console_sessions (expires_at);
