/** Task status: always the backend's answer; the edge's own record only for a task the backend does not know. */

import type { Env } from "./config";
import { json } from "./errors";
import { readMarker, statusFromMarker } from "./marker";
import { type Forwarding, proxyRewriting } from "./proxy";

export async function taskStatus(request: Request, env: Env, fwd: Forwarding, taskId: string): Promise<Response> {
  const response = await proxyRewriting(request, env, fwd);
  response.headers.set("Cache-Control", "no-store");
  if (response.status !== 404) return response;
  const marker = await readMarker(env, taskId);
  if (marker === null) return response;
  const resultsUrl = `${new URL(request.url).origin}/api/crawl/task/${taskId}/results`;
  return json(statusFromMarker(taskId, marker, resultsUrl), 200, {
    "Cache-Control": "no-store",
    "X-Task-Source": "gateway-queue",
  });
}
