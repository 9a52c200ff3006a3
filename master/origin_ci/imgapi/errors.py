"""IMGAPI errors: the codes and HTTP statuses sdc-imgapi answers with (docs/index.md "Errors").

The server raises `ImgapiError` and renders it as IMGAPI does, ``{"code", "message",
"errors"?}``; the client raises the same class for an error response, so callers test
``err.code`` whichever side they are on.
"""

STATUS_FOR_CODE = {
    "ValidationFailed": 422,
    "InvalidParameter": 422,
    "ImageFilesImmutable": 422,
    "ImageAlreadyActivated": 422,
    "NoActivationNoFile": 422,
    "OriginDoesNotExist": 422,
    "OriginIsNotActive": 422,
    "ImageHasDependentImages": 422,
    "ImageUuidAlreadyExists": 409,
    "Upload": 400,
    "Download": 400,
    "InvalidHeader": 400,
    "BadRequest": 400,
    "Unauthorized": 401,
    "ResourceNotFound": 404,
    "MethodNotAllowed": 405,
    "InternalError": 500,
    "NotAvailable": 501,
    "ServiceUnavailable": 503,
}


class ImgapiError(Exception):
    """An IMGAPI error response: `code` (e.g. "OriginDoesNotExist"), HTTP `status`, `message`
    and, for validation errors, `errors` as a list of {field, code, message?}."""

    def __init__(self, code, message, errors=None, status=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.errors = errors
        self.status = status or STATUS_FOR_CODE.get(code, 500)

    def body(self):
        body = {"code": self.code, "message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        return body

    @classmethod
    def from_response(cls, status, body):
        """Build the error a server answered; `body` is its parsed JSON (or None)."""
        if isinstance(body, dict) and isinstance(body.get("code"), str):
            return cls(body["code"], str(body.get("message", "")), body.get("errors"), status)
        return cls("HTTP%d" % status, f"unexpected HTTP {status} response", status=status)


def not_found(message):
    return ImgapiError("ResourceNotFound", message)


def invalid_parameter(field, message, code="Invalid"):
    return ImgapiError("InvalidParameter", message, [{"field": field, "code": code}])
