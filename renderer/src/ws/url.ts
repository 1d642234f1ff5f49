import { TOKEN_PARAM, WS_PATH } from '../../../shared/wire.js';

type PageLocation = Pick<Location, 'protocol' | 'host' | 'search'>;

export function accessToken(page: PageLocation): string | null {
  return new URLSearchParams(page.search).get(TOKEN_PARAM);
}

/**
 * The backend's WebSocket URL on the host that served the page. The page is served only with
 * the token, which the server moves into a cookie the socket's handshake carries; a token
 * still in the page's address is passed on.
 */
export function backendSocketUrl(page: PageLocation): string {
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = accessToken(page);
  return `${scheme}//${page.host}${WS_PATH}${token ? `?${TOKEN_PARAM}=${encodeURIComponent(token)}` : ''}`;
}
