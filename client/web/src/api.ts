// The JSON API client: protobuf's JSON mapping of the gRPC API under /v1/.
// Every request sends the session cookie (same origin) and the CSRF header;
// every error becomes an ApiError whose `message` a researcher can read.

export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly status: string,
    readonly detail: string,
    message: string,
  ) {
    super(message);
  }
}

// What each gRPC status means to someone using the app; the server's own
// message (which names the field or the rule) follows it.
const statusWords: Record<string, string> = {
  INVALID_ARGUMENT: "That was not accepted",
  FAILED_PRECONDITION: "That cannot be done now",
  OUT_OF_RANGE: "That is out of range",
  UNAUTHENTICATED: "You are signed out; please sign in again",
  PERMISSION_DENIED: "You are not allowed to do that in this project",
  NOT_FOUND: "That was not found (it may have been removed, or you may not have access)",
  ALREADY_EXISTS: "That already exists",
  ABORTED: "Someone else changed this at the same time; reload and try again",
  RESOURCE_EXHAUSTED: "The server is busy or a limit was reached; try again shortly",
  UNAVAILABLE: "The server cannot be reached right now; try again shortly",
  DEADLINE_EXCEEDED: "The server took too long to answer; try again",
  UNIMPLEMENTED: "The server does not offer this",
  CANCELLED: "The request was cancelled",
};

export function describeError(status: string, detail: string): string {
  const words = statusWords[status] ?? "Something went wrong on the server";
  return detail ? `${words}: ${detail}` : `${words}.`;
}

/** Query values: repeated fields repeat the name; nested fields use dots. */
export type Query = Record<string, string | number | boolean | undefined | (string | number)[]>;

function queryString(query?: Query): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === "") continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/**
 * Called when a request answers 401, so the app can show the sign-in screen;
 * it gets the session epoch the request was sent in.
 */
let onSignedOut: (sentAt: number) => void = () => {};
let currentEpoch: () => number = () => 0;
export function setSignedOutHandler(handler: (sentAt: number) => void, epoch?: () => number): void {
  onSignedOut = handler;
  if (epoch) currentEpoch = epoch;
}

export async function request<T>(
  method: "GET" | "POST" | "PATCH" | "DELETE",
  path: string,
  body?: unknown,
  query?: Query,
): Promise<T> {
  const headers: Record<string, string> = { "X-ICR-CSRF": "1", Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const sentAt = currentEpoch();
  let response: Response;
  try {
    response = await fetch(path + queryString(query), {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "UNAVAILABLE", "", describeError("UNAVAILABLE", ""));
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    const error = (parsed ?? {}) as { status?: string; message?: string };
    const status = error.status ?? httpStatusName(response.status);
    const detail = error.message ?? "";
    if (response.status === 401 && path !== "/v1/sessions") onSignedOut(sentAt);
    throw new ApiError(response.status, status, detail, describeError(status, detail));
  }
  return (parsed ?? {}) as T;
}

function httpStatusName(code: number): string {
  switch (code) {
    case 400: return "INVALID_ARGUMENT";
    case 401: return "UNAUTHENTICATED";
    case 403: return "PERMISSION_DENIED";
    case 404: return "NOT_FOUND";
    case 409: return "ABORTED";
    case 429: return "RESOURCE_EXHAUSTED";
    case 503: return "UNAVAILABLE";
    case 504: return "DEADLINE_EXCEEDED";
    default: return "INTERNAL";
  }
}

export const get = <T>(path: string, query?: Query) => request<T>("GET", path, undefined, query);
export const post = <T>(path: string, body: unknown = {}) => request<T>("POST", path, body);
export const patch = <T>(path: string, body: unknown) => request<T>("PATCH", path, body);
export const del = <T>(path: string) => request<T>("DELETE", path);

/** A path of escaped segments: path("projects", id, "rounds") → "/v1/projects/p1/rounds". */
export function path(...segments: string[]): string {
  return "/v1/" + segments.map((s) => encodeURIComponent(s).replace(/%3A/gi, ":")).join("/");
}

/**
 * Every page of a paged List call, concatenated. `field` names the repeated
 * field of the answer ("codes", "documents"...).
 */
export async function listAll<T>(
  route: string,
  field: string,
  query: Query = {},
  pageSize = 1000,
): Promise<T[]> {
  const items: T[] = [];
  let pageToken = "";
  for (let page = 0; page < 10000; page++) {
    const answer = await get<Record<string, unknown>>(route, {
      ...query,
      page_size: pageSize,
      page_token: pageToken || undefined,
    });
    items.push(...((answer[field] as T[] | undefined) ?? []));
    pageToken = (answer["next_page_token"] as string | undefined) ?? "";
    if (!pageToken) break;
  }
  return items;
}

// ---- JSON mapping helpers ----

/** int64/uint64 arrive as strings ("42"); small ones are safe as numbers. */
export function int64(value: string | number | undefined | null): number {
  if (value === undefined || value === null || value === "") return 0;
  return typeof value === "number" ? value : Number(value);
}

/** bytes arrive as base64; text in bytes fields is UTF-8. */
export function decodeBase64Text(value: string | undefined | null): string {
  if (!value) return "";
  const binary = atob(value);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder("utf-8").decode(bytes);
}

/** UTF-8 text for a bytes field (memos, document uploads). */
export function encodeBase64Text(text: string): string {
  return encodeBase64Bytes(new TextEncoder().encode(text));
}

// Protobuf's JSON mapping carries `bytes` fields as base64.
export function encodeBase64Bytes(bytes: Uint8Array): string {
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** A fresh request_id, so a retried write is stored once. */
export function requestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A Timestamp (RFC 3339) as the reader's local date and time. */
export function formatTime(value: string | undefined): string {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}
