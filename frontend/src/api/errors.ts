// The API's error envelope, {"error": {"code", "message", "field"?}}, as one exception type.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;

  constructor(status: number, body: unknown) {
    const error = (isObject(body) && isObject(body.error) ? body.error : {}) as Record<string, unknown>;
    super(typeof error.message === "string" ? error.message : `The API answered HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = typeof error.code === "string" ? error.code : "http_error";
    this.field = typeof error.field === "string" ? error.field : null;
  }
}

export const NETWORK_ERROR = new ApiError(0, {
  error: {
    code: "network_error",
    message: "Cannot reach the Image Factory API. Is `imgfactory dev` still running?",
  },
});

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
