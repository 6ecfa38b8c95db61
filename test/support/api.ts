/**
 * The control API (DESIGN.md "Control API") as tests drive the simulated world: calls placed by outside parties,
 * agents acting on their phones and desktops, a reset between cases.
 */

export interface ApiAnswer {
  status: number;
  json: Record<string, unknown>;
}

/** One control API request; any status resolves (the body parsed as JSON, {} when empty). */
export async function apiRequest(baseUrl: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** One control API request that must succeed (status below 300: else it throws with the answer); its JSON. */
export async function api(baseUrl: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const a = await apiRequest(baseUrl, method, path, body);
  if (a.status >= 300) throw new Error(`${method} ${path}: ${a.status} ${JSON.stringify(a.json)}`);
  return a.json;
}

/** `POST /api/v1/calls`: an outside party calls; a caller-chosen `callId` (a seed example's CallID) and `preferredAgent`. */
export async function placeCall(baseUrl: string, from: string, to: string, opts: { callId?: string; preferredAgent?: string } = {}): Promise<string> {
  return (await api(baseUrl, 'POST', '/api/v1/calls', { from, to, ...opts }))['callId'] as string;
}

/** `POST /api/v1/agents/{userId}/actions`: the agent acts on the phone. */
export function agentAction(baseUrl: string, userId: string, action: string, number?: string): Promise<Record<string, unknown>> {
  return api(baseUrl, 'POST', `/api/v1/agents/${userId}/actions`, number === undefined ? { action } : { action, number });
}

/** `PUT /api/v1/agents/{userId}/state`. */
export function agentState(baseUrl: string, userId: string, state: string): Promise<Record<string, unknown>> {
  return api(baseUrl, 'PUT', `/api/v1/agents/${userId}/state`, { state });
}

/** `POST /api/v1/calls/{callId}/hangup`: the outside party (or `number`) hangs up. */
export function hangup(baseUrl: string, callId: string, number?: string): Promise<Record<string, unknown>> {
  return api(baseUrl, 'POST', `/api/v1/calls/${callId}/hangup`, number === undefined ? {} : { number });
}

/** `POST /api/v1/reset`: the world back to the fixture between cases. */
export function resetWorld(baseUrl: string): Promise<Record<string, unknown>> {
  return api(baseUrl, 'POST', '/api/v1/reset');
}
