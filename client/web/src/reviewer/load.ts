// What the reviewer's screens fetch besides the ordinary JSON answers.
import { ApiError, describeError, get, path } from "../api";
import { importPublicKey, type PublicKeyInfo } from "../verify/verify";
import type { PublicKeyJson } from "./audit_types";

/** The export as the server sends it (the exact text, to verify and to save). */
export async function fetchExportText(project: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(path("projects", project, "events:export"), {
      credentials: "same-origin",
      headers: { "X-ICR-CSRF": "1", Accept: "application/json" },
    });
  } catch {
    throw new ApiError(0, "UNAVAILABLE", "", describeError("UNAVAILABLE", ""));
  }
  const text = await response.text();
  if (!response.ok) {
    let status = "INTERNAL";
    let message = "";
    try {
      const error = JSON.parse(text) as { status?: string; message?: string };
      status = error.status ?? status;
      message = error.message ?? "";
    } catch {
      message = text.slice(0, 200);
    }
    throw new ApiError(response.status, status, message, describeError(status, message));
  }
  return text;
}

export interface ServerKey {
  json: PublicKeyJson;
  key: PublicKeyInfo;
}

export async function loadServerKey(): Promise<ServerKey> {
  const json = await get<PublicKeyJson>(path("public-key"));
  return { json, key: await importPublicKey(json.public_key_pem) };
}
