// A real OpenID provider (node's oidc-provider) on loopback, for the single sign-on tests.
//
// Started by tests/sso/conftest.py with its settings in the environment:
//   OIDC_PORT     the port to listen on (127.0.0.1 only)
//   OIDC_CLIENTS  JSON list of {client_id, client_secret, redirect_uris, tamper}
// Its sign-in page asks for an email address (the account; its subject is derived from it) and
// whether a second factor was used, which sets `amr` to ["pwd", "mfa"] or ["pwd"].
// A client's `tamper` makes the provider misbehave for that client only, to prove Convene refuses:
//   "audience"  the ID token names another audience (signed with the provider's own key);
//   "signature" the ID token is signed with a key the provider does not publish.
import http from 'node:http';
import { createHash } from 'node:crypto';

import Provider from 'oidc-provider';
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.OIDC_CLIENTS);
const tamperFor = Object.fromEntries(clients.map((c) => [c.client_id, c.tamper || '']));

async function signingKey(kid) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}

function document(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
}

const published = await signingKey('provider-key');
const { privateKey: untrusted } = await generateKeyPair('RS256');

// Each email address typed is an account; its subject is derived from it and stays the same.
const emails = new Map();
function subjectOf(email) {
  const subject = `subject-${createHash('sha256').update(email).digest('hex').slice(0, 16)}`;
  emails.set(subject, email);
  return subject;
}

const provider = new Provider(issuer, {
  clients: clients.map(({ client_id, client_secret, redirect_uris }) => ({
    client_id,
    client_secret,
    redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  })),
  jwks: { keys: [published] },
  cookies: { keys: ['a cookie key for the test provider only'] },
  claims: { openid: ['sub', 'amr', 'auth_time'], email: ['email', 'email_verified'], profile: ['name'] },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = document('Test provider: sign out', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out at the provider</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = document('Test provider: signed out', '<p>You have signed out at the provider.</p>');
      },
    },
  },
  pkce: { required: () => true },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: emails.get(id), email_verified: true, name: 'Test Person' };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

// The misbehaving clients: the token endpoint's answer is changed after the provider made it.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || !ctx.body || !ctx.body.id_token) return;
  const clientId = ctx.oidc && ctx.oidc.client && ctx.oidc.client.clientId;
  const tamper = tamperFor[clientId];
  if (!tamper) return;
  const claims = decodeJwt(ctx.body.id_token);
  const header = decodeProtectedHeader(ctx.body.id_token);
  let key = await import('jose').then((jose) => jose.importJWK(published, 'RS256'));
  if (tamper === 'audience') claims.aud = 'another-service';
  if (tamper === 'signature') key = untrusted;
  ctx.body = { ...ctx.body, id_token: await new SignJWT(claims).setProtectedHeader(header).sign(key) };
});

const page = (uid, error) => document('Test provider: sign in', `${error ? `<p>${error}</p>` : ''}
<form method="post" action="/interaction/${uid}">
<label for="email">Email address</label> <input id="email" name="email" type="email">
<input id="mfa" name="mfa" type="checkbox" value="yes"> <label for="mfa">I used a second factor</label>
<button type="submit">Sign in at the provider</button></form>`);

async function interaction(req, res) {
  const uid = req.url.split('/')[2];
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(page(uid));
    return;
  }
  let body = '';
  for await (const chunk of req) body += chunk;
  const form = new URLSearchParams(body);
  const email = (form.get('email') || '').trim().toLowerCase();
  const amr = form.get('mfa') === 'yes' ? ['pwd', 'mfa'] : ['pwd'];
  if (details.prompt.name !== 'login' || !email) {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(page(uid, 'Enter an email address'));
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: subjectOf(email), amr } }, {
    mergeWithLastSubmission: false,
  });
}

const callback = provider.callback();
http
  .createServer((req, res) => {
    if (req.url.startsWith('/interaction/')) {
      interaction(req, res).catch((error) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    callback(req, res);
  })
  .listen(port, '127.0.0.1', () => {
    process.stdout.write(`ready ${issuer}\n`);
  });
