"""Who is calling: a Cognito ID token → its verified claims; the caller's workspace is `sub`.

Deployed, API Gateway's Cognito authorizer (`AUTHORIZER`) checks REST calls before they reach us
and hands the claims over in `requestContext.authorizer.claims`. WebSocket APIs have no Cognito
authorizer, so `$connect` verifies its `?token=` here; so does the local stack's HTTP server for
every private route, putting the claims where API Gateway would. The checks are the ones Cognito's
documentation lists: RS256 signature by a key of the pool's JWKS, `iss` = the pool, `aud` = the app
client, `token_use` = `id`, not expired.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalice import CognitoUserPoolAuthorizer

from chalicelib.settings import get_settings

if TYPE_CHECKING:
    import jwt

log = logging.getLogger("imgfactory.auth")

#: A stand-in provider ARN: the CDK app replaces it with its user pool's ARN in the REST API's
#: definition (`infra/stack.py`), so no pool has to exist when the app is imported or packaged.
PLACEHOLDER_POOL_ARN = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_imgfactory"
AUTHORIZER = CognitoUserPoolAuthorizer(
    "CognitoUsers", provider_arns=[PLACEHOLDER_POOL_ARN], header="Authorization"
)
#: Seconds of clock difference tolerated on `exp` and `iat`.
LEEWAY_S = 30


class InvalidTokenError(Exception):
    """The token is not an unexpired ID token of this pool's app client."""


@lru_cache(maxsize=4)
def _keys(jwks_url: str) -> jwt.PyJWKClient:
    """The pool's public keys, fetched on first use and kept for an hour (refetched once, after a
    cooldown, when a token names a key id not in the set: Cognito rotating its keys)."""
    import jwt

    return jwt.PyJWKClient(jwks_url, lifespan=3600, timeout=5)


def verify_token(token: str) -> dict[str, Any]:
    """The claims of a valid ID token; raises InvalidTokenError for anything else.

    PyJWT (and the cryptography it loads) is imported here, by the functions that verify tokens,
    not by every function that imports the app."""
    import jwt

    settings = get_settings()
    if not settings.user_pool_id or not settings.user_pool_client_id:
        raise InvalidTokenError("no user pool is configured")
    try:
        key = _keys(settings.jwks_url).get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=settings.user_pool_client_id,
            issuer=settings.token_issuer,
            leeway=LEEWAY_S,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "token_use"]},
        )
    except jwt.PyJWKClientConnectionError as err:
        log.warning("cannot fetch the user pool's keys: %s", err)
        raise InvalidTokenError("the user pool's keys are unavailable") from err
    except jwt.PyJWTError as err:
        raise InvalidTokenError(str(err)) from err
    if claims["token_use"] != "id":
        raise InvalidTokenError("not an ID token")
    return claims


def verified_claims(token: str | None) -> dict[str, Any] | None:
    """`verify_token`, with None for a missing or invalid token."""
    if not token:
        return None
    try:
        return verify_token(token.strip())
    except InvalidTokenError:
        return None


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (a bare token is accepted too, as
    API Gateway's Cognito authorizer accepts it)."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if not token:
        return scheme or None
    return token.strip() if scheme.lower() == "bearer" else None


def workspace_for_token(token: str | None) -> str | None:
    """The workspace (Cognito `sub`) of a valid token, None for anything else."""
    claims = verified_claims(token)
    return str(claims["sub"]) if claims else None
