"""The local stack's Cognito: a user pool and app client in moto, configured as the CDK app
configures the deployed ones, and users signed in to it with the flows a client uses on AWS.

moto issues real RS256 ID tokens (its `iss` is Cognito's own URL) and serves the pool's JWKS, so
the API verifies them exactly as deployed. It ignores the client's token validity: ID tokens last
one hour, and a long-running `imgfactory dev` refreshes them with the refresh token.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

#: The app client's flows, as deployed: password sign-in (plain and SRP), refresh, and the admin
#: flow the local stack signs its users in with.
AUTH_FLOWS = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
]


@dataclass(frozen=True)
class SignedInUser:
    username: str
    sub: str  # the user's workspace
    id_token: str
    refresh_token: str


def _cognito() -> Any:
    from chalicelib import aws

    return aws.client("cognito-idp")


def create_user_pool(name: str) -> tuple[str, str]:
    """A user pool and its app client (no secret): `(pool id, client id)`."""
    pool = _cognito().create_user_pool(
        PoolName=name,
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        Policies={"PasswordPolicy": {"MinimumLength": 12}},
    )["UserPool"]
    client = _cognito().create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=f"{name}-client",
        GenerateSecret=False,
        ExplicitAuthFlows=AUTH_FLOWS,
    )["UserPoolClient"]
    return pool["Id"], client["ClientId"]


def sign_in(username: str) -> SignedInUser:
    """The user `username` of the stack's pool (created if new, with a fresh random password),
    signed in: its ID and refresh tokens."""
    from chalicelib.settings import get_settings

    settings, cognito = get_settings(), _cognito()
    try:
        cognito.admin_create_user(
            UserPoolId=settings.user_pool_id, Username=username, MessageAction="SUPPRESS"
        )
    except cognito.exceptions.UsernameExistsException:
        pass
    password = secrets.token_urlsafe(18) + "aA1!"
    cognito.admin_set_user_password(
        UserPoolId=settings.user_pool_id, Username=username, Password=password, Permanent=True
    )
    tokens = cognito.admin_initiate_auth(
        UserPoolId=settings.user_pool_id,
        ClientId=settings.user_pool_client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )["AuthenticationResult"]
    return _signed_in(username, tokens["IdToken"], tokens["RefreshToken"])


def refresh(user: SignedInUser) -> SignedInUser:
    """New tokens for a signed-in user, from its refresh token (as `POST /api/auth/refresh`)."""
    from chalicelib import aws
    from chalicelib.settings import get_settings

    refreshed = aws.refresh_id_token(get_settings().user_pool_client_id, user.refresh_token)
    if refreshed is None:
        raise RuntimeError(f"the local user {user.username}'s refresh token was refused")
    return _signed_in(user.username, refreshed[0], user.refresh_token)


def _signed_in(username: str, id_token: str, refresh_token: str) -> SignedInUser:
    from chalicelib import auth

    sub = str(auth.verify_token(id_token)["sub"])  # and the API accepts it
    return SignedInUser(username, sub, id_token, refresh_token)
