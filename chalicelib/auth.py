"""Who is calling: a bearer token → the caller's workspace.

Offline, `imgfactory dev` makes one local user with a random token (`IMGF_LOCAL_TOKEN`); its
workspace is the stack's default workspace. (Deployed, REST calls are authorised by API Gateway's
Cognito authorizer before they reach us; WebSocket connects carry the token in the query string.)
"""

from __future__ import annotations

import hmac

from chalicelib.settings import get_settings


def workspace_for_token(token: str | None) -> str | None:
    """The workspace of a valid token, None for anything else."""
    settings = get_settings()
    if not token or not settings.local_token:
        return None
    if hmac.compare_digest(token.strip(), settings.local_token):
        return settings.default_workspace
    return None
