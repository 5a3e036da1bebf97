// The New job form's state → the body of POST /api/jobs (and of an estimate of it).

import { jobRequestConfig, type Json } from "../../components/ConfigForm/fields";

export class FormError extends Error {
  constructor(
    readonly field: string | null,
    message: string,
  ) {
    super(message);
  }
}

export type JobRequest = { config: Json; scheduled_at?: string };

/** `scheduledAt` is a datetime-local value, in the user's time zone ("" to start now). */
export function buildJobRequest(config: Json, scheduledAt: string): JobRequest {
  const body: JobRequest = { config: jobRequestConfig(config) };
  if (scheduledAt) {
    const moment = new Date(scheduledAt);
    if (Number.isNaN(moment.getTime())) throw new FormError("scheduled_at", "Start at is not a valid date and time");
    body.scheduled_at = moment.toISOString();
  }
  return body;
}

/** The JSON view's text as a configuration, or a FormError saying what is wrong with it. */
export function parseConfigJson(text: string): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new FormError("json", `Not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new FormError("json", 'The configuration must be a JSON object, e.g. {"generations": 2}');
  }
  return parsed as Json;
}
