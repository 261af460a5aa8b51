// A real OpenID Connect provider (panva/oidc-provider, OpenID Certified) for the admin sign-in
// tests (tests/web/admin/test_oidc_signin.py). It listens on a free port of 127.0.0.1 and prints
// one JSON line {"issuer": ...} once it answers. The test passes, as JSON in OIDC_TEST_CONFIG,
// the one client ({client_id, client_secret, redirect_uri}) and accounts_file, a JSON file of the
// accounts (sub -> claims) read at every sign-in, so a test can change a user's groups, and
// optionally issuer_host, the host name in its issuer URL (e.g. localhost: another site than 127.0.0.1).
// Sign-in goes through oidc-provider's devInteractions: any login name, any password; the
// account is the one whose sub is that login name.
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG);

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://${config.issuer_host || '127.0.0.1'}:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: config.client.client_id,
      client_secret: config.client.client_secret,
      redirect_uris: [config.client.redirect_uri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    async findAccount(ctx, sub) {
      const claims = JSON.parse(readFileSync(config.accounts_file, 'utf8'))[sub];
      return claims && { accountId: sub, claims: async () => ({ sub, ...claims }) };
    },
    claims: {
      openid: ['sub', 'groups'], // as Entra ID sends group ids once the app asks for them
      profile: ['name', 'preferred_username'],
      email: ['email'],
    },
    conformIdTokenClaims: false, // the scopes' claims go into the ID token, not only to userinfo
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['digihjelpen-test-provider-cookie-key'] },
  });
  server.on('request', provider.callback());
  console.log(JSON.stringify({ issuer }));
});
