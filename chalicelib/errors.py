"""Domain errors. The API maps each to one HTTP status in one place (app.py)."""

from __future__ import annotations


class ImageFactoryError(Exception):
    """Base of every error we raise on purpose."""

    code = "error"
    http_status = 500

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def to_dict(self) -> dict[str, str]:
        body = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return body


class ValidationError(ImageFactoryError):
    """Bad input from a client: names the field and the reason."""

    code = "invalid_input"
    http_status = 400


class PayloadTooLargeError(ImageFactoryError):
    """A request body past what the API takes (`MAX_BODY_BYTES` in chalicelib/api/common.py)."""

    code = "payload_too_large"
    http_status = 413


class NotFoundError(ImageFactoryError):
    code = "not_found"
    http_status = 404


class ConflictError(ImageFactoryError):
    """The request is valid but the object's state does not allow it now."""

    code = "conflict"
    http_status = 409


class InvalidStateError(ImageFactoryError):
    """An action that the job's current status does not allow (e.g. stop a finished job)."""

    code = "invalid_state"
    http_status = 400


class UnauthorizedError(ImageFactoryError):
    code = "unauthorized"
    http_status = 401


class NotImplementedYetError(ImageFactoryError):
    """A documented route whose feature is not built yet: an honest 501."""

    code = "not_implemented"
    http_status = 501


class ProviderError(ImageFactoryError):
    """An image provider failed; `retryable` says whether another attempt may succeed.

    `message` is the technical account (status, reply, exception text: for Debug lines and the
    record); `summary`, when known, the plain sentence a person reads in the Standard log."""

    code = "provider_error"

    def __init__(self, message: str, retryable: bool = False, summary: str | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.summary = summary
