// Turns a registry's (or token realm's) error response into the text dockerd shows, following
// distribution's HandleErrorResponse: an OAuth error in WWW-Authenticate, a {"errors":[...]}
// body, Docker Hub's {"details": ...}, or just the status.
import { STATUS_CODES } from 'node:http';
import { parseWWWAuthenticate } from './challenge.ts';

/** `401 Unauthorized`, as Go's resp.Status reads. */
export function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? ''}`.trim();
}

const CODE_MESSAGES: Record<string, string> = {
  UNAUTHORIZED: 'authentication required',
  DENIED: 'requested access to the resource is denied',
};

/** Reads (and so consumes) the body; never throws. */
export async function responseErrorMessage(res: Response): Promise<string> {
  const body = await res.text().catch(() => ''); // the status still says what happened
  const oauth = oauthError(res);
  const fromBody = bodyError(res.status, body);
  if (oauth) return fromBody ? `${oauth}; ${fromBody}` : oauth;
  if (fromBody) return fromBody;
  if (res.status === 401) return `unauthorized: ${CODE_MESSAGES.UNAUTHORIZED}`;
  return `unexpected status: ${statusLine(res.status)}`;
}

function oauthError(res: Response): string | undefined {
  if (res.status < 400 || res.status >= 500) return undefined;
  for (const c of parseWWWAuthenticate(res.headers.get('www-authenticate'))) {
    if (c.scheme !== 'bearer') continue;
    const code = { invalid_token: 'UNAUTHORIZED', insufficient_scope: 'DENIED' }[c.params.error ?? ''];
    if (code) return describe(code, c.params.error_description || CODE_MESSAGES[code]);
  }
  return undefined;
}

function bodyError(status: number, body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { errors, details } = parsed as { errors?: unknown; details?: unknown };
  if (Array.isArray(errors) && errors.length > 0) {
    return errors
      .map((e: { code?: unknown; message?: unknown }) => describe(String(e?.code ?? 'UNKNOWN'), e?.message))
      .join('; ');
  }
  if (typeof details === 'string' && details !== '') {
    const code = status === 401 ? 'UNAUTHORIZED' : status === 429 ? 'TOOMANYREQUESTS' : 'UNKNOWN';
    return describe(code, details);
  }
  return undefined;
}

/** errcode.Error's text: the code lower-cased with spaces, then the message. */
function describe(code: string, message: unknown): string {
  const words = code.toLowerCase().replaceAll('_', ' ');
  const text = typeof message === 'string' && message !== '' ? message : CODE_MESSAGES[code];
  return text ? `${words}: ${text}` : words;
}
