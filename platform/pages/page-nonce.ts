import { headers } from 'next/headers';
import { NONCE_HEADER } from '../../lib/web-guards/site-guard';

/**
 * For server components: the nonce an inline <script> needs to run under the
 * Content-Security-Policy. Reading request headers makes the page render per
 * request, which nonces need anyway (a page built once would carry one fixed,
 * public nonce).
 */
export async function pageNonce(): Promise<string | undefined> {
  return (await headers()).get(NONCE_HEADER) ?? undefined;
}
