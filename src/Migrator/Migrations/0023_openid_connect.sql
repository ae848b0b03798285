-- The marketplace as an OpenID Connect provider (docs/architecture.md, "Single sign-on"). The four oidc_ tables are
-- the provider library's stores (registered clients, the consents people gave them, the scopes, and the codes and
-- tokens issued), mapped through the accounts DbContext under these names; rows are written by the library only.
CREATE TABLE oidc_applications
(
    id                        text PRIMARY KEY,
    application_type          text,
    client_id                 text NOT NULL CONSTRAINT uq_oidc_applications_client_id UNIQUE,
    client_secret             text,
    client_type               text,
    concurrency_token         text,
    consent_type              text,
    display_name              text,
    display_names             text,
    json_web_key_set          text,
    permissions               text,
    post_logout_redirect_uris text,
    properties                text,
    redirect_uris             text,
    requirements              text,
    settings                  text
);

CREATE TABLE oidc_authorizations
(
    id                text PRIMARY KEY,
    application_id    text CONSTRAINT fk_oidc_authorizations_application REFERENCES oidc_applications (id),
    concurrency_token text,
    creation_date     timestamptz,
    properties        text,
    scopes            text,
    status            text,
    subject           text,
    type              text
);
CREATE INDEX ix_oidc_authorizations_lookup ON oidc_authorizations (application_id, status, subject, type);

CREATE TABLE oidc_scopes
(
    id                text PRIMARY KEY,
    concurrency_token text,
    description       text,
    descriptions      text,
    display_name      text,
    display_names     text,
    name              text NOT NULL CONSTRAINT uq_oidc_scopes_name UNIQUE,
    properties        text,
    resources         text
);

CREATE TABLE oidc_tokens
(
    id                text PRIMARY KEY,
    application_id    text CONSTRAINT fk_oidc_tokens_application REFERENCES oidc_applications (id),
    authorization_id  text CONSTRAINT fk_oidc_tokens_authorization REFERENCES oidc_authorizations (id),
    concurrency_token text,
    creation_date     timestamptz,
    expiration_date   timestamptz,
    payload           text,
    properties        text,
    redemption_date   timestamptz,
    reference_id      text CONSTRAINT uq_oidc_tokens_reference_id UNIQUE,
    status            text,
    subject           text,
    type              text
);
CREATE INDEX ix_oidc_tokens_lookup ON oidc_tokens (application_id, status, subject, type);
CREATE INDEX ix_oidc_tokens_authorization ON oidc_tokens (authorization_id);

-- The provider's own keys, shared by every web host: RSA keys that sign identity and access tokens ('sig', published
-- in the JWKS) and encrypt codes and refresh tokens ('enc'). The private key is kept encrypted with the Data
-- Protection key ring. A key is used for new tokens from active_from to active_until and kept (published, or able to
-- decrypt) until retire_at, so every token it made stays valid to its own expiry; the rotation rules are in C#.
CREATE TABLE oidc_keys
(
    id           text PRIMARY KEY,
    use          text        NOT NULL CONSTRAINT ck_oidc_keys_use CHECK (use IN ('sig', 'enc')),
    private_key  bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    active_from  timestamptz NOT NULL,
    active_until timestamptz NOT NULL,
    retire_at    timestamptz NOT NULL,
    CONSTRAINT ck_oidc_keys_times CHECK (active_from <= active_until AND active_until <= retire_at)
);
CREATE INDEX ix_oidc_keys_use ON oidc_keys (use, active_from);
